import { keyValue } from '../core/history/environment.js'
import { conclusive, round } from '../core/verdict/rubric.js'
import type { Report, Sample } from '../core/types.js'
import { keysWithinBudget, varyingKeys } from '../core/history/variation.js'

/**
 * Bytes the `samples` entries' environments may take in all: with the rest of an entry
 * (~200 bytes) that keeps the output under ~450 KB at window 1,000, far under GitHub's 1 MB.
 */
export const SAMPLES_ENVIRONMENT_BUDGET = 256 * 1024

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
    'change-p': found ? Number(found.p.toPrecision(6)) : null,
    'change-method': found ? found.method : null,
    // null where there is no shift or a run near it has no recorded environment; {} when
    // the recorded environment was the same there.
    'change-environment':
      found && change?.environment && 'value' in change.environment
        ? change.environment.value
        : null
  }
}

/** Per sample, only the keys that vary within the history; null when its environment is unknown. */
function environmentOf(report: Report): (s: Sample) => Record<string, string | null> | null {
  const history = report.history ?? report.samples
  const keys = keysWithinBudget(
    report.samples,
    varyingKeys(history),
    SAMPLES_ENVIRONMENT_BUDGET,
    (key, value) => JSON.stringify([key, value]).length
  )
  return s => {
    const environment = s.environment
    if (!environment) return null
    return Object.fromEntries(keys.map(key => [key, keyValue(environment, key) ?? null]))
  }
}

/** The action's outputs as typed values; the action writes them as strings, the CLI as JSON. */
export function outputValues(report: Report) {
  const { stats } = report
  const number = (v: number | null) => (v === null ? null : round(v))
  const environment = environmentOf(report)
  return {
    verdict: report.verdict,
    // Nothing is concluded from too few samples, whatever their interval.
    conclusive:
      report.verdict !== 'insufficient' &&
      report.budget !== null &&
      conclusive(stats, report.budget),
    median: number(stats.median),
    count: stats.count,
    budget: report.budget,
    samples: report.samples.map(s => ({
      run_id: s.run_id,
      // Unknown (0) for a --dir folder without metadata.json: null, never a made-up 0.
      run_number: s.run_number > 0 ? s.run_number : null,
      value: s.value,
      head_sha: s.head_sha,
      created_at: s.created_at,
      html_url: s.html_url,
      environment: environment(s)
    })),
    skipped: report.skipped.map(({ run_id, reason }) => ({ run_id, reason })),
    'ci-low': number(stats.ciLow),
    'ci-high': number(stats.ciHigh),
    mad: number(stats.mad),
    'environment-varies': varyingKeys(report.samples),
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
