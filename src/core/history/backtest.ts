/**
 * The backtest: what the gate would have said at each of the newest positions of a history,
 * with the given settings and with nearby ones, counted. Pure; the replay itself is
 * `replay.ts`, through the live check's own judging function.
 */
import { DECIDE_MODES, round, type DecideMode } from '../verdict/rubric.js'
import { attributedPositions, replay, replayVerdicts, type GateRule } from './replay.js'
import type { Report, Sample, Verdict } from '../types.js'

/** One ASCII letter per verdict: a terminal and a Markdown code block show the strip alike. */
export const LETTER: Record<Verdict, string> = {
  pass: 'p',
  breach: 'B',
  insufficient: 'i',
  inconclusive: '?',
  // A replay judges against the budget: never a watched metric's verdict.
  watched: 'w'
}

/** A replay's verdicts: always against a budget, so never `watched`. */
export type VerdictCounts = Record<Exclude<Verdict, 'watched'>, number>

/** A run as the backtest names it: its id, its number when known (0: not known), its commit. */
export interface RunRef {
  run_id: number
  run_number: number
  head_sha: string
}

export interface PositionVerdict extends RunRef {
  verdict: Verdict
}

/** A level shift that the check reported at one or more positions, merged within one run. */
export interface FoundShift {
  /** The first run after the shift, where most positions that reported it put it. */
  firstAfter: RunRef
  direction: 'slower' | 'faster'
  /** Seconds (Hodges-Lehmann), as the newest position that reported it there estimated it. */
  shift: number
  /** Positions whose check reported it. */
  reportedAt: number
  /** The oldest position that reported it: when the check first named it. */
  firstReportedAt: RunRef
  /**
   * Slower only: runs from the first slow one up to and including the first position whose
   * verdict was breach (1: the gate failed at the first slow run). Null when it did not fail
   * (`runsSince` runs replayed since) or the shift is older than the first position.
   */
  slowRunsToFail: number | null
  /** Slower only: the position just before the first slow run was already a breach. */
  alreadyFailing: boolean
  /** Positions replayed from the first slow run on; 0 when it is older than the first position. */
  runsSince: number
}

/** The same replay at another budget or decide mode: how the counts move. */
export interface Variant {
  budget: number
  decide: DecideMode
  counts: VerdictCounts
  flips: number
  /** The settings the backtest was asked for. */
  given: boolean
}

export interface Backtest {
  /** Positions replayed, and how many were asked for (undefined: every full window). */
  positions: number
  asked?: number
  /** Samples read (the replay's one read of the history). */
  read: number
  rule: GateRule
  /** Oldest to newest, one per position. */
  verdicts: PositionVerdict[]
  /** The verdicts' letters, oldest to newest. */
  strip: string
  counts: VerdictCounts
  /** Consecutive positions whose failed-or-not status (breach or not) differs. */
  flips: number
  shifts: FoundShift[]
  /** The newest positions whose check ran the change-point test (all, unless bounded). */
  searched: number
  /** Budgets 80%, 90%, 100%, 110% and 120% of the given one, each in both decide modes. */
  variants: Variant[]
  /** The newest position's verdict: the live check's. */
  newest: Verdict
}

/** Budgets tried beside the given one, as its multiples. */
export const BUDGET_FACTORS = [0.8, 0.9, 1, 1.1, 1.2] as const

const refOf = (s: Sample): RunRef => ({
  run_id: s.run_id,
  run_number: s.run_number,
  head_sha: s.head_sha
})

/**
 * Replays the gate at the newest `positions` positions of `read` (newest first, as every
 * sample list) and counts what it would have said. `asked`: the positions asked for, if any.
 */
export function backtest(
  read: readonly Sample[],
  positions: number,
  rule: GateRule,
  asked?: number
): Backtest {
  const searched = attributedPositions(read.length, positions, rule.history.size)
  const reports = replay(read, positions, rule, 'outcome', searched)
  const count = reports.length
  const oldestFirst = [...reports].reverse()
  const verdicts = oldestFirst.map((r, t) => ({
    ...refOf(read[count - 1 - t]),
    verdict: r.verdict
  }))
  const letters = verdicts.map(v => v.verdict)
  return {
    positions: count,
    ...(asked !== undefined ? { asked } : {}),
    read: read.length,
    rule,
    verdicts,
    strip: letters.map(v => LETTER[v]).join(''),
    counts: countVerdicts(letters),
    flips: flips(letters),
    shifts: foundShifts(read, reports, letters),
    searched: Math.min(searched, count),
    variants: variants(read, count, rule),
    newest: letters.at(-1) ?? 'insufficient'
  }
}

