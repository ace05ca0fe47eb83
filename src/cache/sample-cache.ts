import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { errorMessage, SkipRun } from '../core/errors.js'
import { readSmallFile } from '../io/files.js'
import { SAMPLE_READER_VERSION } from '../core/untrusted/parse.js'
import { escapeLog } from '../core/untrusted/escape.js'
import { MAX_BOOK_BYTES, parseBook, SampleBook } from '../core/history/sample-book.js'
import { JobBook, parseJobBook } from '../core/history/job-book.js'
import { RunJobsBook, parseRunJobsBook } from '../core/history/run-jobs-book.js'
import type { Result } from '../core/types.js'

/**
 * The one path cached, relative to the cache's working folder. `@actions/cache` hashes the
 * paths (and the compression method) into the entry's version, so it never changes.
 */
export const BOOK_PATH = '.helm-rolling-action/samples.json'

/**
 * The runs' jobs' file: a path of its own, so that its restore and save can run beside the
 * artifact samples' in the one private folder.
 */
export const RUN_JOBS_PATH = '.helm-rolling-action/run-jobs.json'

/**
 * Keys start with this; the version part changes only with the stored format (v2: one
 * outcome per file of the artifact, so every metric recorded in a run shares one entry).
 */
const KEY_PREFIX = 'helm-rolling-samples-v2-'
/** Job-timing samples: another format, so entries of their own. */
const JOB_KEY_PREFIX = 'helm-rolling-jobs-v1-'
/** The runs' jobs, shared by every metric a check reads from job timings. */
const RUN_JOBS_KEY_PREFIX = 'helm-rolling-runjobs-v1-'

/**
 * What one cache entry is for: the repository, workflow and artifact name. The files read are
 * in each outcome, so every metric of a check shares the entry.
 */
export interface CacheScope {
  owner: string
  repo: string
  workflow: string
  artifactName: string
}

/**
 * What one entry of job-timing samples is for: the repository, workflow, the job as resolved
 * (a matrix leg's own name) and the span, so two legs or two spans never share an entry.
 */
export interface JobCacheScope {
  owner: string
  repo: string
  workflow: string
  /** `spanIdentity`: the job as resolved and the steps as given. */
  span: string
}

/**
 * What one entry of the runs' jobs is for: the repository and workflow. Every metric of a
 * check read from job timings (each job, span and step) is served by the one entry.
 */
export interface RunJobsCacheScope {
  owner: string
  repo: string
  workflow: string
  runJobs: true
}

/** Any entry's scope. */
export type BookScope = CacheScope | JobCacheScope | RunJobsCacheScope

/** The scope as stored in the file, checked on every restore. */
export function scopeText(scope: BookScope): string {
  const repository = `${scope.owner}/${scope.repo}`.toLowerCase()
  if ('runJobs' in scope) return [repository, scope.workflow, 'jobs of runs'].join('\n')
  if ('span' in scope) return [repository, scope.workflow, 'job timings', scope.span].join('\n')
  const reader = `reader ${SAMPLE_READER_VERSION}`
  return [repository, scope.workflow, scope.artifactName, reader].join('\n')
}

/** Entries of one scope share this prefix; restore takes the newest of them. */
export function keyPrefix(scope: BookScope): string {
  const hash = createHash('sha256').update(scopeText(scope)).digest('hex').slice(0, 16)
  if ('runJobs' in scope) return `${RUN_JOBS_KEY_PREFIX}${hash}-`
  return `${'span' in scope ? JOB_KEY_PREFIX : KEY_PREFIX}${hash}-`
}

/** The file an entry of this scope holds. */
export const bookPath = (scope: BookScope): string =>
  'runJobs' in scope ? RUN_JOBS_PATH : BOOK_PATH

/** What the cache stores of either source: outcomes read anew, and the file to save. */
export interface StoredBook {
  readonly learned: number
  serialize(scope: string, lookback: number): string
}

/** How one kind of book is read back from its file. */
interface BookFormat<B> {
  parse(text: string, scope: string): Result<{ book: B; count: number }>
  empty(): B
  /** What `count` counts, for the log. */
  unit: string
}

