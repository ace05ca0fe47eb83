import { escapeMarkdown as md } from './escape.js'
import { round } from './stats.js'
import type { Report, Sample } from './types.js'

export const ICON = { pass: '✅', breach: '❌', insufficient: '⚠️' } as const
const BARS = '▁▂▃▄▅▆▇█'

const seconds = (value: number | null): string => (value === null ? '–' : `${round(value)} s`)

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
  const over = `over ${stats.count} run${stats.count === 1 ? '' : 's'}`
  if (verdict === 'insufficient') {
    const median = stats.median === null ? 'no median yet' : `median ${seconds(stats.median)}`
    return `insufficient: need >= ${report.minRuns} runs, have ${stats.count} (${median}, budget ${seconds(budget)})`
  }
  const sign = verdict === 'pass' ? '<=' : '>'
  return `${verdict}: median ${seconds(stats.median)} ${sign} ${seconds(budget)} budget ${over}`
}

/** Says when the interval of the median straddles the budget, so a verdict may be noise. */
export function certainty(report: Report): string | undefined {
  const { ciLow, ciHigh, ciLevel } = report.stats
  if (ciLow === null || ciHigh === null || ciLevel === null || report.verdict === 'insufficient')
    return undefined
  const interval = `the ${Math.floor(ciLevel * 100)}% interval ${round(ciLow)}-${round(ciHigh)} s`
  if (report.verdict === 'pass' && ciHigh > report.budget)
    return `marginal pass: ${interval} reaches past the budget`
  if (report.verdict === 'breach' && ciLow <= report.budget)
    return `breach, but ${interval} includes the budget: likely noise`
  return undefined
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

/** The job summary in GitHub-flavoured Markdown. Every string from a run or artifact is escaped. */
export function renderSummary(report: Report): string {
  const oldestFirst = [...report.samples].reverse()
  const note = certainty(report)
  const parts = [
    `## ${ICON[report.verdict]} ${headline(report)}`,
    note ? `> [!WARNING]\n> ${note}` : '',
    spread(report),
    oldestFirst.length
      ? `Trend, oldest to newest: \`${sparkline(oldestFirst.map(s => s.value))}\``
      : '',
    oldestFirst.length ? chart(oldestFirst, report.budget) : '',
    table(report.samples),
    skippedBlock(report),
    `<sub>${md(report.source, 300)} · window ${report.window} · min-runs ${report.minRuns}</sub>`
  ]
  return parts.filter(Boolean).join('\n\n') + '\n'
}

function spread(report: Report): string {
  const s = report.stats
  if (s.count === 0) return 'No samples were found.'
  const ci =
    s.ciLow === null || s.ciHigh === null || s.ciLevel === null
      ? 'interval: needs >= 6 samples'
      : `${Math.floor(s.ciLevel * 100)}% interval ${seconds(s.ciLow)} to ${seconds(s.ciHigh)}`
  return `Median ${seconds(s.median)} · ${ci} · MAD ${seconds(s.mad)} · min ${seconds(s.min)} · max ${seconds(s.max)}`
}

function chart(samples: Sample[], budget: number): string {
  const top = Math.ceil(Math.max(budget, ...samples.map(s => s.value)) * 1.1)
  return [
    '```mermaid',
    // Bars in blue, the budget line in red: the palette is taken in plot order.
    '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#4c78a8, #d62728"}}}}%%',
    'xychart-beta',
    `  title "Seconds per run (bars) against the ${round(budget)} s budget (line)"`,
    `  x-axis [${samples.map(s => `"#${s.run_number}"`).join(', ')}]`,
    `  y-axis "seconds" 0 --> ${top}`,
    `  bar [${samples.map(s => round(s.value)).join(', ')}]`,
    `  line [${samples.map(() => round(budget)).join(', ')}]`,
    '```'
  ].join('\n')
}

/** Only plain http(s) URLs of a conservative alphabet are linked; anything else stays text. */
function link(text: string, url: string): string {
  return /^https?:\/\/[\w.:-]+\/[\w./%-]*$/.test(url) ? `[${text}](${url})` : text
}

function table(samples: Sample[]): string {
  if (samples.length === 0) return ''
  const rows = samples.map(s => {
    const run = link(`#${s.run_number}`, s.html_url) + (s.current ? ' (this run)' : '')
    const base = s.html_url.replace(/\/actions\/runs\/\d+.*$/, '')
    const commit = s.head_sha
      ? link(`\`${md(s.head_sha.slice(0, 7))}\``, `${base}/commit/${s.head_sha}`)
      : '–'
    return `| ${run} | ${commit} | ${utcMinute(s.created_at) ?? '–'} | ${md(s.conclusion || '–')} | ${round(s.value)} |`
  })
  return [
    '| Run | Commit | Date (UTC) | Conclusion | Seconds |',
    '|---|---|---|---|--:|',
    ...rows
  ].join('\n')
}

function skippedBlock(report: Report): string {
  if (report.skipped.length === 0) return ''
  const rows = report.skipped.map(
    s => `| ${link(`#${s.run_number ?? s.run_id}`, s.html_url ?? '')} | ${md(s.reason, 300)} |`
  )
  return [
    `<details><summary>${report.skipped.length} run${report.skipped.length === 1 ? '' : 's'} skipped</summary>`,
    '',
    '| Run | Reason |',
    '|---|---|',
    ...rows,
    '',
    '</details>'
  ].join('\n')
}