export function countVerdicts(verdicts: readonly Verdict[]): VerdictCounts {
  const counts: VerdictCounts = { pass: 0, breach: 0, insufficient: 0, inconclusive: 0 }
  for (const v of verdicts) if (v !== 'watched') counts[v]++
  return counts
}

/** How often the step's failed-or-not status changed between consecutive positions. */
export function flips(oldestFirst: readonly Verdict[]): number {
  let changes = 0
  for (let t = 1; t < oldestFirst.length; t++)
    if ((oldestFirst[t] === 'breach') !== (oldestFirst[t - 1] === 'breach')) changes++
  return changes
}

function variants(read: readonly Sample[], positions: number, rule: GateRule): Variant[] {
  const given = rule.rubric.decide ?? 'rubric'
  return BUDGET_FACTORS.flatMap(factor =>
    DECIDE_MODES.map(decide => {
      const budget = factor === 1 ? rule.rubric.budget : round(rule.rubric.budget * factor)
      const varied: GateRule = { ...rule, rubric: { ...rule.rubric, budget, decide } }
      const oldestFirst = replayVerdicts(read, positions, varied).reverse()
      return {
        budget,
        decide,
        counts: countVerdicts(oldestFirst),
        flips: flips(oldestFirst),
        given: factor === 1 && decide === given
      }
    })
  )
}

/** One position's reported shift, placed in the read (its index, newest first). */
interface Sighting {
  at: number
  index: number
  shift: number
}

/**
 * Shifts reported at any position, merged when their first runs are within one run of each
 * other (the same step, located a run apart as more runs arrived), oldest first.
 */
export function foundShifts(
  read: readonly Sample[],
  reports: readonly Report[],
  oldestFirst: readonly Verdict[]
): FoundShift[] {
  const indexOf = new Map(read.map((s, i) => [s, i]))
  const sightings: Sighting[] = []
  reports.forEach((report, at) => {
    const change = report.change
    if (change?.result.kind !== 'shift' || !change.firstAfter) return
    const index = indexOf.get(change.firstAfter)
    if (index !== undefined) sightings.push({ at, index, shift: change.result.shift })
  })
  sightings.sort((a, b) => b.index - a.index || b.at - a.at)
  const groups: Sighting[][] = []
  for (const s of sightings) {
    const group = groups.at(-1)
    const last = group?.at(-1)
    if (group && last && last.index - s.index <= 1 && last.shift > 0 === s.shift > 0) group.push(s)
    else groups.push([s])
  }
  return groups.map(group => describeShift(read, group, oldestFirst))
}

function describeShift(
  read: readonly Sample[],
  group: readonly Sighting[],
  oldestFirst: readonly Verdict[]
): FoundShift {
  const votes = new Map<number, number>()
  for (const s of group) votes.set(s.index, (votes.get(s.index) ?? 0) + 1)
  // The location most positions gave; on a tie, the one the newest of them gave.
  const newestFirst = [...group].sort((a, b) => a.at - b.at)
  const top = Math.max(...votes.values())
  const chosen = newestFirst.find(s => votes.get(s.index) === top) as Sighting
  const firstReported = group.reduce((a, b) => (b.at > a.at ? b : a))
  const count = oldestFirst.length
  const start = count - 1 - chosen.index
  const slower = chosen.shift > 0
  const fail = start < 0 ? -1 : oldestFirst.indexOf('breach', start)
  return {
    firstAfter: refOf(read[chosen.index]),
    direction: slower ? 'slower' : 'faster',
    shift: chosen.shift,
    reportedAt: group.length,
    firstReportedAt: refOf(read[firstReported.at]),
    slowRunsToFail: slower && fail >= 0 ? fail - start + 1 : null,
    alreadyFailing: slower && start > 0 && oldestFirst[start - 1] === 'breach',
    runsSince: start < 0 ? 0 : count - start
  }
}
