import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { errorMessage, SkipRun } from '../core/errors.js'
import { readSmallFile } from '../io/files.js'
import { SAMPLE_READER_VERSION } from '../core/untrusted/parse.js'
import { escapeLog } from '../core/untrusted/escape.js'
import { MAX_BOOK_BYTES, parseBook, SampleBook, type Outcome } from '../core/history/sample-book.js'
import type { Result } from '../core/types.js'

/**
 * The one path cached, relative to the cache's working folder. `@actions/cache` hashes the
 * paths (and the compression method) into the entry's version, so it never changes.
 */
export const BOOK_PATH = '.helm-rolling-action/samples.json'

/**
 * Keys start with this; the version part changes only with the stored format (v2: one
 * outcome per file of the artifact, so every metric recorded in a run shares one entry).
 */
const KEY_PREFIX = 'helm-rolling-samples-v2-'

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

/** The scope as stored in the file, checked on every restore. */
export function scopeText(scope: CacheScope): string {
  const repository = `${scope.owner}/${scope.repo}`.toLowerCase()
  const reader = `reader ${SAMPLE_READER_VERSION}`
  return [repository, scope.workflow, scope.artifactName, reader].join('\n')
}

/** Entries of one scope share this prefix; restore takes the newest of them. */
export function keyPrefix(scope: CacheScope): string {
  const hash = createHash('sha256').update(scopeText(scope)).digest('hex').slice(0, 16)
  return `${KEY_PREFIX}${hash}-`
}

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
  if (!cacheAvailable(process.env)) {
    core.info('Sample cache: no Actions cache service here; every artifact is downloaded')
    return undefined
  }
  try {
    const outcome = await withinDeadline(restore(scope, host), limit)
    if (outcome !== 'timeout') return outcome
    core.info(`Sample cache: no answer in ${limit / 1000} s; reading every artifact`)
  } catch (error) {
    core.info(
      `Sample cache: restore failed (${escapeLog(errorMessage(error))}); reading every artifact`
    )
  }
  return new SampleBook()
}

async function restore(scope: CacheScope, host: CacheHost): Promise<SampleBook> {
  const cache = await cacheModule()
  const root = host.folder()
  const prefix = keyPrefix(scope)
  const key = await cache.restoreCache([BOOK_PATH], prefix, [prefix], {
    timeoutInMs: RESTORE_TIMEOUT_MS,
    segmentTimeoutInMs: RESTORE_TIMEOUT_MS
  })
  if (!key) {
    core.info('Sample cache: no entry yet; every artifact is downloaded')
    return new SampleBook()
  }
  const parsed = readBookFile(join(root, BOOK_PATH), scopeText(scope))
  if ('reason' in parsed) {
    core.notice(`Sample cache entry ${escapeLog(key, 200)} ignored: ${parsed.reason}`)
    return new SampleBook()
  }
  core.info(`Sample cache: ${parsed.value.length} samples known from ${escapeLog(key, 200)}`)
  return new SampleBook(parsed.value)
}

/** The restored file's entries, or why they cannot be used. */
function readBookFile(path: string, scope: string): Result<Outcome[]> {
  let text: string | undefined
  try {
    text = readSmallFile(path, MAX_BOOK_BYTES, 'the cached file')
  } catch (error) {
    if (error instanceof SkipRun) return { reason: error.message }
    throw error
  }
  if (text === undefined) return { reason: `it holds no ${BOOK_PATH}` }
  return parseBook(text, scope)
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
  scope: CacheScope
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
export async function saveSamples(book: SampleBook, request: SaveRequest): Promise<void> {
  const limit = request.limit ?? SAVE_TIMEOUT_MS
  try {
    const saved = await withinDeadline(save(book, request), limit)
    if (saved === 'timeout') core.info(`Sample cache: not saved, no answer in ${limit / 1000} s`)
  } catch (error) {
    core.info(`Sample cache: not saved (${escapeLog(errorMessage(error))})`)
  }
}

async function save(book: SampleBook, request: SaveRequest): Promise<void> {
  const cache = await cacheModule()
  const root = request.host.folder()
  const path = join(root, BOOK_PATH)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, book.serialize(scopeText(request.scope), request.lookback))
  const key = `${keyPrefix(request.scope)}${request.runId}-${request.runAttempt}`
  // The library finds relative paths from the working directory and archives them relative
  // to GITHUB_WORKSPACE: both are the private folder while it runs, the last thing the step does.
  const id = await request.host.inFolder(() => cache.saveCache([BOOK_PATH], key))
  if (id !== -1) core.info(`Sample cache: saved ${book.learned} new samples as ${key}`)
}