/** A kind of book: its file's parser, the book made of what it holds, and what it counts. */
function bookFormat<E, B>(
  parse: (text: string, scope: string) => Result<E[]>,
  make: (entries?: E[]) => B,
  unit: string
): BookFormat<B> {
  return {
    parse: (text, scope) => {
      const parsed = parse(text, scope)
      if ('reason' in parsed) return parsed
      return { value: { book: make(parsed.value), count: parsed.value.length } }
    },
    empty: () => make(),
    unit
  }
}

const ARTIFACT_BOOKS = bookFormat(parseBook, entries => new SampleBook(entries), 'samples')
const JOB_BOOKS = bookFormat(parseJobBook, entries => new JobBook(entries), 'samples')
const RUN_JOBS_BOOKS = bookFormat(
  parseRunJobsBook,
  entries => new RunJobsBook(entries),
  "runs' jobs"
)

/** The longest a restore may hold up the check; past it the check reads every artifact. */
export const RESTORE_TIMEOUT_MS = 30_000

/** The longest a save may take; it runs after the outputs are written. */
export const SAVE_TIMEOUT_MS = 60_000

type CacheModule = typeof import('@actions/cache')
let loaded: Promise<CacheModule> | undefined

/**
 * `@actions/cache` brings the Azure storage SDK, the larger part of a bundle: it is imported
 * on first use, after the listings have started, and the time it took is logged.
 */
async function cacheModule(): Promise<CacheModule> {
  const started = Date.now()
  loaded ??= import('@actions/cache').then(module => {
    core.info(`Sample cache: client loaded in ${Date.now() - started} ms`)
    return module
  })
  return loaded
}

/**
 * Starts loading the cache client where the restore's key is not known yet (job timings wait
 * for this run's jobs to name the job), so that its load overlaps that round trip.
 */
export function preloadCacheClient(): void {
  if (cacheAvailable(process.env)) void cacheModule().catch(() => undefined)
}

/**
 * What the entry point owns for the cache, as `actions/cache` does in its own entry: the
 * private folder `@actions/cache` restores into and saves from (GITHUB_WORKSPACE points at
 * it) and the working directory during a save. A call given up on may keep a socket open: the
 * entry point ends the process once run() is done, whatever is still pending.
 */
export interface CacheHost {
  /** The private folder, made (and GITHUB_WORKSPACE pointed at it) on first use. */
  folder(): string
  /** Runs a save with the working directory at folder(). */
  inFolder<T>(work: () => Promise<T>): Promise<T>
}

/**
 * The Actions cache service is there, by the rule `@actions/cache` applies off GHES (without
 * loading it): the results service when the runner says so, else the older cache service.
 * GHES never gets here (main.ts: its artifacts carry no digest to cache by).
 */
export function cacheAvailable(env: NodeJS.ProcessEnv): boolean {
  const url = env.ACTIONS_CACHE_SERVICE_V2 ? env.ACTIONS_RESULTS_URL : env.ACTIONS_CACHE_URL
  return Boolean(url) && Boolean(env.ACTIONS_RUNTIME_TOKEN)
}

/**
 * The newest saved book of this scope, or an empty one to learn into. Undefined when there is
 * no cache service here. Never throws: a cache that fails only costs downloads.
 */
export async function restoreSamples(
  scope: CacheScope,
  host: CacheHost,
  limit = RESTORE_TIMEOUT_MS
): Promise<SampleBook | undefined> {
  return restoreBook(scope, ARTIFACT_BOOKS, host, limit, 'every artifact is downloaded')
}

/** The newest saved book of job-timing samples of this job and span, as `restoreSamples`. */
export async function restoreJobSamples(
  scope: JobCacheScope,
  host: CacheHost,
  limit = RESTORE_TIMEOUT_MS
): Promise<JobBook | undefined> {
  return restoreBook(scope, JOB_BOOKS, host, limit, "every run's jobs are read")
}

/**
 * The newest saved jobs of this workflow's runs, as `restoreSamples`: one entry for every
 * metric read from job timings. Keyed by run id and attempt, so GHES uses it too.
 */
export async function restoreRunJobs(
  scope: RunJobsCacheScope,
  host: CacheHost,
  limit = RESTORE_TIMEOUT_MS
): Promise<RunJobsBook | undefined> {
  return restoreBook(scope, RUN_JOBS_BOOKS, host, limit, "every run's jobs are read")
}

