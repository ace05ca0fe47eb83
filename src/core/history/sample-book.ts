import { validateEnvironment, type EnvironmentRead } from './environment.js'
import { MAX_SAMPLE_SECONDS } from '../untrusted/parse.js'
import type { NoValue, Result, Environment } from '../types.js'

/**
 * What reading one artifact gave: its sample with the environment it recorded (or why that
 * is unknown), or the content reason it does not count: a `Result` whose value carries
 * its environment.
 */
export type Read = ({ value: number } & EnvironmentRead) | NoValue

/**
 * One file of an artifact, its `Read` as the stored file holds it (the reason under `skip`).
 * An artifact never changes, so the outcome is bound to the artifact id and digest it was
 * read from, and holds for as long as the artifact does. Each metric recorded in the run's
 * one artifact is a file of its own, so each has its own outcome.
 */
export type Outcome = { run_id: number; artifact_id: number; digest: string; file: string } & (
  ({ value: number } & EnvironmentRead) | { skip: string }
)

/** The artifact as this check read it from the API: only its id and digest bind an outcome. */
export interface ArtifactKey {
  id: number
  digest?: string
}

/** Names the format in the stored file; a file of another format is ignored. */
export const BOOK_SCHEMA = 'helm-rolling-action/samples@3'

/** Files of one artifact a book holds outcomes of: one per recorded metric. */
export const MAX_FILES = 50

/** A file's name inside the artifact, as stored: the reader checks it as the `file` input. */
const MAX_FILE_NAME = 200

/**
 * Sized from the entry count, so that a long history never pushes a file we wrote over it:
 * lookback is at most 1,000 runs, each with at most MAX_FILES entries of at most ~700 bytes
 * (a 300-character reason, a 200-character file name) and at most one distinct environment
 * of at most 13 keys of ~100 bytes. Each distinct environment is stored once, so the usual
 * file is far smaller.
 */
export const MAX_BOOK_BYTES = 1000 * (MAX_FILES * 700 + 13 * 100)

/** Skip reasons are short sentences of the action's own; a longer one is not ours. */
export const MAX_REASON_LENGTH = 300

const DIGEST = /^sha256:[0-9a-f]{64}$/

/**
 * The samples already read, as restored from the Actions cache, and those this check reads
 * anew. Pure: the cache's I/O lives in `cache/sample-cache.ts`.
 */
export class SampleBook {
  private readonly known = new Map<string, Outcome>()
  private readonly fresh: Outcome[] = []

  constructor(restored: readonly Outcome[] = []) {
    for (const outcome of restored) this.known.set(bookKey(outcome), outcome)
  }

  /** What was read before from this file of this very artifact of this run; never without a digest. */
  lookup(artifact: ArtifactKey, runId: number, file: string): Read | undefined {
    if (!artifact.digest || !DIGEST.test(artifact.digest)) return undefined
    const known = this.known.get(`${artifact.id}:${artifact.digest}:${file}`)
    if (known?.run_id !== runId) return undefined
    return 'skip' in known ? { reason: known.skip } : known
  }

  /**
   * Keeps an outcome this check read, when its artifact carries a digest to bind it to and
   * the outcome is one a restore accepts (a reason too long to store is read again instead).
   */
  learn(artifact: ArtifactKey, runId: number, file: string, read: Read): void {
    if (!artifact.digest || !DIGEST.test(artifact.digest) || !isFileName(file)) return
    if ('reason' in read && !isReason(read.reason)) return
    if ('unknown' in read && !isReason(read.unknown)) return
    const outcome: Outcome = {
      run_id: runId,
      artifact_id: artifact.id,
      digest: artifact.digest,
      file,
      ...('reason' in read ? { skip: read.reason } : read)
    }
    this.known.set(bookKey(outcome), outcome)
    this.fresh.push(outcome)
  }

  /** Outcomes read anew by this check: the cache is saved only when there are some. */
  get learned(): number {
    return this.fresh.length
  }

  /** The file to save: every outcome known, of the newest `lookback` runs only. */
  serialize(scope: string, lookback: number): string {
    const newest = newestRuns(this.known.values(), lookback).sort(
      (a, b) => b.run_id - a.run_id || b.artifact_id - a.artifact_id || a.file.localeCompare(b.file)
    )
    const { environments, entries } = withEnvironmentTable(
      newest,
      outcome => ('environment' in outcome ? outcome.environment : undefined),
      ({ run_id, artifact_id, digest, file, ...read }, env) => {
        const base = { run_id, artifact_id, digest, file }
        return 'environment' in read ? { ...base, value: read.value, env } : { ...base, ...read }
      }
    )
    return JSON.stringify({ schema: BOOK_SCHEMA, scope, environments, entries })
  }
}

/**
 * What a stored file keeps: the entries of the newest `lookback` runs (by run id), any attempt
 * or file of them; older runs have left the history a check reads.
 */
export function newestRuns<T extends { run_id: number }>(
  entries: Iterable<T>,
  lookback: number
): T[] {
  const all = [...entries]
  const kept = new Set(
    [...new Set(all.map(o => o.run_id))].sort((a, b) => b - a).slice(0, lookback)
  )
  return all.filter(o => kept.has(o.run_id))
}

const bookKey = (o: Outcome) => `${o.artifact_id}:${o.digest}:${o.file}`

