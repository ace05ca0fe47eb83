import { describe, expect, it } from '@jest/globals'
import { backtest, flips, foundShifts } from '../src/core/history/backtest.js'
import { judge } from '../src/core/verdict/rubric.js'
import { shiftLines, stripLines } from '../src/render/backtest.js'
import type { Change, Report } from '../src/core/types.js'
import {
  MAX_ATTRIBUTED_SAMPLES,
  attributedPositions,
  backtestDepth,
  fullWindowPositions,
  judgeAt,
  judgeRead,
  replay,
  replayVerdicts,
  type GateRule
} from '../src/core/history/replay.js'
import type { Sample } from '../src/core/types.js'
import { makeSample } from '../__fixtures__/run.js'

/**
 * Runs 1 to 30, oldest first: 20 runs near 100 s, then a step to near 200 s at run 21. Read
 * newest first, as every sample list.
 */
function steppedHistory(): Sample[] {
  const oldestFirst = Array.from({ length: 30 }, (_, i) => {
    const run = i + 1
    return makeSample(run, (run <= 20 ? 100 : 200) + (run % 5))
  })
  return oldestFirst.reverse()
}

const rule: GateRule = {
  rubric: { budget: 150, minRuns: 5, window: 5, decide: 'rubric' },
  history: { size: 12, minShift: 7.5, match: [] }
}

describe('the backtest of a history with one step at a known run', () => {
  const read = steppedHistory()
  const positions = fullWindowPositions(read.length, 5)
  const result = backtest(read, positions, rule)

  it('replays every position with a full window: runs 5 to 30', () => {
    expect(positions).toBe(26)
    expect(result.verdicts.map(v => v.run_id)).toEqual(Array.from({ length: 26 }, (_, i) => i + 5))
  })

  // By hand: a window of 5 breaches once 3 of its runs are slow, at run 23 (runs 19 to 23).
  it('gives the strip, counts and flips a hand count gives', () => {
    expect(result.strip).toBe('p'.repeat(18) + 'B'.repeat(8))
    expect(result.counts).toEqual({ pass: 18, breach: 8, insufficient: 0, inconclusive: 0 })
    expect(result.flips).toBe(1)
    expect(result.newest).toBe('breach')
  })

  it('finds the one slow-down at run 21, and the gate failing at its third slow run', () => {
    expect(result.shifts).toHaveLength(1)
    const [shift] = result.shifts
    expect(shift.firstAfter.run_id).toBe(21)
    expect(shift.direction).toBe('slower')
    expect(shift.shift).toBeCloseTo(100, 0)
    expect(shift.slowRunsToFail).toBe(3)
    expect(shift.runsSince).toBe(10)
    expect(shift.reportedAt).toBeGreaterThan(0)
    expect(shift.firstReportedAt.run_id).toBeGreaterThanOrEqual(23)
  })

  it('counts the nearby budgets in both modes; the given row is the strip', () => {
    expect(result.variants.map(v => [v.budget, v.decide])).toEqual([
      [120, 'rubric'],
      [120, 'confident'],
      [135, 'rubric'],
      [135, 'confident'],
      [150, 'rubric'],
      [150, 'confident'],
      [165, 'rubric'],
      [165, 'confident'],
      [180, 'rubric'],
      [180, 'confident']
    ])
    const given = result.variants.filter(v => v.given)
    expect(given).toHaveLength(1)
    expect(given[0]).toMatchObject({ budget: 150, decide: 'rubric', counts: result.counts })
    // Every rubric budget lies between the two levels: the same 18 passes and 8 breaches.
    for (const v of result.variants.filter(v => v.decide === 'rubric'))
      expect(v.counts).toEqual(result.counts)
    // A budget above every sample never breaches.
    const high = backtest(read, positions, { ...rule, rubric: { ...rule.rubric, budget: 300 } })
    expect(high.strip).toBe('p'.repeat(26))
    expect(high.shifts[0]).toMatchObject({ slowRunsToFail: null, runsSince: 10 })
    expect(result.shifts[0].alreadyFailing).toBe(false)
    // A budget under every sample: failing before the step, and at its first slow run.
    const low = backtest(read, positions, { ...rule, rubric: { ...rule.rubric, budget: 50 } })
    expect(low.strip).toBe('B'.repeat(26))
    expect(low.shifts[0]).toMatchObject({ slowRunsToFail: 1, alreadyFailing: true })
    expect(shiftLines(low)[0]).toMatch(
      /^Slower since #21 \(aaaaaaa\): \+\d+ s; .*; the gate was already failing when it began$/
    )
    expect(shiftLines(result)[0]).toMatch(/the gate first failed at the 3rd slow run$/)
    expect(shiftLines(high)[0]).toMatch(/the gate did not fail in the 10 runs replayed since$/)
    // Each line led by its first run, padded to the widest label (#30); the caret under the newest.
    expect(stripLines(result)).toEqual([`#5   ${result.strip}`, `${' '.repeat(30)}^ #30`])
  })

  it('says when the gate did not fail within the runs replayed since the step', () => {
    const late = backtest(read.slice(8), fullWindowPositions(22, 5), rule)
    // Runs 1 to 22: the step at 21 leaves two slow runs, never three in one window.
    expect(late.counts.breach).toBe(0)
    // Two slow runs cannot be told from noise (3 a side at least): no shift reported.
    expect(late.shifts).toEqual([])
  })

  it('replays K positions: the newest K, oldest first', () => {
    const k = backtest(read, 4, rule, 4)
    expect(k).toMatchObject({ positions: 4, asked: 4, strip: 'BBBB' })
    expect(k.verdicts.map(v => v.run_id)).toEqual([27, 28, 29, 30])
  })
})