async function restoreBook<B>(
  scope: BookScope,
  format: BookFormat<B>,
  host: CacheHost,
  limit: number,
  cold: string
): Promise<B | undefined> {
  if (!cacheAvailable(process.env)) {
    core.info(`Sample cache: no Actions cache service here; ${cold}`)
    return undefined
  }
  try {
    const outcome = await withinDeadline(restore(scope, format, host, cold), limit)
    if (outcome !== 'timeout') return outcome
    core.info(`Sample cache: no answer in ${limit / 1000} s; ${cold}`)
  } catch (error) {
    core.info(`Sample cache: restore failed (${escapeLog(errorMessage(error))}); ${cold}`)
  }
  return format.empty()
}

async function restore<B>(
  scope: BookScope,
  format: BookFormat<B>,
  host: CacheHost,
  cold: string
): Promise<B> {
  const cache = await cacheModule()
  const root = host.folder()
  const prefix = keyPrefix(scope)
  const path = bookPath(scope)
  // The entries share a parent folder, and two restores may run at once (the artifact
  // samples', the runs' jobs'): two tars creating the same missing folder race, and one fails
  // ("Cannot open: No such file or directory"), costing that entry. Made first, it is there.
  mkdirSync(dirname(join(root, path)), { recursive: true })
  const key = await cache.restoreCache([path], prefix, [prefix], {
    timeoutInMs: RESTORE_TIMEOUT_MS,
    segmentTimeoutInMs: RESTORE_TIMEOUT_MS
  })
  if (!key) {
    core.info(`Sample cache: no entry yet; ${cold}`)
    return format.empty()
  }
  const text = readBookFile(root, path)
  const parsed = 'reason' in text ? text : format.parse(text.value, scopeText(scope))
  if ('reason' in parsed) {
    core.notice(`Sample cache entry ${escapeLog(key, 200)} ignored: ${parsed.reason}`)
    return format.empty()
  }
  const { count } = parsed.value
  core.info(`Sample cache: ${count} ${format.unit} known from ${escapeLog(key, 200)}`)
  return parsed.value.book
}

/** The restored file's text, or why it cannot be used. */
function readBookFile(root: string, path: string): Result<string> {
  let text: string | undefined
  try {
    text = readSmallFile(join(root, path), MAX_BOOK_BYTES, 'the cached file')
  } catch (error) {
    if (error instanceof SkipRun) return { reason: error.message }
    throw error
  }
  if (text === undefined) return { reason: `it holds no ${path}` }
  return { value: text }
}

/**
 * The one deadline of a cache call (the cache client has none of its own): past `limit` the
 * call is abandoned (left running) and 'timeout' is answered.
 */
async function withinDeadline<T>(call: Promise<T>, limit: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>(resolve => {
    timer = setTimeout(() => resolve('timeout'), limit)
  })
  try {
    return await Promise.race([call, timeout])
  } finally {
    clearTimeout(timer)
  }
}

export interface SaveRequest {
  scope: BookScope
  lookback: number
  runId: number
  runAttempt: number
  host: CacheHost
  /** The longest the save may take. */
  limit?: number
}

/**
 * Saves the book under a key of its own (keys are immutable): the scope's prefix, this run's
 * id and attempt. Never throws: a save that fails costs the next check some downloads.
 */
export async function saveSamples(book: StoredBook, request: SaveRequest): Promise<void> {
  const limit = request.limit ?? SAVE_TIMEOUT_MS
  try {
    const saved = await withinDeadline(save(book, request), limit)
    if (saved === 'timeout') core.info(`Sample cache: not saved, no answer in ${limit / 1000} s`)
  } catch (error) {
    core.info(`Sample cache: not saved (${escapeLog(errorMessage(error))})`)
  }
}

async function save(book: StoredBook, request: SaveRequest): Promise<void> {
  const cache = await cacheModule()
  const root = request.host.folder()
  const file = bookPath(request.scope)
  const path = join(root, file)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, book.serialize(scopeText(request.scope), request.lookback))
  const key = `${keyPrefix(request.scope)}${request.runId}-${request.runAttempt}`
  // The library finds relative paths from the working directory and archives them relative
  // to GITHUB_WORKSPACE: both are the private folder while it runs, the last thing the step does.
  const id = await request.host.inFolder(() => cache.saveCache([file], key))
  const what = 'runJobs' in request.scope ? "runs' jobs" : 'samples'
  if (id !== -1) core.info(`Sample cache: saved ${book.learned} new ${what} as ${key}`)
}
