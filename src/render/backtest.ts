/**
 * The backtest's words and tables, for the terminal and the job summary alike: the strip is
 * ASCII letters, so both show it as it is. Plain text: run labels carry commit ids read from
 * the API or from files, so callers escape (`escapeLog`, or `backtestMarkdown` itself).
 */
import { LETTER, type Backtest, type FoundShift, type RunRef } from '../core/history/backtest.js'
import { MAX_ATTRIBUTED_SAMPLES } from '../core/history/replay.js'
import { escapeMarkdown as md } from '../core/untrusted/escape.js'
import { round } from '../core/verdict/rubric.js'
import type { Verdict } from '../core/types.js'
import { runLabel } from './change.js'
import { ordinal } from './pr-comment.js'
import { plural, seconds } from './wording.js'

/** What a backtest is and is not, said before its numbers. */
export const REPLAY_NOTE =
  'Replayed from the recorded history, not fresh trials: at each position, the verdict the gate ' +
  'would have given then with these settings, reading only the runs up to that one. Consecutive ' +
  'positions share all but one run of their windows, so the counts are not independent; a ' +
  'shift located after the fact is an estimate.'

/** Positions per line of the strip. */
const STRIP_WIDTH = 50

/** Shifts listed one by one; the rest are counted. */
export const MAX_SHIFTS = 20

const VERDICTS: Exclude<Verdict, 'watched'>[] = ['pass', 'breach', 'insufficient', 'inconclusive']

const label = (run: RunRef): string => runLabel(run.run_number, run.head_sha, run.run_id)
const name = (run: RunRef): string =>
  run.run_number > 0 ? `#${run.run_number}` : `run ${run.run_id}`

/** `40 positions (50 asked) · window 10 · min-runs 10 · budget 300 s · ...`. */
export function settingsLine(bt: Backtest): string {
  const { rubric, history } = bt.rule
  const asked = bt.asked !== undefined && bt.asked !== bt.positions ? ` (${bt.asked} asked)` : ''
  const match = history.match.length ? ` · match ${history.match.join(',')}` : ''
  return (
    `${plural(bt.positions, 'position')}${asked} from ${plural(bt.read, 'sample')} read · ` +
    `window ${rubric.window} · min-runs ${rubric.minRuns} · budget ${seconds(rubric.budget)} · ` +
    `decide ${rubric.decide ?? 'rubric'} · history ${history.size} · ` +
    `min-shift ${seconds(history.minShift)}${match}`
  )
}

/** The strip in lines of 50, each led by the run it starts at, oldest to newest. */
export function stripLines(bt: Backtest): string[] {
  const labels = bt.verdicts.map(v => name(v))
  const width = Math.max(0, ...labels.map(l => l.length))
  const lines: string[] = []
  for (let t = 0; t < bt.verdicts.length; t += STRIP_WIDTH)
    lines.push(`${labels[t].padEnd(width)}  ${bt.strip.slice(t, t + STRIP_WIDTH)}`)
  const newest = bt.verdicts.at(-1)
  if (newest)
    lines.push(
      `${''.padEnd(width)}  ${' '.repeat((bt.positions - 1) % STRIP_WIDTH)}^ ${name(newest)}`
    )
  return lines
}

export const LEGEND = `oldest to newest; ${VERDICTS.map(v => `${LETTER[v]} ${v}`).join(', ')}`

/** `18 pass, 8 breach, 0 insufficient, 0 inconclusive; failed-or-not flipped 1 time`. */
export function countsLine(bt: Backtest): string {
  const counts = VERDICTS.map(v => `${bt.counts[v]} ${v}`).join(', ')
  return `${counts}; the failed-or-not status flipped ${plural(bt.flips, 'time')} between consecutive positions`
}

/** One line per level shift reported at any position. */
export function shiftLines(bt: Backtest): string[] {
  const bounded =
    bt.searched < bt.positions
      ? [
          `Searched at the newest ${bt.searched} of ${plural(bt.positions, 'position')} only: the change-point tests are bounded to ${MAX_ATTRIBUTED_SAMPLES} samples in all (fewer positions or a shorter history search them all).`
        ]
      : []
  if (bt.shifts.length === 0)
    return [
      ...bounded,
      `No level shift was reported at any position${bounded.length ? ' searched' : ''}.`
    ]
  const lines = [...bounded, ...bt.shifts.slice(0, MAX_SHIFTS).map(s => shiftLine(s, bt.positions))]
  if (bt.shifts.length > MAX_SHIFTS)
    lines.push(`and ${plural(bt.shifts.length - MAX_SHIFTS, 'more shift')}`)
  return lines
}

