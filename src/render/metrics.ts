/**
 * Several metrics in one check: the `metrics` output, the summary's opening table with each
 * metric's detail below it, and the log's one line per metric.
 */
import { worstVerdict } from '../core/verdict/rubric.js'
import type { NamedReport, Report } from '../core/types.js'
import { codeSpan, escapeMarkdown as md, link } from '../core/untrusted/escape.js'
import { outputStrings, outputValues } from './outputs.js'
import { MAX_SUMMARY_BYTES, renderSummary, type SummaryOptions } from './summary.js'
import { ICON, headline, plural, seconds } from './wording.js'

/** The figures each metric has in the `metrics` output: the outputs' own names. */
const FIGURES = [
  'verdict',
  'conclusive',
  'median',
  'count',
  'budget',
  'ci-low',
  'ci-high',
  'mad',
  'change-run-id',
  'change-sha',
  'change-shift',
  'change-p',
  'change-method',
  'change-environment'
] as const

/** The `metrics` output: an object keyed by metric name, numbers or null. */
export function metricsOutput(metrics: readonly NamedReport[]): Record<string, unknown> {
  return Object.fromEntries(
    metrics.map(({ name, report }) => {
      const values = outputValues(report)
      return [name, Object.fromEntries(FIGURES.map(figure => [figure, values[figure]]))]
    })
  )
}

/**
 * Every step output as `core.setOutput` wants it: the first metric's scalars, the check's
 * verdict over all of them, and `metrics`.
 */
export function stepOutputs(
  first: Report,
  metrics: readonly NamedReport[]
): Record<string, string> {
  return {
    ...outputStrings(first),
    verdict: checkVerdict(metrics),
    metrics: JSON.stringify(metricsOutput(metrics))
  }
}

/** The check's verdict: the worst of the budgeted metrics (`watched` when none has a budget). */
export const checkVerdict = (metrics: readonly NamedReport[]) =>
  worstVerdict(metrics.map(m => m.report.verdict))

/** The level shift attribution found, signed, with the run it starts at; '' when none. */
export function shiftOf(report: Report): { seconds: number; run: number } | undefined {
  const change = report.change
  if (change?.result.kind !== 'shift' || !change.firstAfter) return undefined
  return { seconds: change.result.shift, run: change.firstAfter.run_number }
}

const signed = (value: number) => `${value < 0 ? '-' : '+'}${seconds(Math.abs(value))}`

/** One line per metric for the log: its name and its rubric. */
export function metricLine({ name, report }: NamedReport): string {
  const shift = shiftOf(report)
  const since = shift ? ` · ${signed(shift.seconds)} since #${shift.run}` : ''
  return `${name}: ${headline(report)}${since}`
}

/** Metrics that breached, by name, in the order listed. */
export const breached = (metrics: readonly NamedReport[]) =>
  metrics.filter(m => m.report.verdict === 'breach').map(m => m.name)

/** The summary's heading: the check's verdict and how many metrics gave which. */
function heading(metrics: readonly NamedReport[]): string {
  const verdict = checkVerdict(metrics)
  const counts = new Map<string, number>()
  for (const { report } of metrics)
    counts.set(report.verdict, (counts.get(report.verdict) ?? 0) + 1)
  const parts = [...counts].map(([v, n]) => `${n} ${v}`).join(', ')
  return `## ${ICON[verdict]} ${verdict}: ${plural(metrics.length, 'metric')} (${parts})`
}

function row({ name, report }: NamedReport, anchor: string): string {
  const shift = shiftOf(report)
  const shown = shift
    ? `${signed(shift.seconds)} since ${link(`#${shift.run}`, report.change?.firstAfter?.html_url ?? '')}`
    : '–'
  const budget = report.budget === null ? 'watched' : seconds(report.budget)
  return `| [${md(name, 64)}](#${anchor}) | ${ICON[report.verdict]} ${report.verdict} | ${seconds(report.stats.median)} | ${budget} | ${report.stats.count} | ${shown} |`
}

/** The opening table: metric, verdict, median against budget, count, shift found. */
function table(metrics: readonly NamedReport[]): string {
  return [
    '| Metric | Verdict | Median | Budget | Runs | Shift found |',
    '|---|---|--:|--:|--:|---|',
    ...metrics.map(m => row(m, anchorOf(m.name)))
  ].join('\n')
}

/** GitHub's heading anchors: the name (lowercase letters, digits and -) prefixed. */
const anchorOf = (name: string) => `metric-${name}`

/**
 * A metric's detail, within `room` bytes: the whole single-metric summary, else without its
 * sample tables, else its lines alone; folded when watched. Its heading carries the anchor.
 */
function detail(metric: NamedReport, room: number, options: SummaryOptions): string {
  const { name, report } = metric
  const title = `<a id="${anchorOf(name)}"></a>${codeSpan(name, 64)}`
  const tiers: SummaryOptions[] = [
    { ...options, heading: 4 },
    { ...options, heading: 4, compact: 'chart' },
    { ...options, heading: 4, compact: 'lines' }
  ]
  const fit = (body: string) => {
    const text =
      report.verdict === 'watched'
        ? `<details><summary>${title}: ${headline(report)}</summary>\n\n${body}\n</details>\n`
        : `### ${title}\n\n${body}`
    return text
  }
  for (const tier of tiers) {
    const text = fit(renderSummary(report, tier))
    if (Buffer.byteLength(text) <= room) return text
  }
  return fit(`${headline(report)}\n`)
}

/**
 * The job summary of a check of several metrics: the table first, then each metric's detail,
 * each within an equal share of what the table leaves of GitHub's 1 MiB.
 */
export function renderMetricsSummary(
  metrics: readonly NamedReport[],
  options: SummaryOptions = {}
): string {
  const top = [heading(metrics), table(metrics)].join('\n\n') + '\n\n'
  const room = Math.floor((MAX_SUMMARY_BYTES - Buffer.byteLength(top) - 1024) / metrics.length)
  return top + metrics.map(m => detail(m, room, options)).join('\n')
}
