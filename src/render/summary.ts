import { splitCommits } from '../core/history/attribution.js'
import { AUTOCORRELATION_HIGH } from '../core/stats/independence.js'
import { round } from '../core/verdict/rubric.js'
import type { Backtest } from '../core/history/backtest.js'
import { backtestMarkdown } from './backtest.js'
import type { Change, Report, Sample } from '../core/types.js'
import {
  SAME_COMMIT,
  changeLine,
  independenceLine,
  minShiftPhrase,
  perCheckNote,
  quietLine,
  standingLine
} from './change.js'
import { keyValue } from '../core/history/environment.js'
import { keysWithinBudget, varyingKeys } from '../core/history/variation.js'
import { matchLine, type Shown, shiftCause, spanLine } from './environment.js'
import { reachText } from './reach.js'
import { codeSpan, escapeMarkdown as md, link } from '../core/untrusted/escape.js'
import {
  ICON,
  certainty,
  headline,
  overLine,
  plural,
  spreadLine,
  trend,
  utcMinute
} from './wording.js'

export interface SummaryOptions {
  /**
   * Put this run's standing first, above the change line: on a pull request one sample rarely
   * moves the median, so how it ranks is the comparison the reader came for.
   */
  standingFirst?: boolean
  /** The banner's heading level (default 2); one metric's detail among several sits lower. */
  heading?: number
  /**
   * Leave parts out to fit a share of the summary (one metric among many): `chart` keeps the
   * lines and the chart without the tables of samples and skipped runs, `lines` the lines alone.
   */
  compact?: 'chart' | 'lines'
  /** The `backtest` input's replay, shown after the runs; the verdict above is unchanged. */
  backtest?: Backtest
}

/**
 * GitHub drops a step summary over 1 MiB whole, banner included: the summary stays under
 * this many bytes for any report, its banner and verdict first.
 */
export const MAX_SUMMARY_BYTES = 1_000_000

/** Skipped runs shown as rows; the rest are counted (the `skipped` output lists them all). */
export const MAX_SKIPPED_ROWS = 100

/** A skip reason is cut to this many characters in the summary. */
const MAX_REASON_CHARS = 300

/**
 * The job summary in GitHub-flavoured Markdown. Every string from a run or artifact is shown
 * inert (a code span); every section is capped, and the whole is cut at whole lines below
 * MAX_SUMMARY_BYTES as the last resort.
 */
export function renderSummary(report: Report, options: SummaryOptions = {}): string {
  return capBytes(fullSummary(report, options), MAX_SUMMARY_BYTES)
}

function fullSummary(report: Report, options: SummaryOptions): string {
  const history = report.history ?? report.samples
  const note = certainty(report)
  const standing = report.standing ? standingLine(report.standing) : ''
  const shift = report.change?.result.kind === 'shift' ? shiftLine(report.change) : ''
  const tables = !options.compact
  const charted = options.compact !== 'lines'
  const parts = [
    `${'#'.repeat(options.heading ?? 2)} ${ICON[report.verdict]} ${headline(report)}`,
    ...(options.standingFirst ? [standing, shift] : [shift, standing]),
    note ? `> [!WARNING]\n> ${note}` : '',
    overLine(report) ?? '',
    report.match ? md(matchLine(report.match, report.minRuns), 1200) : '',
    spreadLine(report.stats),
    spanText(report.samples),
    report.reach ? md(reachText(report.reach), 800) : '',
    report.change && !shift ? quietChangeLine(report.change) : '',
    report.change ? independenceNote(report.change) : '',
    report.samples.length ? `Trend, oldest to newest: \`${trend(report)}\`` : '',
    history.length && charted ? chart(report, history) : '',
    tables ? table(report.samples, environmentColumns(history, report.samples)) : '',
    tables ? skippedBlock(report) : '',
    options.backtest ? backtestMarkdown(options.backtest) : '',
    `<sub>${codeSpan(report.source, 300)} · window ${report.window} · min-runs ${report.minRuns}${report.decide === 'confident' ? ' · decide confident' : ''}${historyNote(report)}</sub>`
  ]
  return parts.filter(Boolean).join('\n\n') + '\n'
}

/** The repository's web address, from a run's: `https://github.com/o/r/actions/runs/1` -> `https://github.com/o/r`. */
function repoUrl(runUrl: string): string {
  return runUrl.replace(/\/actions\/runs\/\d+.*$/, '')
}

/** `#412 (abc1234)` with the run and the commit linked. */
function linkedRun(run: Sample): string {
  const number = link(`#${run.run_number}`, run.html_url)
  if (!run.head_sha) return number
  const commit = link(
    `\`${md(run.head_sha.slice(0, 7))}\``,
    `${repoUrl(run.html_url)}/commit/${run.head_sha}`
  )
  return `${number} (${commit})`
}

