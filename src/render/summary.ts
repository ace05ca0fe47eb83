import { round } from '../stats.js'
import type { Report, Sample } from '../types.js'
import { escapeMarkdown as md } from './escape.js'
import { ICON, certainty, headline, plural, spreadLine, trend, utcMinute } from './wording.js'

/** The job summary in GitHub-flavoured Markdown. Every string from a run or artifact is escaped. */
export function renderSummary(report: Report): string {
  const oldestFirst = [...report.samples].reverse()
  const note = certainty(report)
  const parts = [
    `## ${ICON[report.verdict]} ${headline(report)}`,
    note ? `> [!WARNING]\n> ${note}` : '',
    spreadLine(report.stats),
    oldestFirst.length ? `Trend, oldest to newest: \`${trend(report)}\`` : '',
    oldestFirst.length ? chart(oldestFirst, report.budget) : '',
    table(report.samples),
    skippedBlock(report),
    `<sub>${md(report.source, 300)} · window ${report.window} · min-runs ${report.minRuns}</sub>`
  ]
  return parts.filter(Boolean).join('\n\n') + '\n'
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
    `<details><summary>${plural(report.skipped.length, 'run')} skipped</summary>`,
    '',
    '| Run | Reason |',
    '|---|---|',
    ...rows,
    '',
    '</details>'
  ].join('\n')
}