describe('one code path with the live check', () => {
  const read = steppedHistory()

  it('the newest position is the live check: verdict and attribution alike', () => {
    const live = judgeRead({ samples: read, skipped: [], source: 's' }, rule)
    const [newest] = replay(read, 1, rule, 'full')
    expect(newest.verdict).toBe(live.verdict)
    expect(newest.change).toEqual(live.change)
    expect(backtest(read, 26, rule).newest).toBe(live.verdict)
    // Outcome-only attribution stops the shuffles early, never changes the outcome.
    const [outcome] = replay(read, 1, rule, 'outcome')
    expect(outcome.change?.result.kind).toBe(live.change?.result.kind)
    expect(outcome.change?.firstAfter).toBe(live.change?.firstAfter)
  })

  it('outcome-only attribution finds the shifts the full test finds, on noise and on a step', () => {
    // Seeded noise around 150 s (no shift), then the stepped history.
    let state = 7
    const noise = Array.from({ length: 40 }, (_, i) => {
      state = (state * 48271) % 2147483647
      return makeSample(200 - i, 140 + (state % 21))
    })
    for (const read of [noise, steppedHistory()]) {
      const full = replay(read, 20, rule, 'full')
      const outcome = replay(read, 20, rule, 'outcome')
      const kinds = (reports: typeof full) =>
        reports.map(r => [r.change?.result.kind, r.change?.firstAfter?.run_id])
      expect(kinds(outcome)).toEqual(kinds(full))
    }
  })

  it('each position reads only the runs up to it: later runs change nothing there', () => {
    const changed = read.map((s, i) => (i < 3 ? { ...s, value: 10_000 } : s))
    const before = replay(read, 20, rule, 'outcome')
    const after = replay(changed, 20, rule, 'outcome')
    for (let at = 3; at < 20; at++) expect(after[at]).toEqual(before[at])
    expect(after[0].stats.max).toBe(10_000)
    for (let at = 0; at < 20; at++) {
      const runs = judgeAt(read, at, rule).history?.map(s => s.run_id) ?? []
      expect(Math.max(...runs)).toBe(read[at].run_id)
      expect(runs.length).toBeLessThanOrEqual(12)
    }
  })

  it('the live check keeps only its own skips when the read went deeper', () => {
    const skipped = [
      { run_id: 40, reason: 'newer' },
      { run_id: 5, reason: 'older than the history' }
    ]
    const live = judgeRead({ samples: read, skipped, source: 's' }, rule)
    expect(live.skipped).toEqual([{ run_id: 40, reason: 'newer' }])
    const exact = judgeRead({ samples: read.slice(0, 12), skipped, source: 's' }, rule)
    expect(exact.skipped).toEqual(skipped)
  })

  it('the verdict at each recent position, over the window ending there (the tracking issue)', () => {
    const history = [100, 100, 400, 400, 400].map((v, i) => makeSample(10 - i, v))
    const three: GateRule = {
      rubric: { window: 3, minRuns: 3, budget: 300 },
      history: { size: 3, minShift: 15, match: [] }
    }
    expect(replayVerdicts(history, 4, three)).toEqual(['pass', 'breach', 'breach', 'insufficient'])
    // With decide confident, a pass at a position needs a confident pass there too.
    const confident = { ...three, rubric: { ...three.rubric, decide: 'confident' as const } }
    expect(replayVerdicts(history, 1, confident)).toEqual(['inconclusive'])
  })

  it('bounds the change-point tests of a backtest, newest positions first', () => {
    expect(MAX_ATTRIBUTED_SAMPLES).toBe(12_000)
    expect(attributedPositions(500, 471, 30)).toBe(400)
    expect(attributedPositions(1000, 991, 1000)).toBe(12)
    // Short reads: the oldest positions read fewer than history samples.
    expect(attributedPositions(229, 200, 30)).toBe(200)
    const reports = replay(read, 5, rule, 'outcome', 2)
    expect(reports.map(r => r.change !== undefined)).toEqual([true, true, false, false, false])
    expect(backtest(read, 26, rule).searched).toBe(26)
  })

  it('reads each position its window and the newest its whole history', () => {
    expect(backtestDepth(4, rule, 50)).toBe(12)
    expect(backtestDepth(40, rule, 50)).toBe(44)
    expect(backtestDepth(undefined, rule, 50)).toBe(50)
  })
})

