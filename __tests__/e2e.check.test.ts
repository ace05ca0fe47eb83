import { describe, expect, it } from '@jest/globals'
import type { RunSpec } from '../__fixtures__/history.js'
import { samplesOf, skippedOf } from '../__fixtures__/run-action.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'

/** End to end: the bundled dist/index.js against the fake GitHub API, as the runner runs it. */
describe('check path through dist/index.js', () => {
  const { fake, run } = useFakeGitHub()
  const runWith = (specs: (RunSpec | number | string)[], inputs: Record<string, string> = {}) =>
    run(specs, { inputs })

  it('passes with 10 runs under the budget', async () => {
    const r = await runWith([120, 130, 140, 150, 160, 170, 180, 190, 200, 210])
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('pass')
    expect(r.outputs.median).toBe('165')
    expect(r.outputs.count).toBe('10')
    expect(r.outputs.budget).toBe('300')
    expect(samplesOf(r)).toEqual([120, 130, 140, 150, 160, 170, 180, 190, 200, 210])
    expect(r.summary).toMatch(/^## ✅ pass: median 165 s <= 300 s budget over 10 runs/)
  })

  it('fails the step when the median breaches the budget', async () => {
    const r = await runWith([310, 320, 330, 290, 305, 400, 280, 350, 301, 299])
    expect(r.code).toBe(1)
    expect(r.outputs.verdict).toBe('breach')
    expect(r.outputs.median).toBe('307.5')
    expect(r.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'Rolling median over budget: 307.5 s > 300 s over 10 runs'
      })
    )
  })

  it('backtest: the strip and table in the summary, the outputs and status unchanged, one read', async () => {
    // Oldest first: 14 runs near 100 s, then 10 near 200 s; newest first to the fake.
    const oldestFirst = Array.from({ length: 24 }, (_, i) => (i < 14 ? 100 : 200) + (i % 4))
    const history = [...oldestFirst].reverse()
    const inputs = { window: '5', budget: '150', history: '10', cache: 'false' }
    const plain = await runWith(history, inputs)
    const deep = await runWith(history, { ...inputs, history: '16' })
    const deepCalls = fake.apiCalls()
    const r = await runWith(history, { ...inputs, backtest: '12' })
    expect(r.code).toBe(plain.code)
    expect(r.outputs).toEqual(plain.outputs)
    // 12 positions of window 5 read 16 samples: the requests of a check with history 16.
    expect(fake.apiCalls().sort()).toEqual(deepCalls.sort())
    expect(deep.outputs.verdict).toBe('breach')
    expect(r.summary).toContain('### Backtest')
    expect(r.summary).toMatch(/```text\n#989 +ppppBBBBBBBB\n/)
    expect(r.summary).toContain('4 pass, 8 breach, 0 insufficient, 0 inconclusive')
    expect(r.summary).toMatch(/\| 150 s \| rubric \| 4 \| 8 \| 0 \| 0 \| 1 \| ← given \|/)
    expect(r.stdout).toContain('Backtest: 12 positions from 16 samples read')
  })

  it('passes when the median equals the budget exactly', async () => {
    const r = await runWith([300, 300, 300, 300, 300, 299, 301, 250, 350, 300])
    expect(r.outputs.median).toBe('300')
    expect(r.outputs.verdict).toBe('pass')
    expect(r.code).toBe(0)
  })

  it('reports insufficient with 4 runs, warns, still reports the median, and does not fail', async () => {
    const r = await runWith([100, 200, 300, 400])
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('insufficient')
    expect(r.outputs.median).toBe('250')
    expect(r.outputs.count).toBe('4')
    expect(r.annotations).toContainEqual({
      level: 'warning',
      message: expect.stringContaining('need >= 10 runs, have 4')
    })
  })

  it('fails on insufficient when fail-on-insufficient is set', async () => {
    const r = await runWith([100, 200], { 'fail-on-insufficient': 'true' })
    expect(r.code).toBe(1)
    expect(r.outputs.verdict).toBe('insufficient')
  })

  it('averages the two middle values of an even count', async () => {
    const r = await runWith([100, 101, 102, 103, 140, 151, 200, 201, 202, 203])
    expect(r.outputs.median).toBe('145.5')
  })

  it('ignores cancelled and other-branch runs and counts a failure run', async () => {
    const r = await runWith(
      [
        { value: 999, conclusion: 'cancelled' },
        { value: 999, branch: 'feature' },
        { value: 280, conclusion: 'failure' },
        100,
        110
      ],
      { window: '3' }
    )
    const samples = JSON.parse(r.outputs.samples) as { run_id: number; value: number }[]
    expect(samples.map(s => s.value)).toEqual([280, 100, 110])
    expect(r.outputs.median).toBe('110')
    expect(skippedOf(r)).toEqual([{ run_id: 9000, reason: 'conclusion cancelled is not counted' }])
    // The other-branch run is filtered by the API query itself, so it is never seen.
    expect(fake.apiCalls().find(c => c.includes('/workflows/'))).toContain('branch=main')
  })

  it('skips expired, missing and garbage artifacts with their reasons', async () => {
    const r = await runWith(
      [{ value: 150, artifact: { expired: true } }, {}, { value: 'not a number' }, 120, 130],
      { window: '2' }
    )
    expect(samplesOf(r)).toEqual([120, 130])
    const skipped = skippedOf(r)
    expect(skipped.map(s => s.run_id)).toEqual([9000, 8999, 8998])
    expect(skipped[0].reason).toBe('artifact expired')
    expect(skipped[1].reason).toMatch(/no artifact/)
    expect(skipped[2].reason).toMatch(/not one non-negative number/)
    expect(r.summary).toMatch(/3 runs skipped/)
    expect(r.summary).toContain('artifact expired')
  })

  it('reads a history spread over several pages, listing only the pages it needs', async () => {
    // 150 runs without samples, then 10 with: the window fills on the second page.
    const specs: RunSpec[] = [
      ...Array.from({ length: 150 }, () => ({})),
      ...Array.from({ length: 12 }, (_, i) => ({ value: 100 + i }))
    ]
    const r = await runWith(specs, { lookback: '300' })
    expect(r.outputs.count).toBe('10')
    expect(samplesOf(r)).toEqual([100, 101, 102, 103, 104, 105, 106, 107, 108, 109])
    const lists = fake.apiCalls().filter(c => c.includes('/workflows/'))
    expect(lists).toHaveLength(2)
    expect(lists[1]).toContain('page=2')
  })
})
