import { outsideCode } from '../__fixtures__/markdown.js'
import { createHash } from 'node:crypto'
import { describe, expect, it } from '@jest/globals'
import { pushRunEnv } from '../__fixtures__/cache-service.js'
import { runtimeToken } from '../__fixtures__/runtime-token.js'
import { makeRuns, type RunSpec } from '../__fixtures__/history.js'
import { runAction, samplesOf, type ActionResult } from '../__fixtures__/run-action.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'
import { readZipEntry } from '../src/github/zip.js'

/**
 * Environment-aware history through dist/index.js against the fake GitHub: what a recorded
 * run's metadata.json holds, attribution to the commit or the environment, `match`, hostile
 * metadata.json files, and the sample cache with environments.
 */

const OLD = '20261115.1'
const NEW = '20261122.1'
const linux = (image: string) => ({
  'runner-os': 'Linux',
  'runner-arch': 'X64',
  'runner-environment': 'github-hosted',
  'image-os': 'ubuntu24',
  'image-version': image
})
/** The fake's head_sha of a run: the SHA-1 of its id (see __fixtures__/history.ts). */
const shaOf = (id: number) => createHash('sha1').update(String(id)).digest('hex')

/** 16 runs, newest first: 6 near 200 s, then 10 near 100 s; ids 9000 down to 8985. */
const SLOW = [201, 198, 203, 199, 202, 197]
const FAST = [101, 99, 103, 98, 100, 102, 97, 104, 100, 99]
const FLAT = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99, 102, 98, 100, 101, 99, 100]

/** Runs with `values` whose image changes after the newest `newer` runs. */
const imaged = (values: number[], newer: number): RunSpec[] =>
  values.map((value, i) => ({ value, environment: linux(i < newer ? NEW : OLD) }))