/** The shift, linked, and the compare view of the commits either side (or why there is none). */
function shiftLine(change: Change): string {
  const after = change.firstAfter
  const line = changeLine(change.result, after ? linkedRun(after) : undefined)
  const commits = splitCommits(change)
  if (!after || !commits) return line
  const cause = shiftCause(change.environment, commits.same, change.environmentPace, inert)
  if (commits.same) return `${line} · ${cause ?? SAME_COMMIT}`
  const shown = `${md(commits.before.slice(0, 7))}...${md(commits.after.slice(0, 7))}`
  const url = `${repoUrl(after.html_url)}/compare/${commits.before}...${commits.after}`
  return `${line} · ${cause ? `${cause} · ` : ''}${link(`compare \`${shown}\``, url)}`
}

/** No shift to report: said once, small, below the numbers. */
function quietChangeLine(change: Change): string {
  return `<sub>${quietLine(change, change.firstAfter && linkedRun(change.firstAfter))}</sub>`
}

function historyNote(report: Report): string {
  const read = report.history?.length ?? 0
  const history = read > report.samples.length ? ` · history ${plural(read, 'sample')}` : ''
  const values = (report.history ?? report.samples).map(s => s.value)
  const change = report.change
  const threshold = change ? ` · ${minShiftPhrase(change, values)}` : ''
  const perCheck = change && change.result.kind !== 'too-few' ? ` · ${perCheckNote()}` : ''
  return `${history}${threshold}${perCheck}`
}

/** Plain when low, a hint when the runs may be too correlated for the measured rates to hold. */
function independenceNote(change: Change): string {
  const line = independenceLine(change)
  if (!line) return ''
  return change.autocorrelation !== null && change.autocorrelation >= AUTOCORRELATION_HIGH
    ? `> [!WARNING]\n> ${line}`
    : `<sub>${line}</sub>`
}

const BLUE = '#4c78a8'
const GREY = '#b8c4d0'
const RED = '#d62728'
const ORANGE = '#ff7f0e'

/**
 * Bars per run against the budget line. With a history longer than the window, runs before the
 * window are grey bars and the window's blue: two bar series, each drawing the other's runs
 * as -top. A zero would still draw a stub (Mermaid's bars start below the 0 tick); a bar
 * below the axis has a negative height, which SVG does not draw. With a shift, one more line
 * draws the two levels, before and after the split. Past one series, the title shrinks and a
 * legend follows the chart, since a long title is clipped.
 */
function chart(report: Report, history: readonly Sample[]): string {
  const samples = [...history].reverse()
  const { budget } = report
  const older = samples.length - report.samples.length
  const values = samples.map(s => round(s.value))
  const top = Math.max(1, Math.ceil(Math.max(budget ?? 0, ...samples.map(s => s.value)) * 1.1))
  const series: { color: string; line: string }[] = []
  const bar = (keep: (i: number) => boolean) =>
    `bar [${values.map((v, i) => (keep(i) ? v : -top)).join(', ')}]`
  if (older > 0) {
    series.push({ color: GREY, line: bar(i => i < older) })
    series.push({ color: BLUE, line: bar(i => i >= older) })
  } else {
    series.push({ color: BLUE, line: `bar [${values.join(', ')}]` })
  }
  if (budget !== null)
    series.push({ color: RED, line: `line [${samples.map(() => round(budget)).join(', ')}]` })
  const levels = levelSeries(report.change, samples.length)
  if (levels) series.push({ color: ORANGE, line: `line [${levels.join(', ')}]` })
  const plain = older === 0 && !levels
  const title = chartTitle(budget, plain)
  const diagram = [
    '```mermaid',
    // The palette is taken in plot order: one colour per series below.
    `%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "${series.map(s => s.color).join(', ')}"}}}}%%`,
    'xychart-beta',
    `  title "${title}"`,
    `  x-axis [${samples.map(s => `"#${s.run_number}"`).join(', ')}]`,
    `  y-axis "seconds" 0 --> ${top}`,
    ...series.map(s => `  ${s.line}`),
    '```'
  ].join('\n')
  return plain ? diagram : `${diagram}\n\n${legend(report, older, !!levels)}`
}

/** A watched metric has no budget: its bars stand alone. */
function chartTitle(budget: number | null, plain: boolean): string {
  if (budget === null) return 'Seconds per run'
  return plain
    ? `Seconds per run (bars) against the ${round(budget)} s budget (line)`
    : `Seconds per run against the ${round(budget)} s budget`
}

