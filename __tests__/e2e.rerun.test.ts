import { describe, expect, it } from '@jest/globals'
import { runtimeToken } from '../__fixtures__/runtime-token.js'
import { makeRuns } from '../__fixtures__/history.js'
import { runAction, samplesOf } from '../__fixtures__/run-action.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'
import { readZipEntry } from '../src/github/zip.js'
import { uploadFailure } from '../src/github/record.js'

/**
 * Artifact names are unique within a run, across its attempts: GitHub's results service (and
 * the fake) answers 409 Conflict to a second upload under the same name.
 */
describe('recording on a re-run attempt and in a matrix', () => {
  const { fake } = useFakeGitHub()
  const RUN = 9100
  const jobEnv = (attempt: number) => ({
    GITHUB_RUN_ID: String(RUN),
    GITHUB_RUN_ATTEMPT: String(attempt),
    ACTIONS_RUNTIME_TOKEN: runtimeToken(RUN),
    ACTIONS_RESULTS_URL: `${fake.url}/`
  })
  const history = () => [
    { ...makeRuns([{}], RUN)[0], status: 'in_progress', conclusion: null },
    ...makeRuns([120, 130])
  ]
  const warnings = (r: { annotations: { level: string; message: string }[] }) =>
    r.annotations.filter(a => a.level === 'warning').map(a => a.message)

  it('a re-run attempt of a run that already recorded says so in one info line, no warning', async () => {
    fake.runs = history()
    fake.uploads.clear()
    const first = await runAction(fake, {
      inputs: { value: '140', record: 'true', window: '3' },
      env: jobEnv(1)
    })
    expect(first.stdout).toMatch(/Recorded 140 s as artifact helm-install-duration-9100/)

    const again = await runAction(fake, {
      inputs: { value: '150', record: 'true', window: '3' },
      env: jobEnv(2)
    })
    expect(again.code).toBe(0)
    expect(again.outputs.verdict).toBe('pass')
    expect(samplesOf(again)).toEqual([150, 120, 130])
    expect(warnings(again)).toEqual([])
    const lines = again.stdout.split('\n').filter(l => /already holds its sample/.test(l))
    expect(lines).toEqual([
      'This run already holds its sample: artifact helm-install-duration-9100 was recorded by an earlier attempt, so attempt 2 records nothing more (its value still counts in this check).'
    ])
    expect(again.stdout).not.toMatch(/Recorded 150/)
    // The run keeps one sample: the first attempt's.
    const named = fake.runs[0].artifacts.filter(a => a.name === 'helm-install-duration-9100')
    expect(named).toHaveLength(1)
    expect(await readZipEntry(named[0].zip, 'install_to_ready_seconds.txt', 64)).toBe('140\n')
  })

  it('two jobs of a first attempt recording under one name get a warning naming artifact-name', async () => {
    fake.runs = history()
    fake.uploads.clear()
    const legA = await runAction(fake, {
      inputs: { value: '140', record: 'true', window: '3' },
      env: jobEnv(1)
    })
    expect(warnings(legA)).toEqual([])
    const legB = await runAction(fake, {
      inputs: { value: '145', record: 'true', window: '3' },
      env: jobEnv(1)
    })
    expect(legB.code).toBe(0)
    expect(legB.outputs.verdict).toBe('pass')
    expect(warnings(legB)).toHaveLength(1)
    expect(warnings(legB)[0]).toMatch(/409 Conflict/)
    expect(warnings(legB)[0]).toMatch(/matrix key into 'artifact-name'/)
    expect(legB.stdout).not.toMatch(/already holds its sample/)
  })

  it('a matrix that puts its key into artifact-name records one sample per leg', async () => {
    fake.runs = history()
    fake.uploads.clear()
    for (const k8s of ['1.30', '1.31']) {
      const r = await runAction(fake, {
        inputs: {
          value: '140',
          record: 'true',
          window: '1',
          'artifact-name': `helm-install-duration-{run_id}-${k8s}`
        },
        env: jobEnv(1)
      })
      expect(warnings(r)).toEqual([])
      expect(r.stdout).toContain(`Recorded 140 s as artifact helm-install-duration-9100-${k8s}`)
    }
    expect(fake.runs[0].artifacts.map(a => a.name)).toEqual([
      'helm-install-duration-9100-1.30',
      'helm-install-duration-9100-1.31'
    ])
  })
})

describe('uploadFailure', () => {
  const conflict =
    'Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run'
  it('is an info line for a 409 on a re-run attempt', () => {
    expect(uploadFailure(conflict, 'n-1', { runAttempt: 3 })).toEqual({
      level: 'info',
      message: expect.stringMatching(/^This run already holds its sample: .* attempt 3 /)
    })
  })
  it('is a matrix warning for a 409 on a first attempt', () => {
    expect(uploadFailure(conflict, 'n-1', { runAttempt: 1 })).toMatchObject({ level: 'warning' })
  })
  it('stays the plain failure warning for anything else, on any attempt', () => {
    const other = 'Failed to CreateArtifact: Failed request: (500) Internal Server Error'
    expect(uploadFailure(other, 'n-1', { runAttempt: 2 })).toEqual({
      level: 'warning',
      message: `Recording this run's sample failed: ${other}`
    })
  })
})
