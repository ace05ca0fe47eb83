import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { samplesOf } from '../__fixtures__/run-action.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'

/** The fake's head_sha of a run: the SHA-1 of its id (see __fixtures__/history.ts). */
const shaOf = (id: number) => createHash('sha1').update(String(id)).digest('hex')

/** 6 newest runs near 200 s after 10 near 100 s: the first slow run is id 8995, number 995. */
const SLOW = [201, 198, 203, 199, 202, 197]
const FAST = [101, 99, 103, 98, 100, 102, 97, 104, 100, 99]
const STEP = [...SLOW, ...FAST]
const FLAT = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99, 102, 98, 100, 101, 99, 100]

const CHANGE_OUTPUTS = [
  'change-run-id',
  'change-sha',
  'change-shift',
  'change-p',
  'change-method'
] as const
const changeOutputs = (outputs: Record<string, string>) =>
  Object.fromEntries(CHANGE_OUTPUTS.map(name => [name, outputs[name]]))

/** End to end: change-point attribution through dist/index.js against the fake GitHub API. */
describe('what changed, through dist/index.js', () => {
  const { run } = useFakeGitHub()

  it('names the run and commit of a step, links the compare view, and judges only the window', async () => {
    const r = await run(STEP, { inputs: { history: '16' } })
    expect(r.code).toBe(0)
    // The verdict is on the newest 10: 6 slow and 4 fast runs.
    expect(r.outputs.count).toBe('10')
    expect(samplesOf(r)).toEqual(STEP.slice(0, 10))
    expect(r.outputs.median).toBe('197.5')
    expect(r.outputs.verdict).toBe('pass')

    expect(r.outputs['change-run-id']).toBe('8995')
    expect(r.outputs['change-sha']).toBe(shaOf(8995))
    expect(Number(r.outputs['change-shift'])).toBeGreaterThan(90)
    expect(Number(r.outputs['change-shift'])).toBeLessThan(110)
    expect(Number(r.outputs['change-p'])).toBeLessThan(0.035)
    expect(r.outputs['change-method']).toBe('scan')
    // 6 of 10 near 200 s, 4 near 100 s: the 97% interval 99-202 s lies under the 300 s budget.
    expect(r.outputs.conclusive).toBe('true')

    const base = 'https://github.com/tracecore/tracecore'
    const line = r.summary.split('\n')[2]
    expect(line).toMatch(/^Slower since about \[#995\]/)
    expect(line).toContain(`[#995](${base}/actions/runs/8995)`)
    expect(line).toContain(`[\`${shaOf(8995).slice(0, 7)}\`](${base}/commit/${shaOf(8995)})`)
    // The compare view spans one run more either side: the split can be a run off.
    expect(line).toContain(`(${base}/compare/${shaOf(8993)}...${shaOf(8996)})`)
    expect(line).toMatch(/: \+\d+(\.\d)? s \(100 s -> 200 s\), p = 0\.0\d+ · \[compare /)
    // The chart shows all 16 runs, the 6 before the window in grey, and the two levels.
    expect(r.summary).toContain('"plotColorPalette": "#b8c4d0, #4c78a8, #d62728, #ff7f0e"')
    expect(r.summary).toContain(
      `  line [${[...Array(10).fill(100), ...Array(6).fill(200)].join(', ')}]`
    )
    // The same line in the log.
    expect(r.stdout).toContain(`Slower since about #995 (${shaOf(8995).slice(0, 7)}) ±1 run: +`)
  })

  it('gives the same change outputs for the same history, every time', async () => {
    const first = await run(STEP, { inputs: { history: '16' } })
    const second = await run(STEP, { inputs: { history: '16' } })
    expect(changeOutputs(second.outputs)).toEqual(changeOutputs(first.outputs))
    expect(first.outputs['change-p']).not.toBe('')
  })

  it('leaves the change outputs empty on a flat history, and says so in small print', async () => {
    const r = await run(FLAT, { inputs: { history: '16' } })
    expect(changeOutputs(r.outputs)).toEqual({
      'change-run-id': '',
      'change-sha': '',
      'change-shift': '',
      'change-method': '',
      'change-p': ''
    })
    expect(r.summary).toMatch(/<sub>No shift found \(p = 0\.\d+\) · 16 runs tested<\/sub>/)
    expect(r.summary).not.toContain('/compare/')
  })

  it('reports no shift smaller than min-shift', async () => {
    const r = await run(STEP, { inputs: { history: '16', 'min-shift': '150' } })
    expect(r.outputs['change-run-id']).toBe('')
    expect(r.summary).toMatch(
      /No shift found beyond the 150 s minimum: \+\d+(\.\d)? s since about \[#995\]/
    )
  })

  it("says where this run's value stands, after the change line on a push", async () => {
    const r = await run(STEP.slice(0, 15), { inputs: { history: '16', value: '260' } })
    const blocks = r.summary.split('\n\n')
    expect(blocks[1]).toMatch(/^Slower since about \[#995\]/)
    expect(blocks[2]).toBe('This run, 260 s, is slower than all of the last 15')
    expect(r.stdout).toContain('This run, 260 s, is slower than all of the last 15')
  })

  it('puts the standing first on a pull request', async () => {
    const r = await run(STEP.slice(0, 15), {
      inputs: { history: '16', value: '150' },
      env: { GITHUB_EVENT_NAME: 'pull_request' }
    })
    const blocks = r.summary.split('\n\n')
    expect(blocks[1]).toBe('This run, 150 s, is slower than 9 of the last 15')
    expect(blocks[2]).toMatch(/^Slower since about \[#995\]/)
  })

  it('fails at once on a history shorter than the window, naming the input', async () => {
    const r = await run(STEP, { inputs: { history: '5' } })
    expect(r.code).toBe(1)
    expect(r.annotations).toContainEqual({
      level: 'error',
      message: expect.stringContaining("Input 'history' must be a whole number from 10 to 50")
    })
  })
})

/** The operator command over a folder as `gh run download -D DIR` leaves it, newest run first. */
function reportOverDir(
  values: number[],
  args: string[]
): Promise<{ code: number; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'change-dir-'))
  values.forEach((value, i) => {
    const folder = join(dir, `helm-install-duration-${5000 - i}`)
    mkdirSync(folder)
    writeFileSync(join(folder, 'install_to_ready_seconds.txt'), `${value}\n`)
    const meta = { run_id: 5000 - i, run_number: 300 - i, sha: shaOf(5000 - i) }
    writeFileSync(join(folder, 'metadata.json'), JSON.stringify(meta))
  })
  const bin = resolve(import.meta.dirname, '..', 'dist', 'report.js')
  return new Promise(done => {
    execFile(
      process.env.E2E_NODE ?? process.execPath,
      [bin, '--dir', dir, ...args],
      { env: { PATH: process.env.PATH ?? '' } },
      (error, stdout) => done({ code: error ? Number(error.code) : 0, stdout })
    )
  })
}

describe('what changed, through the operator command', () => {
  it('prints the change line, and gives the change outputs in --json', async () => {
    const text = await reportOverDir(STEP, ['--window', '16'])
    expect(text.code).toBe(0)
    expect(text.stdout.split('\n')[1]).toMatch(
      new RegExp(
        `^   Slower since about #295 \\(${shaOf(4995).slice(0, 7)}\\) ±1 run: \\+\\d+(\\.\\d)? s \\(100 s -> 200 s\\), p = 0\\.0\\d+; compare ${shaOf(4993).slice(0, 7)}\\.\\.\\.${shaOf(4996).slice(0, 7)}$`
      )
    )
    const json = await reportOverDir(STEP, ['--window', '16', '--json'])
    const outputs = JSON.parse(json.stdout) as Record<string, unknown>
    expect(outputs['change-run-id']).toBe(4995)
    expect(outputs['change-sha']).toBe(shaOf(4995))
    expect(outputs['change-p']).toBeLessThan(0.05)
    expect(outputs['change-method']).toBe('scan')
    expect(outputs.conclusive).toBe(true)
  })

  it('--decide confident: inconclusive at 6 of 10 over, exit 0', async () => {
    const json = await reportOverDir(STEP, ['--window', '10', '--budget', '150', '--json'])
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({ verdict: 'breach', conclusive: false })
    const confident = await reportOverDir(STEP, [
      '--window',
      '10',
      '--budget',
      '150',
      '--decide',
      'confident',
      '--json'
    ])
    expect(confident.code).toBe(0)
    expect(JSON.parse(confident.stdout)).toMatchObject({
      verdict: 'inconclusive',
      conclusive: false
    })
    const text = await reportOverDir(STEP, ['--budget', '150', '--decide', 'confident'])
    expect(text.stdout).toMatch(/^❔ inconclusive: median 197.5 s vs 150 s budget over 10 runs\n/)
    expect(text.stdout).toContain('   6 of 10 runs over the 150 s budget\n')
    expect(text.stdout).toContain(
      '   not conclusive: 6 of 10 runs over the budget and 4 within; 8 of 10 on one side decide\n'
    )
  })
})

/** Oldest first, as the trials draw them: 22 runs near 200 s, then 8 near 245 s (seeded). */
const STEP_30 = [
  214, 212, 195, 197, 211, 189, 196, 204, 211, 201, 203, 197, 204, 202, 186, 206, 185, 217, 200,
  197, 200, 199, 249, 247, 249, 247, 227, 236, 262, 253
]
/** Oldest first: AR(1) noise with φ 0.8 around 200 s, no step (seeded): runners that drift. */
const DRIFT_30 = [
  214, 219, 212, 208, 213, 204, 200, 203, 208, 207, 208, 205, 206, 206, 197, 201, 191, 203, 203,
  201, 201, 200, 206, 209, 213, 215, 204, 201, 214, 219
]

/** End to end: what the summary says at a breach, and the confident rule, through dist/. */
describe('statistics that hold up, through dist/index.js', () => {
  const { run } = useFakeGitHub()
  const hint = 'runs may not be independent'

  it('a 30-run history with a real step: the shift line, and no independence hint', async () => {
    const r = await run([...STEP_30].reverse())
    expect(r.code).toBe(0)
    expect(r.outputs['change-run-id']).toBe(String(9000 - 7))
    expect(r.summary.split('\n')[2]).toMatch(/^Slower since about \[#993\]\(.*\) ±1 run: \+/)
    // Around the two fitted levels the runs look independent; on the raw history they did not.
    expect(r.summary).toMatch(
      /Lag-1 autocorrelation of the 30 runs around their two fitted levels is -?0\.\d\d</
    )
    expect(r.summary).not.toContain(hint)
    expect(r.stdout).not.toContain(hint)
  })

  it('a drifting flat history: the hint, naming what it affects', async () => {
    const r = await run([...DRIFT_30].reverse())
    expect(r.code).toBe(0)
    expect(r.outputs['change-run-id']).toBe('')
    expect(r.summary).toMatch(
      /> \[!WARNING\]\n> Lag-1 autocorrelation of the 30 runs around their median is 0\.\d\d: runs may not be independent\. The shift test, the interval, `conclusive` and `confident` assume they are/
    )
    // The footnote: each p is per check.
    expect(r.summary).toContain('p-values are per check: over 20 consecutive checks')
  })

  it('confident: 8 of 10 clearly over the budget is a breach, and conclusive', async () => {
    const values = [340, 352, 361, 338, 345, 350, 349, 356, 250, 260]
    const r = await run(values, { inputs: { decide: 'confident' } })
    expect(r.code).toBe(1)
    expect(r.outputs).toMatchObject({ verdict: 'breach', conclusive: 'true' })
    expect(r.summary).toContain(
      '8 of 10 runs over the 300 s budget (conclusive: 8 of 10 on one side decide'
    )
    expect(r.summary).not.toContain('not conclusive')
  })

  it('confident: a healthy window with one slow outlier is a pass, and conclusive', async () => {
    const values = [201, 198, 900, 203, 199, 202, 197, 205, 200, 196]
    const r = await run(values, { inputs: { decide: 'confident' } })
    expect(r.code).toBe(0)
    expect(r.outputs).toMatchObject({ verdict: 'pass', conclusive: 'true' })
    expect(r.summary).toMatch(/^## ✅ pass/)
    expect(r.summary).toContain('1 of 10 runs over the 300 s budget (conclusive')
  })
})
