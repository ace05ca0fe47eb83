/**
 * The tracking issue's title, body and comments, in GitHub-flavoured Markdown. GitHub renders
 * them where it notifies, so every untrusted string goes through `escapeMention` (no mention,
 * no cross-reference), and a body never reaches GitHub's 65,536-character limit.
 */
import { splitCommits } from '../core/history/attribution.js'
import { countOver, isOver, round } from '../core/verdict/rubric.js'
import type { Report, Sample } from '../core/types.js'
import { SAME_COMMIT, changeLine } from './change.js'
import { shiftCause } from './environment.js'
import { escapeMention as md, inlineCode, link } from '../core/untrusted/escape.js'
import { ICON, certainty, headline, intervalPhrase, plural, seconds, utcMinute } from './wording.js'

/** GitHub refuses a body of 65,536 characters or more; this leaves room for the marker. */
export const MAX_BODY_CHARS = 60_000

/** Rows of the window's table in a body; a window of 1,000 would be ~150,000 characters. */
const MAX_ROWS = 50
const MAX_SKIPS = 20

export const TROUBLESHOOTING =
  'https://github.com/tracecore/helm-rolling-action/blob/v1/docs/troubleshooting.md'

/** What a body says about where it was written from. */
export interface Where {
  workflow: string
  /** The run executing this check, and its commit. */
  runUrl: string
  sha: string
  closeAfter: number
  now: Date
}

/** Plain text (a title is not Markdown): only numbers and the validated workflow name. */
export function issueTitle(report: Report, workflow: string): string {
  return `Rolling median over budget: ${seconds(report.stats.median)} > ${seconds(report.budget)} (${workflow})`
}

/** `run 412` linked to the run, and its commit linked, never `#412` (that names an issue). */
export function runRef(run: Sample): string {
  const name = link(`run ${run.run_number}`, run.html_url)
  if (!run.head_sha) return name
  const base = run.html_url.replace(/\/actions\/runs\/\d+.*$/, '')
  return `${name} (commit ${link(inlineCode(run.head_sha.slice(0, 7)), `${base}/commit/${run.head_sha}`)})`
}

/** Counted as the verdict compares: a run at the budget, as printed, is within it. */
export function overCount(report: Report): string {
  // A watched metric (no budget) has nothing over.
  const { budget } = report
  const over =
    budget === null
      ? 0
      : countOver(
          report.samples.map(s => s.value),
          budget
        )
  return `${over} of ${report.samples.length} runs over the budget`
}

/** The numbers of the verdict on two lines: median against budget, interval, runs over. */
function numbers(report: Report): string {
  const note = certainty(report)
  return [
    `**Median ${seconds(report.stats.median)}** against the **${seconds(report.budget)}** budget (${intervalPhrase(report.stats)}) · **${overCount(report)}**.`,
    note ? `> [!NOTE]\n> ${capitalised(note)}.` : ''
  ]
    .filter(Boolean)
    .join('\n\n')
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** Where the level shifted, linked, with the compare view; or that attribution found none. */
export function attributionLine(report: Report): string {
  const change = report.change
  const after = change?.firstAfter
  if (!change || change.result.kind !== 'shift' || !after)
    return 'No level shift found in the history read: the window below is the evidence.'
  const line = changeLine(change.result, runRef(after))
  const commits = splitCommits(change)
  if (!commits) return line
  // Recorded environment values are untrusted text: escaped, references and mentions inert.
  const cause = shiftCause(change.environment, commits.same, change.environmentPace)
  const said = cause ? ` · ${md(cause, 600)}` : ''
  if (commits.same) return `${line}${said || ` · ${SAME_COMMIT}`}`
  const base = after.html_url.replace(/\/actions\/runs\/\d+.*$/, '')
  return `${line}${said} · ${link('compare', `${base}/compare/${commits.before}...${commits.after}`)}`
}

function table(report: Report): string {
  const shown = report.samples.slice(0, MAX_ROWS)
  const rows = shown.map(
    s =>
      `| ${runRef(s)}${s.current ? ' (this run)' : ''} | ${utcMinute(s.created_at) ?? '–'} | ${round(s.value)}${report.budget !== null && isOver(s.value, report.budget) ? ' ⬆' : ''} |`
  )
  const more = report.samples.length - shown.length
  return [
    '| Run | Date (UTC) | Seconds |',
    '|---|---|--:|',
    ...rows,
    ...(more > 0 ? [`| and ${more} older | | |`] : [])
  ].join('\n')
}

function skipped(report: Report): string {
  if (report.skipped.length === 0) return ''
  const rows = report.skipped
    .slice(0, MAX_SKIPS)
    .map(s => `- run ${s.run_number ?? s.run_id}: ${md(s.reason, 300)}`)
  const more = report.skipped.length - MAX_SKIPS
  return [
    `<details><summary>${plural(report.skipped.length, 'run')} not counted</summary>`,
    '',
    ...rows,
    ...(more > 0 ? [`- and ${more} more`] : []),
    '',
    '</details>'
  ].join('\n')
}

/** The body: verdict, numbers, attribution, the window's runs, and what to do. */
export function issueBody(marker: string, report: Report, where: Where): string {
  return capBody(
    [
      marker,
      `## ${ICON.breach} ${headline(report)}`,
      numbers(report),
      `**Where it started:** ${attributionLine(report)}`,
      `**Last checked:** ${link('this check', where.runUrl)} at commit ${inlineCode(where.sha.slice(0, 7))}, ${utcMinute(where.now.toISOString())} UTC, over ${inlineCode(report.source, 300)}.`,
      '### Runs in the window',
      table(report),
      skipped(report),
      '### What to do',
      [
        `1. Look at the runs and commits around the one named above (the split can be a run off): what changed there, in the chart, the images or the runner, is where to start; the data show where the level moved, not why.`,
        `2. Re-check without a new install: run ${inlineCode(where.workflow)} by hand (\`workflow_dispatch\`); the check reads the history again.`,
        `3. A breach that looks like noise or an environment change: see ${link('Troubleshooting', TROUBLESHOOTING)}.`
      ].join('\n'),
      `<sub>Kept by helm-rolling-action: later breaches edit this text in place; it closes itself once the rolling median is within the budget at each of the newest ${plural(where.closeAfter, 'run')}.</sub>`
    ]
      .filter(Boolean)
      .join('\n\n') + '\n'
  )
}

/** Added when a newly attributed run has held for two checks. */
export function attributionComment(report: Report): string {
  return capBody(
    `The shift behind the breach is now found more than a run away from the one last named, and has been for two checks in a row.\n\n**Where it started:** ${attributionLine(report)}\n\n${numbers(report)}\n`
  )
}

/** The closing comment: the new median, and the positions that passed. */
export function closingComment(report: Report, closeAfter: number): string {
  return capBody(
    `${ICON.pass} Recovered: the rolling median is within the budget at each of the newest ${plural(closeAfter, 'run')}. Now ${headline(report)} (${intervalPhrase(report.stats)}). Closing; a new breach opens a new issue.\n`
  )
}

export function duplicateComment(keep: number): string {
  return `Two checks opened an issue for this gate at once; this one is a duplicate of #${keep}, which stays open.\n`
}

/** Cuts a body at a line break below the limit, saying so; the marker is on the first line. */
export function capBody(text: string, max = MAX_BODY_CHARS): string {
  if (text.length <= max) return text
  const cut = text.lastIndexOf('\n', max - 100)
  return `${text.slice(0, cut > 0 ? cut : max - 100)}\n\n… (cut to stay under GitHub's size limit)\n`
}
