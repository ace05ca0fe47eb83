import { changeLines } from '../render/change.js'
import { matchLine, spanLine } from '../render/environment.js'
import { escapeLog } from '../core/untrusted/escape.js'
import {
  ICON,
  certainty,
  headline,
  overLine,
  plural,
  spreadLine,
  trend,
  utcMinute
} from '../render/wording.js'
import { round } from '../core/verdict/rubric.js'
import { keyValue } from '../core/history/environment.js'
import type { NamedReport, Report, Sample } from '../core/types.js'
import { checkVerdict, shiftOf } from '../render/metrics.js'
import { varyingKeys } from '../core/history/variation.js'
import type { Backtest } from '../core/history/backtest.js'
import { backtestText } from '../render/backtest.js'

export { backtestJson } from '../render/backtest.js'

/** The backtest, then the newest position's verdict: the live check's, and the exit status's. */
export function renderBacktest(bt: Backtest, report: Report, source: string): string {
  const lines = [
    `Source: ${escapeLog(source, 300)}`,
    ...backtestText(bt).map(line => escapeLog(line, 1000)),
    '',
    `Newest position: ${ICON[report.verdict]} ${headline(report)}`
  ]
  return lines.join('\n') + '\n'
}

/** The job summary's banner and table for a terminal; artifact text has no control bytes. */
export function renderText(report: Report): string {
  const { stats } = report
  const lines = [`${ICON[report.verdict]} ${headline(report)}`]
  for (const text of changeLines(report)) lines.push(`   ${escapeLog(text, 400)}`)
  const over = overLine(report)
  if (over) lines.push(`   ${over}`)
  const note = certainty(report)
  if (note) lines.push(`   ${note}`)
  if (report.match)
    lines.push(`   ${escapeLog(matchLine(report.match, report.minRuns, flag), 1200)}`)
  if (stats.count > 0) {
    lines.push(`   ${spreadLine(stats)}`)
    const span = spanLine(report.samples)
    if (span) lines.push(`   ${escapeLog(span, 1500)}`)
    lines.push(`   trend, oldest to newest: ${trend(report)}`)
    lines.push('', table(report))
  }
  if (report.skipped.length) {
    lines.push('', `${plural(report.skipped.length, 'run')} skipped:`)
    for (const s of report.skipped)
      lines.push(`  ${String(s.run_id).padEnd(12)} ${escapeLog(s.reason)}`)
  }
  return lines.join('\n') + '\n'
}

/** The command's flag for an input: its messages name what the reader can type. */
const flag = (input: string) => `--${input}`

/** The keys that vary within the history get a column each, as in the job summary. */
const MOST_COLUMNS = 4

function table(report: Report): string {
  const keys = varyingKeys(report.history ?? report.samples).slice(0, MOST_COLUMNS)
  const cell = (s: Sample, key: string) =>
    s.environment ? escapeLog(keyValue(s.environment, key) ?? '-', 64) : '?'
  // A run number is shown when known: a --dir folder without metadata.json has none (0).
  const rows = report.samples.map(s => [
    s.run_number > 0 ? `#${s.run_number}` : '',
    String(s.run_id || ''),
    escapeLog(s.head_sha.slice(0, 7), 7) || '-',
    utcMinute(s.created_at) ?? '-',
    escapeLog(s.conclusion || '-', 20),
    ...keys.map(key => cell(s, key)),
    String(round(s.value))
  ])
  const all = [['run', 'run id', 'commit', 'date (UTC)', 'conclusion', ...keys, 'seconds'], ...rows]
  const widths = all[0].map((_, i) => Math.max(...all.map(r => r[i].length)))
  return all
    .map(r =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
    )
    .join('\n')
}

/** The summary's opening table for a terminal: one line per metric, the check's verdict first. */
export function renderMetricsText(metrics: readonly NamedReport[]): string {
  const verdict = checkVerdict(metrics)
  const width = Math.max(...metrics.map(m => m.name.length))
  const lines = metrics.map(metric => {
    const { report } = metric
    const shift = shiftOf(report)
    const budget = report.budget === null ? 'watched' : `budget ${round(report.budget)} s`
    const median = report.stats.median === null ? '–' : `${round(report.stats.median)} s`
    const found = shift
      ? ` · ${shift.seconds < 0 ? '' : '+'}${round(shift.seconds)} s since #${shift.run}`
      : ''
    return `${ICON[report.verdict]} ${metric.name.padEnd(width)}  ${report.verdict.padEnd(12)} median ${median} · ${budget} · ${plural(report.stats.count, 'run')}${found}`
  })
  return (
    [`${ICON[verdict]} ${verdict}: ${plural(metrics.length, 'metric')}`, ...lines].join('\n') + '\n'
  )
}
