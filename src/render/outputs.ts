import { round } from '../core/stats.js'
import type { Report } from '../core/types.js'

/** The change-point outputs: the run and commit after the shift, its size and p; null unless one was found. */
function changeValues(report: Report) {
  const change = report.change
  const found = change?.result.kind === 'shift' ? change.result : undefined
  const run = found ? change?.firstAfter : undefined
  return {
    'change-run-id': run ? run.run_id : null,
    'change-sha': run ? run.head_sha || null : null,
    'change-shift': found ? round(found.shift) : null,
    // p is a count over 10,000; toPrecision trims the binary noise of the division.
    'change-p': found ? Number(found.p.toPrecision(6)) : null
  }
}

/** The action's outputs as typed values; the action writes them as strings, the CLI as JSON. */
export function outputValues(report: Report) {
  const { stats } = report
  const number = (v: number | null) => (v === null ? null : round(v))
  return {
    verdict: report.verdict,
    median: number(stats.median),
    count: stats.count,
    budget: report.budget,
    samples: report.samples.map(s => ({
      run_id: s.run_id,
      run_number: s.run_number,
      value: s.value,
      head_sha: s.head_sha,
      created_at: s.created_at,
      html_url: s.html_url
    })),
    skipped: report.skipped.map(({ run_id, reason }) => ({ run_id, reason })),
    'ci-low': number(stats.ciLow),
    'ci-high': number(stats.ciHigh),
    mad: number(stats.mad),
    ...changeValues(report)
  }
}

/** As `core.setOutput` wants them: numbers as text, lists as JSON, nothing as ''. */
export function outputStrings(report: Report): Record<string, string> {
  return Object.fromEntries(
    Object.entries(outputValues(report)).map(([name, value]) => [
      name,
      value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)
    ])
  )
}