/**
 * Reads a restored file. Anyone who can run a workflow in the default branch's cache scope
 * can write one, so everything is checked: the format, the scope, and every entry's fields
 * and value; anything off rejects the whole file, and the check reads every artifact anew.
 */
export function parseBook(text: string, scope: string): Result<Outcome[]> {
  return parseEntries(
    text,
    { schema: BOOK_SCHEMA, scope, of: 'repository, workflow or artifact' },
    toOutcome
  )
}

/**
 * A restored file of entries with their environments stored once (the artifact samples' and
 * one span's job samples'): its format, its scope, the table and every entry checked, the
 * first bad one rejecting the whole file.
 */
export function parseEntries<T>(
  text: string,
  expected: { schema: string; scope: string; of: string },
  toEntry: (raw: unknown, environments: readonly Environment[]) => T | undefined
): Result<T[]> {
  const file = storedFile(text, expected.schema)
  if ('reason' in file) return file
  const book = file.value
  if (book.scope !== expected.scope) return { reason: `saved for another ${expected.of}` }
  if (!Array.isArray(book.entries)) return { reason: "no 'entries' array" }
  const environments = environmentTable(book.environments, book.entries.length)
  if ('reason' in environments) return environments
  const entries: T[] = []
  for (const [index, raw] of book.entries.entries()) {
    const entry = toEntry(raw, environments.value)
    if (!entry) return { reason: `entry ${index} is not a valid sample` }
    entries.push(entry)
  }
  return { value: entries }
}

/**
 * The entries to store, each environment once in a table they point into (`env`), the usual
 * history sharing a handful: `stored` writes an entry, given its environment's place when it
 * has one.
 */
export function withEnvironmentTable<T>(
  outcomes: readonly T[],
  environmentOf: (outcome: T) => Environment | undefined,
  stored: (outcome: T, env?: number) => object
): { environments: Environment[]; entries: object[] } {
  const table = new Map<string, number>()
  const entries = outcomes.map(outcome => {
    const environment = environmentOf(outcome)
    if (!environment) return stored(outcome)
    const text = JSON.stringify(environment)
    if (!table.has(text)) table.set(text, table.size)
    return stored(outcome, table.get(text))
  })
  const environments = [...table.keys()].map(text => JSON.parse(text) as Environment)
  return { environments, entries }
}

/**
 * A restored file's first checks, for every kind of book: at most MAX_BOOK_BYTES, JSON, an
 * object naming `schema`. The scope and the entries are the book's own to check.
 */
export function storedFile(text: string, schema: string): Result<Record<string, unknown>> {
  if (text.length > MAX_BOOK_BYTES) return { reason: `over the ${MAX_BOOK_BYTES}-byte cap` }
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { reason: 'not JSON' }
  }
  const book = data as Record<string, unknown> | null
  if (typeof book !== 'object' || book === null || book.schema !== schema)
    return { reason: `not a ${schema} file` }
  return { value: book }
}

/** The distinct environments, each checked as a run's own: at most one per entry. */
export function environmentTable(raw: unknown, entries: number): Result<Environment[]> {
  if (!Array.isArray(raw)) return { reason: "no 'environments' array" }
  if (raw.length > entries) return { reason: 'more environments than entries' }
  const table: Environment[] = []
  for (const [index, item] of raw.entries()) {
    const environment = validateEnvironment(item)
    if ('reason' in environment) return { reason: `environment ${index}: ${environment.reason}` }
    table.push(environment.value)
  }
  return { value: table }
}

const ENTRY_KEYS = new Set([
  'artifact_id,digest,file,run_id,skip',
  'artifact_id,digest,env,file,run_id,value',
  'artifact_id,digest,file,run_id,unknown,value'
])

function toOutcome(raw: unknown, environments: readonly Environment[]): Outcome | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined
  const o = raw as Record<string, unknown>
  if (!ENTRY_KEYS.has(Object.keys(o).sort().join(','))) return undefined
  if (!isId(o.run_id) || !isId(o.artifact_id)) return undefined
  if (typeof o.digest !== 'string' || !DIGEST.test(o.digest)) return undefined
  if (!isFileName(o.file)) return undefined
  const base = { run_id: o.run_id, artifact_id: o.artifact_id, digest: o.digest, file: o.file }
  if (!('value' in o)) return isReason(o.skip) ? { ...base, skip: o.skip } : undefined
  if (!isSampleValue(o.value)) return undefined
  if ('unknown' in o)
    return isReason(o.unknown) ? { ...base, value: o.value, unknown: o.unknown } : undefined
  const environment = Number.isSafeInteger(o.env) ? environments[o.env as number] : undefined
  return environment ? { ...base, value: o.value, environment } : undefined
}

export const isReason = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_REASON_LENGTH

/** A relative path as the `file` input accepts one (the reader never uses it as a path). */
const isFileName = (value: unknown): value is string =>
  typeof value === 'string' &&
  value.length > 0 &&
  value.length <= MAX_FILE_NAME &&
  // eslint-disable-next-line no-control-regex
  !/[\u0000-\u001f\\]/.test(value)

export const isId = (value: unknown): value is number =>
  Number.isSafeInteger(value) && Number(value) > 0

/** The same domain `parseSample` gives: finite, non-negative, at most the documented maximum. */
export const isSampleValue = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_SAMPLE_SECONDS
