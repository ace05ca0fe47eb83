import {
  CONFIDENT_ALPHA,
  CONFIDENT_MIN,
  INTERVAL_MIN,
  confidentCount
} from '../core/stats/summary.js'
import { atOrUnder, conclusive, countOver, round } from '../core/verdict/rubric.js'
import type { Report, Stats, Usage } from '../core/types.js'

/**
 * The verdict's words, shared by the Markdown summary, the log and the terminal: each phrase
 * is written once so the three never drift apart. Plain text: callers escape or mark it up.
 */

export const ICON = {
  pass: '✅',
  breach: '❌',
  insufficient: '⚠️',
  inconclusive: '❔',
  watched: '👀'
} as const
const BARS = '▁▂▃▄▅▆▇█'

/** `1 run`, `2 runs`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

export const seconds = (value: number | null): string =>
  value === null ? '–' : `${round(value)} s`

/** A run's time as `2026-11-01 00:00` (UTC), or undefined when the API gave no usable date. */
export function utcMinute(iso: string): string | undefined {
  const time = Date.parse(iso)
  return Number.isNaN(time)
    ? undefined
    : new Date(time).toISOString().slice(0, 16).replace('T', ' ')
}

/** The one-line rubric: what was decided, on which numbers. */
export function headline(report: Report): string {
  const { verdict, budget, stats } = report
  const runs = plural(stats.count, 'run')
  // No budget: the numbers alone, never a comparison.
  if (budget === null) return `watched: median ${seconds(stats.median)} over ${runs}, no budget`
  if (verdict === 'insufficient') {
    const median = stats.median === null ? 'no median yet' : `median ${seconds(stats.median)}`
    return `insufficient: need >= ${report.minRuns} runs, have ${stats.count} (${median}, budget ${seconds(budget)})`
  }
  if (verdict === 'inconclusive')
    return `inconclusive: median ${seconds(stats.median)} vs ${seconds(budget)} budget over ${runs}`
  const sign = verdict === 'pass' ? '<=' : '>'
  return `${verdict}: median ${seconds(stats.median)} ${sign} ${seconds(budget)} budget over ${runs}`
}

/** The step's failure message: the verdict's numbers, said once. */
export function failureMessage(report: Report): string {
  const { stats, budget } = report
  return `Rolling median over budget: ${seconds(stats.median)} > ${seconds(budget)} over ${plural(stats.count, 'run')}`
}

/** `97% interval 130 s to 170 s`, or why there is none. */
export function intervalPhrase(stats: Stats): string {
  const { ciLow, ciHigh, ciLevel } = stats
  return ciLow === null || ciHigh === null || ciLevel === null
    ? `interval: needs >= ${INTERVAL_MIN} samples`
    : `${Math.floor(ciLevel * 100)}% interval ${seconds(ciLow)} to ${seconds(ciHigh)}`
}

/** Where the samples lie: median, interval, MAD and range on one line. */
export function spreadLine(stats: Stats): string {
  if (stats.count === 0) return 'No samples were found.'
  return `Median ${seconds(stats.median)} · ${intervalPhrase(stats)} · MAD ${seconds(stats.mad)} · min ${seconds(stats.min)} · max ${seconds(stats.max)}`
}

/**
 * `8 of 10 runs over the 300 s budget`: the count behind the median, compared as the verdict
 * is; when the count decides (the confident rule, in every mode), it says so, and also when
 * the two-sided interval printed beside it still includes the budget: both are true, since
 * the rule is one-sided at 5.5% and the interval two-sided at 95% or more.
 */
export function overLine(report: Report): string | undefined {
  const values = report.samples.map(s => s.value)
  const { budget } = report
  if (values.length === 0 || budget === null) return undefined
  const over = countOver(values, budget)
  const base = `${over} of ${plural(values.length, 'run')} over the ${seconds(budget)} budget`
  const { stats } = report
  if (report.verdict === 'insufficient' || !conclusive(stats, budget)) return base
  const k = confidentCount(stats.count) as number
  const rule = `conclusive: ${k} of ${stats.count} on one side decide, which a median at the budget shows in at most ${percent(CONFIDENT_ALPHA)} of checks`
  const { ciLow, ciHigh, ciLevel } = stats
  const straddles =
    ciLow !== null && ciHigh !== null && ciLevel !== null && includesBudget(ciLow, ciHigh, budget)
  const interval = straddles
    ? `; the two-sided ${Math.floor(ciLevel * 100)}% interval of the median, ${round(ciLow)}-${round(ciHigh)} s, still includes the budget`
    : ''
  return `${base} (${rule}${interval})`
}

/** The interval reaches from at or under the budget to over it (as printed). */
function includesBudget(low: number, high: number, budget: number): boolean {
  return atOrUnder(low, budget) && !atOrUnder(high, budget)
}

/** `5.5%`. */
function percent(rate: number): string {
  return `${Number((rate * 100).toPrecision(2))}%`
}

/**
 * The caution a verdict needs, the same for a pass and a breach and in every mode: when the
 * runs do not decide by the confident rule (k(n) of n on one side), it is not conclusive, said
 * in counts. Undefined when they decide, or nothing was judged.
 */
export function certainty(report: Report): string | undefined {
  const { stats, budget } = report
  if (report.verdict === 'insufficient' || stats.count === 0 || budget === null) return undefined
  if (conclusive(stats, budget)) return undefined
  const n = stats.count
  const k = confidentCount(n)
  if (k === null)
    return `not conclusive: the verdict rests on ${plural(n, 'run')}; at least ${CONFIDENT_MIN}, all on one side of the budget, are needed to decide`
  const over = countOver(
    report.samples.map(s => s.value),
    budget
  )
  return `not conclusive: ${over} of ${plural(n, 'run')} over the budget and ${n - over} within; ${k} of ${n} on one side decide`
}

/** Unicode bars of the samples, oldest to newest; reads in a terminal as well as on GitHub. */
export function sparkline(values: readonly number[]): string {
  if (values.length === 0) return ''
  const low = Math.min(...values)
  const span = Math.max(...values) - low
  return values
    .map(v => BARS[span === 0 ? 3 : Math.round(((v - low) / span) * (BARS.length - 1))])
    .join('')
}

/** The trend phrase over the report's samples, oldest to newest. */
export function trend(report: Report): string {
  return sparkline([...report.samples].reverse().map(s => s.value))
}

/** One line for the log: how many API requests the check made and what is left this hour. */
export function describeUsage(usage: Usage): string {
  const left = usage.remaining === undefined ? '' : `; ${usage.remaining} left`
  const until = usage.resetAt ? ` until ${usage.resetAt.toISOString().slice(11, 16)} UTC` : ''
  const writes = usage.writes ? ` (${plural(usage.writes, 'write')})` : ''
  return `GitHub API: ${plural(usage.requests, 'request')}${writes}${left}${until}`
}