function shiftLine(s: FoundShift, positions: number): string {
  const sign = s.shift > 0 ? '+' : '-'
  const head = `${s.direction === 'slower' ? 'Slower' : 'Faster'} since ${label(s.firstAfter)}: ${sign}${seconds(Math.abs(s.shift))}`
  const seen = `reported at ${s.reportedAt} of ${plural(positions, 'position')}, first at ${name(s.firstReportedAt)}`
  if (s.direction === 'faster') return `${head}; ${seen}`
  return `${head}; ${seen}; ${failPhrase(s)}`
}

function failPhrase(s: FoundShift): string {
  if (s.runsSince === 0) return 'it began before the first position replayed'
  if (s.alreadyFailing) return 'the gate was already failing when it began'
  if (s.slowRunsToFail === null)
    return `the gate did not fail in the ${plural(s.runsSince, 'run')} replayed since`
  return `the gate first failed at the ${ordinal(s.slowRunsToFail)} slow run`
}

/** The nearby settings as rows of cells, the given one marked. */
export function variantRows(bt: Backtest): string[][] {
  const header = ['budget', 'decide', ...VERDICTS, 'flips', '']
  const rows = bt.variants.map(v => [
    seconds(v.budget),
    v.decide,
    ...VERDICTS.map(verdict => String(v.counts[verdict])),
    String(v.flips),
    v.given ? '<- given' : ''
  ])
  return [header, ...rows]
}

/** The backtest for a terminal: plain lines, to be escaped by the caller. */
export function backtestText(bt: Backtest): string[] {
  const rows = variantRows(bt)
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)))
  const table = rows.map(r =>
    r
      .map((cell, i) =>
        i >= 2 && i < r.length - 1 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])
      )
      .join('  ')
      .trimEnd()
  )
  return [
    `Backtest: ${settingsLine(bt)}`,
    REPLAY_NOTE,
    '',
    `Verdicts (${LEGEND}):`,
    ...stripLines(bt).map(l => `  ${l}`),
    countsLine(bt),
    '',
    'Level shifts the check reported (merged within one run):',
    ...shiftLines(bt).map(l => `  ${l}`),
    '',
    'The same positions with nearby budgets and both decide modes:',
    ...table.map(l => `  ${l}`)
  ]
}

/** The backtest as a job summary section; every line from a run escaped. */
export function backtestMarkdown(bt: Backtest): string {
  const rows = variantRows(bt)
  const cells = (r: string[]) => `| ${r.join(' | ')} |`
  const table = [
    cells(rows[0].map((h, i) => (i === rows[0].length - 1 ? ' ' : h))),
    cells(rows[0].map((_, i) => (i >= 2 && i < rows[0].length - 1 ? '---:' : '---'))),
    ...rows.slice(1).map(r => cells(r.map(c => (c === '<- given' ? '← given' : c))))
  ]
  return [
    `### Backtest`,
    md(settingsLine(bt), 600),
    `<sub>${REPLAY_NOTE}</sub>`,
    `Verdicts (${LEGEND}):`,
    ['```text', ...stripLines(bt), '```'].join('\n'),
    countsLine(bt),
    'Level shifts the check reported (merged within one run):',
    shiftLines(bt)
      .map(l => `- ${md(l, 400)}`)
      .join('\n'),
    table.join('\n')
  ].join('\n\n')
}

const runJson = (run: RunRef) => ({
  run_id: run.run_id,
  run_number: run.run_number > 0 ? run.run_number : null
})

/** The backtest as data (`--json`): the shape docs/operator-command.md documents. */
export function backtestJson(bt: Backtest) {
  const { rubric, history } = bt.rule
  return {
    positions: bt.positions,
    asked: bt.asked ?? null,
    read: bt.read,
    settings: {
      window: rubric.window,
      'min-runs': rubric.minRuns,
      budget: rubric.budget,
      decide: rubric.decide ?? 'rubric',
      history: history.size,
      'min-shift': history.minShift,
      match: [...history.match]
    },
    strip: bt.strip,
    verdicts: bt.verdicts.map(v => ({ ...runJson(v), verdict: v.verdict })),
    counts: bt.counts,
    flips: bt.flips,
    'shifts-searched': bt.searched,
    shifts: bt.shifts.map(s => ({
      ...runJson(s.firstAfter),
      head_sha: s.firstAfter.head_sha || null,
      direction: s.direction,
      shift: round(s.shift),
      'reported-at': s.reportedAt,
      'first-reported': runJson(s.firstReportedAt),
      'slow-runs-to-fail': s.slowRunsToFail,
      'already-failing': s.alreadyFailing,
      'runs-since': s.runsSince
    })),
    variants: bt.variants.map(v => ({
      budget: v.budget,
      decide: v.decide,
      counts: v.counts,
      flips: v.flips,
      given: v.given
    })),
    newest: bt.newest
  }
}
