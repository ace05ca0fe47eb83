/**
 * The action's metrics as the check reads them: the inputs' one metric (`default`), or the
 * entries of `metrics`, each with this run's own sample when it has a `value`.
 */
import * as core from '@actions/core'
import type { Config } from '../core/inputs/config.js'
import { DEFAULT_METRIC, type MetricSpec } from '../core/inputs/metrics.js'
import { InputError } from '../core/errors.js'
import { escapeLog } from '../core/untrusted/escape.js'
import type { NamedReport, Report, Sample } from '../core/types.js'
import { worstVerdict } from '../core/verdict/rubric.js'
import type { RunnerContext } from '../io/context.js'
import { parseSteps } from '../core/history/job-span.js'
import { readValue } from '../io/files.js'
import type { MetricRule } from './check.js'

/** The check's metrics: the inputs' one, or the `metrics` entries in the order listed. */
export function metricRules(
  config: Config,
  context: RunnerContext,
  specs: readonly MetricSpec[] | undefined
): MetricRule[] {
  if (!specs) {
    const current = currentOf(config.value, config, context, '')
    return [
      {
        name: DEFAULT_METRIC,
        file: config.file,
        budget: config.budget,
        minShift: config.minShift,
        match: config.match,
        ...(current ? { current } : {})
      }
    ]
  }
  const rules = specs.map(spec => ruleOf(spec, config, context))
  if (config.record && !rules.some(rule => rule.current && rule.file !== undefined))
    core.warning(
      "No sample for this run: 'record' needs a 'value' in at least one entry of 'metrics'. Nothing recorded; checking the history alone."
    )
  return rules
}

function ruleOf(spec: MetricSpec, config: Config, context: RunnerContext): MetricRule {
  const { source } = spec
  if (source.kind !== 'artifact') {
    const steps = source.steps === undefined ? undefined : parseSteps(source.steps)
    if (steps && 'reason' in steps)
      throw new InputError('metrics', `entry ${spec.name}: key 'steps' ${steps.reason}`)
    return {
      name: spec.name,
      span: {
        ...(source.job === undefined ? {} : { job: source.job }),
        ...(steps ? { steps: steps.value } : {}),
        eachStep: source.eachStep
      },
      ...(spec.budget === undefined ? {} : { budget: spec.budget }),
      ...(spec.minShift === undefined ? {} : { minShift: spec.minShift }),
      match: spec.match
    }
  }
  const current = currentOf(source.value, config, context, spec.name)
  return {
    name: spec.name,
    file: source.file,
    // Without min-shift: 5% of the budget, or of a watched metric's own median (the judging's).
    ...(spec.budget === undefined ? {} : { budget: spec.budget }),
    ...(spec.minShift === undefined ? {} : { minShift: spec.minShift }),
    match: spec.match,
    ...(current ? { current } : {})
  }
}

/**
 * This run's sample of one metric from its `value`; a missing or bad value only warns (the
 * step often runs under `if: always()` after a failed install). `metric` names the entry.
 */
export function currentOf(
  value: string | undefined,
  config: Config,
  context: RunnerContext,
  metric: string
): Sample | undefined {
  const of = metric ? ` (metric ${metric})` : ''
  if (!value) {
    if (config.record && !metric)
      core.warning(
        "No sample for this run: 'record' needs a 'value'. Nothing recorded; checking the history alone."
      )
    return undefined
  }
  const read = readValue(value)
  if ('reason' in read) {
    const next = config.record ? 'Nothing recorded; checking' : 'Checking'
    core.warning(
      `No sample for this run${of}: ${escapeLog(read.reason)}. ${next} the history alone.`
    )
    return undefined
  }
  const runId = context.runId ?? 0
  return {
    run_id: runId,
    run_number: context.runNumber ?? 0,
    value: read.value,
    head_sha: context.sha,
    created_at: new Date().toISOString(),
    html_url: `${context.serverUrl}/${config.owner}/${config.repo}/actions/runs/${runId}`,
    conclusion: 'in progress',
    current: true,
    environment: { ...context.runnerEnvironment, ...config.environment }
  }
}

/**
 * The report the tracking issue and the pull request comment follow: the first metric with
 * the check's verdict, its source naming it and every metric that breached. Undefined when
 * every metric is watched (nothing to track).
 */
export function gateReport(metrics: readonly NamedReport[]): Report | undefined {
  const verdict = worstVerdict(metrics.map(m => m.report.verdict))
  const chosen = metrics.find(m => m.report.verdict === verdict && m.report.budget !== null)
  if (!chosen) return undefined
  if (metrics.length === 1) return chosen.report
  const over = metrics.filter(m => m.report.verdict === 'breach').map(m => m.name)
  const breached = over.length ? ` · over budget: ${over.join(', ')}` : ''
  return { ...chosen.report, source: `${chosen.report.source} · metric ${chosen.name}${breached}` }
}
