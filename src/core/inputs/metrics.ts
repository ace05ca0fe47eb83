import { parseMatchKeys } from '../history/environment.js'
import { InputError } from '../errors.js'
import { filePath, nonNegativeSeconds, positiveSeconds } from './config.js'

/**
 * One metric of a check, as its entry of the `metrics` input gives it. The other inputs
 * (window, decide, lookback, ...) apply to every metric.
 */
export interface MetricSpec {
  /** Lowercase letters, digits and `-`; unique within the list. */
  name: string
  source: MetricSource
  /** Seconds; undefined: the metric is watched (never fails, never opens an issue). */
  budget?: number
  /** Seconds; undefined: 5% of the budget, or of its own median when watched. */
  minShift?: number
  /** Environment keys for like-for-like; empty: every sample counts. */
  match: string[]
}

/**
 * Where a metric's samples come from: a file of the run's one artifact (recorded from
 * `value`), or GitHub's job timings (a span of steps, or every step of a job).
 */
export type MetricSource =
  | { kind: 'artifact'; file: string; value?: string }
  | { kind: 'steps'; job?: string; steps?: string; eachStep: boolean }

/** The name of the one metric a check without `metrics` describes (in the `metrics` output). */
export const DEFAULT_METRIC = 'default'

/** A check holds at most this many entries (the summary's size is planned for it). */
export const MAX_METRICS = 50

const KEYS = ['name', 'job', 'steps', 'each-step', 'file', 'value', 'budget', 'min-shift', 'match']
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/
const MAX_NAME = 64

/**
 * The environment keys GitHub's job object carries (runner-labels, runner-group): a step
 * metric can match on nothing else, and a key it cannot carry would leave zero samples.
 */
export const STEP_ENVIRONMENT_KEYS: readonly string[] = ['runner-labels', 'runner-group']

/**
 * The parsed YAML document of the `metrics` input -> checked metrics. Everything wrong
 * fails at once naming the entry (its number and name) and the key.
 */
export function parseMetrics(document: unknown): MetricSpec[] {
  if (!Array.isArray(document) || document.length === 0)
    throw new InputError('metrics', 'must be a YAML list of entries, each with a `name`')
  if (document.length > MAX_METRICS)
    throw new InputError('metrics', `holds ${document.length} entries, over ${MAX_METRICS}`)
  const metrics = document.map((entry: unknown, index) => parseEntry(entry, index + 1))
  unique(metrics, m => m.name, 'name', 'two entries are named')
  // Runners on macOS and Windows fold case: A.txt and a.txt are one file there.
  const files = metrics.flatMap(m => (m.source.kind === 'artifact' ? [m] : []))
  unique(files, m => (m.source as { file: string }).file.toLowerCase(), 'file', 'two metrics read')
  return metrics
}

function unique(
  metrics: readonly MetricSpec[],
  key: (m: MetricSpec) => string,
  what: string,
  problem: string
): void {
  const seen = new Map<string, MetricSpec>()
  for (const metric of metrics) {
    const k = key(metric)
    const first = seen.get(k)
    if (first)
      throw new InputError(
        'metrics',
        `entry ${metric.name}: key '${what}': ${problem} ${JSON.stringify(k)} (also entry ${first.name})`
      )
    seen.set(k, metric)
  }
}

type Entry = Record<string, unknown>

function parseEntry(raw: unknown, index: number): MetricSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new InputError('metrics', `entry ${index}: must be a mapping of keys (name, budget, ...)`)
  const entry = raw as Entry
  const label = typeof entry.name === 'string' ? `${index} (${entry.name})` : String(index)
  const fail = (key: string, problem: string): never => {
    throw new InputError('metrics', `entry ${label}: key '${key}' ${problem}`)
  }
  const unknown = Object.keys(entry).find(key => !KEYS.includes(key))
  if (unknown !== undefined) fail(unknown, `is not a metric key (${KEYS.join(', ')})`)
  const name = entry.name
  if (typeof name !== 'string' || name.length > MAX_NAME || !NAME.test(name))
    fail('name', `must be 1 to ${MAX_NAME} lowercase letters, digits and -, got ${shown(name)}`)
  const read = readers(entry, fail)
  const source = sourceOf(entry, name as string, read, fail)
  const budget = read.seconds('budget', positiveSeconds)
  if (source.kind === 'steps' && source.eachStep && budget !== undefined)
    fail('budget', 'does not apply with each-step (every step is watched)')
  const match = read.text('match')
  const keys = match === undefined ? [] : checkedMatch(match, fail)
  const carried = source.kind === 'steps' ? keys.find(k => !STEP_ENVIRONMENT_KEYS.includes(k)) : ''
  if (carried)
    fail(
      'match',
      `names ${shown(carried)}, which job timings cannot carry (${STEP_ENVIRONMENT_KEYS.join(', ')})`
    )
  return {
    name: name as string,
    source,
    ...(budget === undefined ? {} : { budget }),
    ...optional('minShift', read.seconds('min-shift', nonNegativeSeconds)),
    match: keys
  }
}

type Fail = (key: string, problem: string) => never

/** The entry's keys read by type; each problem names its key. */
function readers(entry: Entry, fail: Fail) {
  const text = (key: string): string | undefined => {
    const value = entry[key]
    if (value === undefined || value === null) return undefined
    if (Array.isArray(value) && value.every(v => typeof v === 'string')) return value.join(',')
    if (typeof value !== 'string' && typeof value !== 'number')
      return fail(key, `must be text, got ${shown(value)}`)
    const trimmed = String(value).trim()
    return trimmed === '' ? fail(key, 'is empty') : trimmed
  }
  return {
    text,
    flag: (key: string): boolean => {
      const value = entry[key]
      if (value === undefined || value === null) return false
      if (typeof value !== 'boolean') return fail(key, `must be true or false, got ${shown(value)}`)
      return value
    },
    seconds: (key: string, parse: (text: string, name: string) => number) => {
      const value = text(key)
      return value === undefined ? undefined : rethrown(() => parse(value, key), key, fail)
    }
  }
}

function sourceOf(
  entry: Entry,
  name: string,
  read: ReturnType<typeof readers>,
  fail: Fail
): MetricSource {
  const job = read.text('job')
  const steps = read.text('steps')
  const eachStep = read.flag('each-step')
  const timed = job !== undefined || steps !== undefined || eachStep
  if (timed) {
    const recorded = ['value', 'file'].find(key => entry[key] !== undefined)
    if (recorded) {
      const other = steps !== undefined ? 'steps' : job !== undefined ? 'job' : 'each-step'
      fail(recorded, `does not apply with '${other}': job timings have no file or value`)
    }
    if (eachStep && job === undefined) fail('each-step', "needs a 'job' whose steps are watched")
    if (eachStep && steps !== undefined) fail('steps', 'does not apply with each-step')
    return { kind: 'steps', eachStep, ...optional('job', job), ...optional('steps', steps) }
  }
  const file = rethrown(() => filePath(read.text('file') ?? `${name}.txt`), 'file', fail)
  return { kind: 'artifact', file, ...optional('value', read.text('value')) }
}

function checkedMatch(text: string, fail: Fail): string[] {
  const keys = parseMatchKeys(text)
  return 'reason' in keys ? fail('match', keys.reason) : keys.value
}

/** A shared parser's InputError, said as the entry's key. */
function rethrown<T>(parse: () => T, key: string, fail: Fail): T {
  try {
    return parse()
  } catch (error) {
    if (error instanceof InputError) return fail(key, error.problem)
    throw error
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>

const shown = (value: unknown): string => JSON.stringify(value) ?? String(value)
