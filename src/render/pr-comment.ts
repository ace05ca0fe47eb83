/**
 * The sticky pull request comment: this run's sample against the default branch's history,
 * and the pull request's own samples so far. The untrusted strings (the branch names) are
 * shown raw in code spans, where nothing is markup, a mention or a reference.
 */
import type { Stats } from '../core/types.js'
import { inlineCode } from '../core/untrusted/escape.js'
import { isOver } from '../core/verdict/rubric.js'
import { capBody } from './issue.js'
import { intervalPhrase, plural, seconds, sparkline } from './wording.js'

export interface PrView {
  marker: string
  workflow: string
  budget: number
  /** This run's sample, when it has one. */
  current?: number
  /** The default branch's name and the window of its samples (this run's not among them). */
  base: { branch: string; values: readonly number[]; stats: Stats }
  /** The pull request's head branch and its samples, newest first, this run's included. */
  pr: { branch: string; values: readonly number[]; median: number | null }
  now: Date
}

/** The share of the values below `value` (ties count half), as a whole percent. */
export function percentile(value: number, values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined
  const below = values.filter(v => v < value).length
  const ties = values.filter(v => v === value).length
  return Math.round((100 * (below + ties / 2)) / values.length)
}

/** `1st`, `2nd`, `13th`, `90th`. */
export function ordinal(n: number): string {
  const tens = n % 100
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')
  return `${n}${suffix}`
}

const over = (value: number | null | undefined, budget: number) =>
  value !== null && value !== undefined && isOver(value, budget) ? ' (over the budget)' : ''

/** `rising: 140 s -> 180 s over 3 samples`, or why there is no trend yet. */
export function trendLine(newestFirst: readonly number[]): string {
  if (newestFirst.length < 2) return 'Trend: one sample so far.'
  const oldestFirst = [...newestFirst].reverse()
  const first = oldestFirst[0]
  const last = oldestFirst[oldestFirst.length - 1]
  const way = last > first ? 'up' : last < first ? 'down' : 'level'
  return `Trend, oldest to newest: \`${sparkline(oldestFirst)}\` ${way}, ${seconds(first)} -> ${seconds(last)} over ${plural(oldestFirst.length, 'sample')}.`
}

export function prCommentBody(view: PrView): string {
  // Code spans carry the raw text: nothing in one is markup, a mention or a reference.
  const base = inlineCode(view.base.branch, 100)
  const head = inlineCode(view.pr.branch, 100)
  const { current, budget } = view
  const rank = current === undefined ? undefined : percentile(current, view.base.values)
  const thisRun =
    current === undefined
      ? 'This run recorded no sample (the install failed or measured nothing).'
      : `This run: **${seconds(current)}**${over(current, budget)}` +
        (rank === undefined
          ? `; ${base} has no samples to compare with yet.`
          : `, at the ${ordinal(rank)} percentile of ${base}'s last ${plural(view.base.values.length, 'run')}.`)
  return capBody(
    [
      view.marker,
      `### Install to Ready on this pull request (${inlineCode(view.workflow)})`,
      thisRun,
      `${base}'s history: median ${seconds(view.base.stats.median)} (${intervalPhrase(view.base.stats)}) · budget ${seconds(budget)}.`,
      `This pull request's own samples on ${head} (${view.pr.values.length}, newest first): ${view.pr.values.map(v => seconds(v)).join(', ') || 'none'} · median ${seconds(view.pr.median)}${over(view.pr.median, budget)}.`,
      trendLine(view.pr.values),
      `> One sample is weak evidence: a single install varies by tens of seconds. The pull request's median over several pushes says more, and the budget is judged on ${base}'s own runs after merge.`,
      `<sub>Edited in place by helm-rolling-action on every push · ${view.now.toISOString().slice(0, 16).replace('T', ' ')} UTC</sub>`
    ].join('\n\n') + '\n'
  )
}