function legend(report: Report, older: number, levels: boolean): string {
  const parts = [
    older > 0
      ? `grey bars: ${plural(older, 'older run')}; blue bars: the window of the newest ${report.samples.length}`
      : 'bars: seconds per run',
    report.budget === null ? '' : `red line: the ${round(report.budget)} s budget`,
    levels ? 'orange line: the median before and after the shift' : ''
  ]
  return `<sub>${parts.filter(Boolean).join(' · ')}</sub>`
}

/** The median before the split over the runs before it, and after it over the rest. */
function levelSeries(change: Change | undefined, length: number): number[] | undefined {
  const result = change?.result
  if (result?.kind !== 'shift' || change?.count !== length) return undefined
  return Array.from({ length }, (_, i) => round(i < result.index ? result.before : result.after))
}

/**
 * An environment value from an artifact in a code span, a key escaped (keys are checked to be
 * `a-z`, `0-9` and `-` when read, which the escape leaves as they are): both inert, and read as
 * written in the raw Markdown too, so the words around them need no escaping.
 */
const inert: Shown = (text, what) => (what === 'key' ? md(text, 32) : codeSpan(text, 64))

/** The window's spread over environments; long lists of values are cut short. */
function spanText(samples: readonly Sample[]): string {
  return spanLine(samples, 'window', inert) ?? ''
}

/** Table columns: the keys that vary within the history, at most this many. */
const MOST_COLUMNS = 4

/** Bytes the table's environment cells may take in all, escaped: far under the 1 MB summary. */
export const TABLE_ENVIRONMENT_BUDGET = 200 * 1024

function environmentColumns(history: readonly Sample[], rows: readonly Sample[]): string[] {
  const size = (_key: string, value: string) => md(value, 64).length + 3
  return keysWithinBudget(rows, varyingKeys(history), TABLE_ENVIRONMENT_BUDGET, size).slice(
    0,
    MOST_COLUMNS
  )
}

/** A run's value of a key in the table: `?` when its environment is unknown, `–` when not set. */
function cell(sample: Sample, key: string): string {
  if (!sample.environment) return '?'
  const value = keyValue(sample.environment, key)
  return value === undefined ? '–' : codeSpan(value, 64, true)
}

function table(samples: Sample[], keys: readonly string[]): string {
  if (samples.length === 0) return ''
  const rows = samples.map(s => {
    const run = link(`#${s.run_number}`, s.html_url) + (s.current ? ' (this run)' : '')
    const base = s.html_url.replace(/\/actions\/runs\/\d+.*$/, '')
    const commit = s.head_sha
      ? link(`\`${md(s.head_sha.slice(0, 7))}\``, `${base}/commit/${s.head_sha}`)
      : '–'
    const environment = keys.map(key => ` ${cell(s, key)} |`).join('')
    return `| ${run} | ${commit} | ${utcMinute(s.created_at) ?? '–'} | ${s.conclusion ? codeSpan(s.conclusion, 40, true) : '–'} |${environment} ${round(s.value)} |`
  })
  const heads = keys.map(key => ` ${md(key, 32)} |`).join('')
  return [
    `| Run | Commit | Date (UTC) | Conclusion |${heads} Seconds |`,
    `|---|---|---|---|${keys.map(() => '---|').join('')}--:|`,
    ...rows
  ].join('\n')
}

function skippedBlock(report: Report): string {
  if (report.skipped.length === 0) return ''
  const rows = report.skipped
    .slice(0, MAX_SKIPPED_ROWS)
    .map(
      s =>
        `| ${link(`#${s.run_number ?? s.run_id}`, s.html_url ?? '')} | ${codeSpan(s.reason, MAX_REASON_CHARS, true)} |`
    )
  const more = report.skipped.length - rows.length
  return [
    `<details><summary>${plural(report.skipped.length, 'run')} skipped</summary>`,
    '',
    '| Run | Reason |',
    '|---|---|',
    ...rows,
    ...(more > 0
      ? ['', `…and ${plural(more, 'more run')}: the \`skipped\` output lists them all.`]
      : []),
    '',
    '</details>'
  ].join('\n')
}

/**
 * The last resort: whole lines up to `max` bytes, with a line saying so. Never reached by the
 * capped sections for any report the action makes; it keeps the promise for any report.
 */
function capBytes(markdown: string, max: number): string {
  if (Buffer.byteLength(markdown) <= max) return markdown
  const note = '\n\n…the rest of this summary is left out: GitHub shows none over 1 MiB.\n'
  const room = max - Buffer.byteLength(note)
  const cut = Buffer.from(markdown)
    .subarray(0, room)
    .toString('utf8')
    .replace(/\uFFFD$/, '')
  return cut.slice(0, Math.max(0, cut.lastIndexOf('\n'))) + note
}
