/**
 * A run's environment: the runner's own keys and the workflow's `environment` lines, recorded
 * in `metadata.json` beside the sample and read back from other runs' artifacts. Pure: the
 * same rules check the input on the way in and the untrusted file on the way back.
 */
import type { Environment, Result } from '../types.js'

/** The keys the runner sets, from these variables (GitHub's hosted runners set all five). */
export const BUILT_IN_VARIABLES = {
  'runner-os': 'RUNNER_OS',
  'runner-arch': 'RUNNER_ARCH',
  'runner-environment': 'RUNNER_ENVIRONMENT',
  'image-os': 'ImageOS',
  'image-version': 'ImageVersion'
} as const

const BUILT_IN_KEYS: readonly string[] = Object.keys(BUILT_IN_VARIABLES)

export const MAX_USER_KEYS = 8
export const MAX_VALUE_LENGTH = 64
const USER_KEY = /^[a-z0-9-]{1,32}$/
/** Printable ASCII, space included: nothing a log or a table could read as a line break. */
const VALUE = /^[\x20-\x7e]{1,64}$/

/** `metadata.json` as this action writes it is a few hundred bytes; a larger one is not ours. */
export const MAX_METADATA_BYTES = 8192
export const METADATA_FILE = 'metadata.json'

/** Reasons are stored in the sample cache, whose reasons are at most 300 characters. */
const MAX_PROBLEM_LENGTH = 200

/** A key's value; own keys only, so `constructor` never reads `Object.prototype`'s. */
export function keyValue(environment: Environment, key: string): string | undefined {
  return Object.hasOwn(environment, key) ? environment[key] : undefined
}

export const isBuiltInKey = (key: string): boolean => BUILT_IN_KEYS.includes(key)
const isValue = (value: unknown): value is string => typeof value === 'string' && VALUE.test(value)

/** The built-in keys the runner sets here; a variable that is unset or unusable is left out. */
export function runnerEnvironment(env: NodeJS.ProcessEnv): Environment {
  const entries = Object.entries(BUILT_IN_VARIABLES).flatMap(([key, variable]) => {
    const value = env[variable]?.trim()
    return isValue(value) ? [[key, value] as const] : []
  })
  return Object.fromEntries(entries)
}

/**
 * The `environment` input: `key=value` lines, blank lines ignored. Returns the entries, or
 * the first problem naming its line (the input's rules: user keys, printable short values,
 * at most 8 entries, no built-in key).
 */
export function parseEnvironmentLines(text: string): Result<Environment> {
  const entries: [string, string][] = []
  const lines = text.split(/\r?\n/)
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim()
    if (line === '') continue
    const problem = lineProblem(line, entries)
    if (problem) return { reason: `line ${index + 1} ${JSON.stringify(line)} ${problem}` }
    const at = line.indexOf('=')
    entries.push([line.slice(0, at).trim(), line.slice(at + 1).trim()])
  }
  return { value: Object.fromEntries(entries) }
}

function lineProblem(line: string, earlier: readonly [string, string][]): string | undefined {
  const at = line.indexOf('=')
  if (at < 0) return 'is not key=value'
  const key = line.slice(0, at).trim()
  const value = line.slice(at + 1).trim()
  if (isBuiltInKey(key)) return `sets ${key}, a key the runner records itself`
  if (!USER_KEY.test(key)) return 'has a key that is not 1 to 32 of a-z, 0-9 and -'
  if (!isValue(value))
    return `has a value that is not 1 to ${MAX_VALUE_LENGTH} printable ASCII characters`
  if (earlier.some(([k]) => k === key)) return `sets ${key} a second time`
  if (earlier.length >= MAX_USER_KEYS) return `is past the ${MAX_USER_KEYS}-entry limit`
  return undefined
}

/**
 * The `environment` object of another run's `metadata.json`, which anyone who can run a
 * workflow may have written: the input's rules again, plus the built-in keys.
 */
export function validateEnvironment(raw: unknown): Result<Environment> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { reason: 'environment is not an object' }
  const keys = Object.keys(raw)
  const most = BUILT_IN_KEYS.length + MAX_USER_KEYS
  if (keys.length > most) return { reason: `environment has ${keys.length} keys, over ${most}` }
  const values = raw as Record<string, unknown>
  const user = keys.filter(key => !isBuiltInKey(key))
  const badKey = user.find(key => !USER_KEY.test(key))
  if (badKey !== undefined) return { reason: `environment key ${quote(badKey)} is not allowed` }
  if (user.length > MAX_USER_KEYS)
    return { reason: `environment has ${user.length} workflow keys, over ${MAX_USER_KEYS}` }
  const badValue = keys.find(key => !isValue(values[key]))
  if (badValue !== undefined)
    return { reason: `environment value of ${badValue} is not 1 to 64 printable ASCII characters` }
  return { value: Object.fromEntries(keys.sort().map(key => [key, values[key] as string])) }
}

/** The environment a run recorded, or why it is unknown (the sample still counts). */
export type EnvironmentRead = { environment: Environment } | { unknown: string }

/** Parses a run's `metadata.json` defensively: any problem leaves its environment unknown. */
/** `read`: the text of `metadata.json`, or why there is none to read. */
export function environmentFromMetadata(read: Result<string>): EnvironmentRead {
  if ('reason' in read) return unknown(read.reason)
  let data: unknown
  try {
    data = JSON.parse(read.value)
  } catch {
    return unknown(`${METADATA_FILE} is not JSON`)
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return unknown(`${METADATA_FILE} is not a JSON object`)
  if (!Object.hasOwn(data, 'environment'))
    return unknown(`${METADATA_FILE} has no environment (recorded before v1.0.0)`)
  const environment = validateEnvironment((data as { environment: unknown }).environment)
  return 'reason' in environment
    ? unknown(`${METADATA_FILE}: ${environment.reason}`)
    : { environment: environment.value }
}

const unknown = (problem: string): EnvironmentRead => ({
  unknown:
    problem.length > MAX_PROBLEM_LENGTH ? `${problem.slice(0, MAX_PROBLEM_LENGTH)}…` : problem
})

/** A key named in a reason, short and quoted: reasons reach the log, escaped there. */
const quote = (text: string) => JSON.stringify(text.slice(0, 40))

/** `image-version=20261122.1, kind=v0.29.0`, or the keys named, in the order given. */
export function describeEnvironment(environment: Environment, keys?: readonly string[]): string {
  return (keys ?? Object.keys(environment))
    .map(key => `${key}=${keyValue(environment, key) ?? '(not set)'}`)
    .join(', ')
}

/** The `match` input: environment keys, comma- or line-separated, each one a key a run can record. */
export function parseMatchKeys(text: string): Result<string[]> {
  const keys = text
    .split(/[,\n]/)
    .map(key => key.trim())
    .filter(Boolean)
  const bad = keys.find(key => !isBuiltInKey(key) && !USER_KEY.test(key))
  if (bad !== undefined)
    return {
      reason: `names ${JSON.stringify(bad)}, which is neither a built-in key (${BUILT_IN_KEYS.join(', ')}) nor 1 to 32 of a-z, 0-9 and -`
    }
  return { value: [...new Set(keys)] }
}
