import { describe, expect, it } from '@jest/globals'
import { runtimeToken } from '../__fixtures__/runtime-token.js'
import { makeRuns } from '../__fixtures__/history.js'
import { runAction, samplesOf } from '../__fixtures__/run-action.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'
import { readZipEntry } from '../src/github/zip.js'

/**
 * Record mode for real: dist/index.js uploads through `@actions/artifact` to the fake Actions
 * results service and blob store, and a later run reads the sample back through the REST API.
 */
describe('record, then read back in the next run', () => {
  const { fake } = useFakeGitHub()
  const runnerEnv = (runId: number) => ({
    GITHUB_RUN_ID: String(runId),
    GITHUB_RUN_NUMBER: String(runId - 8000),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_WORKFLOW: 'chart',
    RUNNER_OS: 'Linux',
    ACTIONS_RUNTIME_TOKEN: runtimeToken(runId),
    ACTIONS_RESULTS_URL: `${fake.url}/`
  })
  const inProgress = (id: number) => ({
    ...makeRuns([{}], id)[0],
    run_number: id - 8000,
    status: 'in_progress',
    conclusion: null
  })

  it('uploads value as this run artifact and counts it in run k+1', async () => {
    fake.runs = [inProgress(9100), ...makeRuns([120, 130, 140, 150])]
    fake.uploads.clear()
    const k = await runAction(fake, {
      inputs: { value: '151.5', record: 'true', 'retention-days': '30', window: '5' },
      env: runnerEnv(9100)
    })
    expect(k.code).toBe(0)
    expect(samplesOf(k)).toEqual([151.5, 120, 130, 140, 150])
    expect(k.stdout).toMatch(/Recorded 151.5 s as artifact helm-install-duration-9100/)

    const upload = fake.uploads.get('9100-helm-install-duration-9100')
    expect(upload?.finalized).toBe(true)
    const days = (Date.parse(upload?.expiresAt ?? '') - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(29.9)
    expect(days).toBeLessThan(30.1)
    const zip = upload?.zip ?? Buffer.alloc(0)
    expect(await readZipEntry(zip, 'install_to_ready_seconds.txt', 64)).toBe('151.5\n')
    const meta = JSON.parse(await readZipEntry(zip, 'metadata.json', 4096)) as Record<
      string,
      unknown
    >
    expect(meta).toMatchObject({
      run_id: 9100,
      run_number: 1100,
      run_attempt: 1,
      unit: 'seconds',
      value: 151.5,
      runner_os: 'Linux'
    })
    expect(Date.parse(String(meta.recorded_at))).not.toBeNaN()

    // Run k finishes; run k+1 checks without a value of its own and finds k's sample first.
    fake.runs[0] = { ...fake.runs[0], status: 'completed', conclusion: 'success' }
    fake.requests.length = 0
    const next = await runAction(fake, { inputs: { window: '5' }, env: runnerEnv(9101) })
    expect(next.code).toBe(0)
    expect(samplesOf(next)).toEqual([151.5, 120, 130, 140, 150])
    expect(JSON.parse(next.outputs.samples)[0]).toMatchObject({ run_id: 9100, run_number: 1100 })
  })

  it.each([
    ['no value', {}, "'record' needs a 'value'"],
    [
      'a missing value file (if: always() after a failed install)',
      { value: 'install_to_ready_seconds.txt' },
      'neither a number nor an existing file'
    ]
  ])(
    'records nothing with %s, warns why, and still checks the history',
    async (_label, inputs, warning) => {
      fake.runs = [inProgress(9200), ...makeRuns([120, 130, 140])]
      fake.uploads.clear()
      const r = await runAction(fake, {
        inputs: { record: 'true', window: '3', ...inputs },
        env: runnerEnv(9200)
      })
      expect(r.code).toBe(0)
      expect(r.outputs.verdict).toBe('pass')
      expect(samplesOf(r)).toEqual([120, 130, 140])
      expect(fake.uploads.size).toBe(0)
      expect(r.annotations).toContainEqual({
        level: 'warning',
        message: expect.stringContaining(warning)
      })
      expect(r.annotations.find(a => a.level === 'warning')?.message).toMatch(
        /Nothing recorded; checking the history alone/
      )
    }
  )

  it('warns, and still gives the verdict, when the upload fails', async () => {
    fake.runs = [inProgress(9300), ...makeRuns([120, 130])]
    const r = await runAction(fake, {
      inputs: { record: 'true', value: '125', window: '3' },
      env: { ...runnerEnv(9300), ACTIONS_RUNTIME_TOKEN: 'not-a-jwt' }
    })
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('pass')
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: expect.stringMatching(/^Recording this run's sample failed/)
    })
  })
})