describe('environment-aware history, through dist/index.js', () => {
  const { fake, run } = useFakeGitHub()

  it('records the runner keys and the workflow keys in metadata.json', async () => {
    fake.runs = [
      { ...makeRuns([{}], 9100)[0], status: 'in_progress', conclusion: null },
      ...makeRuns([120, 130])
    ]
    fake.uploads.clear()
    const r = await runAction(fake, {
      inputs: {
        value: '125',
        record: 'true',
        window: '3',
        environment: 'kind=v0.29.0\nnode-image=kindest/node:v1.34.0\n\nhelm=v3.19.0+g3d8990f\n'
      },
      env: {
        GITHUB_RUN_ID: '9100',
        GITHUB_RUN_ATTEMPT: '1',
        RUNNER_OS: 'Linux',
        RUNNER_ARCH: 'X64',
        RUNNER_ENVIRONMENT: 'github-hosted',
        ImageOS: 'ubuntu24',
        ImageVersion: NEW,
        ACTIONS_RUNTIME_TOKEN: runtimeToken(9100),
        ACTIONS_RESULTS_URL: `${fake.url}/`
      }
    })
    expect(r.code).toBe(0)
    const zip = fake.uploads.get('9100-helm-install-duration-9100')?.zip ?? Buffer.alloc(0)
    const meta = JSON.parse(await readZipEntry(zip, 'metadata.json', 8192)) as {
      environment: unknown
    }
    expect(meta.environment).toEqual({
      ...linux(NEW),
      kind: 'v0.29.0',
      'node-image': 'kindest/node:v1.34.0',
      helm: 'v3.19.0+g3d8990f'
    })
  })

  it('refuses a bad environment line, naming it, before reading anything', async () => {
    const r = await run([120], { inputs: { environment: 'kind=v0.29.0\nimage-version=x' } })
    expect(r.code).toBe(1)
    expect(r.annotations).toContainEqual({
      level: 'error',
      message: expect.stringContaining(
        `Input 'environment' line 2 "image-version=x" sets image-version, a key the runner records itself`
      )
    })
    expect(fake.requests).toHaveLength(0)
  })

  it('attributes a rise where image-version changes to the environment, and names the commit too', async () => {
    const r = await run(imaged([...SLOW, ...FAST], 6), { inputs: { history: '16' } })
    expect(r.outputs['change-run-id']).toBe('8995')
    expect(JSON.parse(r.outputs['change-environment'])).toEqual({ 'image-version': [OLD, NEW] })
    expect(JSON.parse(r.outputs['environment-varies'])).toEqual(['image-version'])
    const shift = r.summary.split('\n')[2]
    expect(shift).toMatch(/^Slower since about \[#995\]/)
    expect(shift).toContain(
      'the environment also changed there: image-version ` 20261115.1 ` -> ` 20261122.1 ` (by coincidence alone: 5 of the 11 places a split can fall in this history are as near a change); so did the commit'
    )
    expect(shift).not.toMatch(/cause of|caused|not code|runner or cluster/)
    expect(shift).toContain(`/compare/${shaOf(8993)}...${shaOf(8996)}`)
    expect(r.stdout).toContain(
      `the environment also changed there: image-version ${OLD} -> ${NEW} (by coincidence alone: 5 of the 11 places a split can fall in this history are as near a change); so did the commit; compare ${shaOf(8993).slice(0, 7)}...${shaOf(8996).slice(0, 7)}`
    )
    // The window spans both images; the table shows the key that varies, not the constant ones.
    expect(r.summary).toContain(
      'The window spans two runner images: ` 20261115.1 ` (4 runs), ` 20261122.1 ` (6 runs)'
    )
    expect(r.summary).toContain(
      '| Run | Commit | Date (UTC) | Conclusion | image-version | Seconds |'
    )
    expect(r.summary).not.toContain('| runner-os |')
    const samples = JSON.parse(r.outputs.samples) as { environment: unknown }[]
    expect(samples[0].environment).toEqual({ 'image-version': NEW })
    expect(samples[9].environment).toEqual({ 'image-version': OLD })
  })

  it('says the commit is the same either side and the environment also changed, naming no cause', async () => {
    const r = await run(imaged([...SLOW, ...FAST], 6), {
      inputs: { history: '16' },
      amend: runs => runs.forEach(run => (run.head_sha = 'c'.repeat(40)))
    })
    expect(JSON.parse(r.outputs['change-environment'])).toEqual({ 'image-version': [OLD, NEW] })
    expect(r.stdout).toContain(
      `same commit on either side; the environment also changed there: image-version ${OLD} -> ${NEW}`
    )
  })

  it('attributes a rise with a constant image to the commit alone', async () => {
    const r = await run(imaged([...SLOW, ...FAST], 16), { inputs: { history: '16' } })
    expect(r.outputs['change-run-id']).toBe('8995')
    expect(r.outputs['change-environment']).toBe('{}')
    expect(r.outputs['environment-varies']).toBe('[]')
    expect(r.stdout).toContain(
      `the commit changed there, the recorded environment did not; compare ${shaOf(8993).slice(0, 7)}...`
    )
    expect(r.summary).not.toContain('The window spans')
    expect(r.summary).toContain('| Run | Commit | Date (UTC) | Conclusion | Seconds |')
  })

  it('reports no shift for a flat history whose image changes in the middle', async () => {
    const r = await run(imaged(FLAT, 8), { inputs: { history: '16' } })
    expect(r.outputs['change-run-id']).toBe('')
    expect(r.outputs['change-environment']).toBe('')
    expect(r.stdout).toMatch(/No shift/)
  })

  it('with match on image-version, judges only the matching runs and says so', async () => {
    const r = await run(imaged([...SLOW, ...FAST], 6), {
      inputs: { history: '16', window: '5', match: 'image-version', value: '205' },
      env: { ImageVersion: NEW, RUNNER_OS: 'Linux' }
    })
    expect(r.outputs.count).toBe('5')
    // This run and the 6 newest share its image; the 10 older runs on the old image do not count.
    expect(samplesOf(r)).toEqual([205, 201, 198, 203, 199])
    expect(r.outputs.skipped).toBe('[]')
    expect(r.outputs['change-run-id']).toBe('')
    expect(r.stdout).toContain(
      `Like for like on image-version=${NEW}: 7 of 16 samples read match; 9 from other environments left out`
    )
    expect(r.summary).toContain(
      'Like for like on image-version=20261122.1&#58; 7 of 16 samples read match'
    )
  })

  it('with too few matching runs, is insufficient and says what each key costs', async () => {
    const specs = imaged([...SLOW, ...FAST], 6).map((spec, i) => ({
      ...spec,
      environment: { ...spec.environment, kind: i < 3 ? 'v0.30.0' : 'v0.29.0' }
    }))
    const r = await run(specs, {
      inputs: { history: '16', window: '10', match: 'image-version, kind' }
    })
    expect(r.outputs.verdict).toBe('insufficient')
    expect(r.outputs.count).toBe('3')
    const warning = r.annotations.find(a => a.level === 'warning')?.message ?? ''
    expect(warning).toContain('insufficient: need >= 10 runs, have 3')
    expect(warning).toContain(
      `Like for like on image-version=${NEW}, kind=v0.30.0: 3 of 16 samples read match; 13 from other environments left out. Too few to judge (min-runs 10); 16 without match, with image-version dropped 3, with kind dropped 6`
    )
  })

  it('never matches a run with no recorded environment, and still counts it without match', async () => {
    const specs: RunSpec[] = [
      { value: 150, environment: linux(NEW) },
      { value: 151 },
      { value: 152, metadata: 'not json' },
      { value: 153, environment: linux(NEW) }
    ]
    const pooled = await run(specs, { inputs: { window: '4' } })
    expect(pooled.outputs.count).toBe('4')
    expect(JSON.parse(pooled.outputs.samples)[1].environment).toBeNull()
    expect(pooled.stdout).toContain(
      'Environment unknown for 1 run (counted all the same): metadata.json has no environment (recorded before v1.0.0): 8999'
    )
    const matched = await run(specs, { inputs: { window: '4', match: 'image-version' } })
    expect(samplesOf(matched)).toEqual([150, 153])
    expect(matched.stdout).toContain('2 from other environments left out (2 with none recorded)')
  })

  const NESTED = '['.repeat(3000) + ']'.repeat(3000)
  const hostile: [string, string, RegExp][] = [
    [
      'huge',
      JSON.stringify({ environment: { kind: 'x' }, pad: 'p'.repeat(100_000) }),
      /metadata.json inflates to \d+ bytes, over the 8192-byte cap/
    ],
    ['deeply nested', NESTED, /metadata.json is not a JSON object/],
    ['deeply nested environment', `{"environment":${NESTED}}`, /environment is not an object/],
    ['non-JSON', '{"environment": {"kind": "v1"', /metadata.json is not JSON/],
    [
      'an escape in a value',
      JSON.stringify({ environment: { kind: 'a\u001b[31mb\nc' } }),
      /environment value of kind is not 1 to 64 printable/
    ],
    [
      'an HTML key',
      JSON.stringify({ environment: { '<img src=x>': 'v' } }),
      /environment key "<img src=x>" is not allowed/
    ],
    [
      '10,000 keys',
      JSON.stringify({
        environment: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v']))
      }),
      /metadata.json inflates to|environment has 10000 keys/
    ],
    [
      'an environment that is a string',
      JSON.stringify({ environment: '::error::pwned' }),
      /environment is not an object/
    ]
  ]

  it.each(hostile)(
    'counts the sample of a run whose metadata.json is %s, and says why',
    async (_label, metadata, why) => {
      const r = await run([{ value: 150, metadata }, 120, 130], { inputs: { window: '3' } })
      expect(r.code).toBe(0)
      expect(samplesOf(r)).toEqual([150, 120, 130])
      expect(r.outputs.skipped).toBe('[]')
      const line = r.stdout.split('\n').find(l => /Environment unknown for 1 run /.test(l)) ?? ''
      expect(line).toMatch(why)
      expect(line).toContain(': 9000')
    }
  )

  it('shows workflow-command and markup values inert in the log and the summary', async () => {
    const values = ['::warning::pwned', '<img src=x onerror=alert(1)>', '[x](https://evil)']
    const specs: RunSpec[] = values.map((value, i) => ({
      value: 100 + i,
      environment: { ...linux(NEW), kind: value }
    }))
    const r = await run(specs, { inputs: { window: '3' } })
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n').some(l => l.startsWith('::warning::pwned'))).toBe(false)
    expect(r.stdout).toContain(': :warning: :pwned')
    expect(r.annotations.filter(a => a.message.includes('pwned'))).toEqual([])
    // Untrusted text is shown only inside code spans (issue 20), so markup is looked for outside them.
    expect(outsideCode(r.summary)).not.toContain('<img')
    expect(outsideCode(r.summary)).not.toContain('](https://evil)')
    expect(r.summary).toContain('` <img src=x onerror=alert(1)> `')
    expect(JSON.parse(r.outputs['environment-varies'])).toEqual(['kind'])
  })
})

describe('the sample cache with environments, through dist/index.js', () => {
  const { fake } = useFakeGitHub()
  let runId = 9500

  const check = (): Promise<ActionResult> => {
    const id = runId++
    fake.requests.length = 0
    return runAction(fake, {
      inputs: { window: '10', history: '16' },
      env: pushRunEnv(fake, id)
    })
  }

  it('gives identical outputs cold and warm, environments and unknowns included', async () => {
    const specs: RunSpec[] = imaged([...SLOW, ...FAST], 6)
    specs[2] = { value: 203, metadata: '{"environment": 1}' }
    specs[12] = { value: 97 }
    fake.runs = makeRuns(specs)
    fake.cache.reset()
    const cold = await check()
    const downloaded = fake.requests.filter(r => r.path.startsWith('/blob/')).length
    expect(downloaded).toBe(16)
    const warm = await check()
    expect(fake.requests.filter(r => r.path.startsWith('/blob/'))).toHaveLength(0)
    expect(warm.outputs).toEqual(cold.outputs)
    expect(warm.summary).toEqual(cold.summary)
    expect(JSON.parse(cold.outputs.samples)[2].environment).toBeNull()
    const unknown = (r: ActionResult) =>
      r.stdout.split('\n').filter(l => l.startsWith('Environment unknown'))
    expect(unknown(warm)).toEqual(unknown(cold))
    expect(unknown(cold)).toHaveLength(2)
  })
})