describe('shifts reported at several positions', () => {
  const read = Array.from({ length: 12 }, (_, i) => makeSample(100 - i, 100))
  /** A report whose check found a shift of `shift` s starting at read[index]. */
  const found = (index: number, shift: number): Report => {
    const split = { method: 'scan' as const, index: 0, shift, before: 0, after: 0, z: 0, p: 0.01 }
    const change: Change = {
      result: { kind: 'shift', ...split },
      count: 12,
      minShift: 1,
      autocorrelation: null,
      firstAfter: read[index]
    }
    return { ...judge([], [], { budget: 1, minRuns: 1, window: 1 }, ''), change }
  }
  const none = judge([], [], { budget: 1, minRuns: 1, window: 1 }, '')

  it('merges locations within one run of each other, where most positions put it', () => {
    // Positions 0 to 4 (newest first): a slow-down placed at read[6], read[7], read[6], then
    // one at read[9], three runs older: a separate shift; position 4 found nothing.
    const reports = [found(6, 20), found(7, 21), found(6, 22), found(9, 30), none]
    const oldestFirst = ['breach', 'breach', 'pass', 'pass', 'pass'] as const
    const shifts = foundShifts(read, reports, [...oldestFirst].reverse())
    expect(shifts.map(s => [s.firstAfter.run_id, s.reportedAt, s.shift])).toEqual([
      [91, 1, 30],
      [94, 3, 20]
    ])
    // Positions 0 to 4 are runs 100 to 96: read[6] (run 94) is older than the first position.
    expect(shifts[1]).toMatchObject({ runsSince: 0, slowRunsToFail: null })
    expect(shifts[1].firstReportedAt.run_id).toBe(98)
  })

  it('keeps a slow-down and a speed-up at neighbouring runs apart', () => {
    const shifts = foundShifts(read, [found(3, 20), found(4, -20)], ['pass', 'pass'])
    expect(shifts.map(s => s.direction)).toEqual(['faster', 'slower'])
  })
})

describe('flips', () => {
  it('counts changes of the failed-or-not status only', () => {
    expect(flips(['pass', 'insufficient', 'inconclusive', 'pass'])).toBe(0)
    expect(flips(['pass', 'breach', 'pass', 'breach', 'breach'])).toBe(3)
    expect(flips([])).toBe(0)
  })
})
