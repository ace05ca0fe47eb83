import * as core from '@actions/core'
import { ResponseShapeError } from '../core/errors.js'
import { escapeLog } from '../core/untrusted/escape.js'
import type { BodyCheck, Client } from './client.js'
import { explain } from './failures.js'

/**
 * One paginated GitHub listing, described once so every listing the action makes is read by
 * the same engine with the same rules.
 */
export interface Listing<T> {
  /** Octokit route, e.g. `GET /repos/{owner}/{repo}/actions/artifacts`. */
  route: string
  params: Record<string, string | number | boolean | undefined>
  /** The array that holds the page's items: `workflow_runs` or `artifacts`. */
  key: 'workflow_runs' | 'artifacts' | 'jobs'
  /** Checks one untrusted item and keeps the fields the action reads; throws `ResponseShapeError`. */
  parse: (raw: unknown) => T
  id: (item: T) => number
  /** Items wanted at most (the caller's lookback); also bounds the pages requested. */
  maxItems: number
  perPage: number
  /** Names the listing in messages, e.g. `the workflow runs listing`. */
  what: string
  /**
   * Called when the listing ends at its true end: an empty page or one with no next link, once
   * as many distinct items as `total_count` promised have been read.
   */
  onComplete?: () => void
  /**
   * Items are not newest first (a run's jobs come in the order they were made): after a restart
   * a higher id is not a newcomer, so it is kept.
   */
  unordered?: boolean
  /**
   * Called when the listing shrinks again while it is read a second time, so an item may have
   * slipped past a page boundary unseen. Without it, that fails the listing.
   */
  onUnstable?: () => void
}

interface Page<T> {
  items: T[]
  totalCount?: number
  next?: string
  /** GitHub named no next page: this is the last one. */
  last: boolean
}

/** The most pages one pass may read: enough for `maxItems` and one page of shift. */
export function pageCap(listing: Pick<Listing<unknown>, 'maxItems' | 'perPage'>): number {
  return Math.ceil(listing.maxItems / listing.perPage) + 1
}

/**
 * Yields the listing's items page by page, newest first, fetching the next page only when the
 * caller asks for more, and never more than `maxItems` items in all.
 *
 * GitHub pages by offset, so pages shift while runs complete (the listing grows at the top) or
 * are re-run (a run leaves the `completed` listing for a while). Hence:
 * - an id already yielded is never yielded again;
 * - when `total_count` changes between pages, the listing starts again from page 1, once, so a
 *   run pushed from one page to the one already read is not lost; after that restart, a run
 *   newer than the last one yielded (it completed after the listing began) is left out with a
 *   note, keeping the newest-first order (run and artifact ids grow with creation); should it
 *   shrink again during that second pass, `onUnstable` is told, or the listing fails;
 * - it stops at an empty page, at a page that brings no new id (a `next` link that points back),
 *   after `pageCap` pages per pass, and at a `next` link that leaves the API (with a warning).
 */
export async function* listPages<T>(client: Client, listing: Listing<T>): AsyncGenerator<T[]> {
  const cap = pageCap(listing)
  const seen = new Set<number>()
  let yielded = 0
  let lastId: number | undefined
  let restarted = false
  // Pages of the first pass that a restart reads again: finding nothing new there is expected.
  let reread = 0
  for (;;) {
    let total: number | undefined
    let next: string | undefined
    let shifted = false
    let stable = true
    for (let number = 1; number <= cap; number++) {
      const page = await fetchPage(client, listing, next)
      if (number === 1) total = page.totalCount
      else if (page.totalCount !== total && !restarted) {
        core.info(`${listing.what} changed while it was read; reading it again from page 1`)
        shifted = true
        reread = number - 1
        break
      } else if (page.totalCount !== total) {
        // Growth only pushes items down (read twice, de-duplicated); a shrink pulls one past
        // the page boundary unread.
        if ((page.totalCount ?? 0) < (total ?? 0)) stable = unstable(listing)
        total = page.totalCount
      }
      const fresh: T[] = []
      for (const item of page.items) {
        const id = listing.id(item)
        if (seen.has(id)) continue
        seen.add(id)
        if (restarted && !listing.unordered && lastId !== undefined && id > lastId) {
          core.info(`${listing.what}: ${id} appeared after the listing began; not counted`)
          continue
        }
        fresh.push(item)
      }
      const end = page.items.length === 0 || page.last
      if (end && stable && total !== undefined && seen.size >= total) listing.onComplete?.()
      if (page.items.length === 0) return
      const wanted = fresh.slice(0, listing.maxItems - yielded)
      if (wanted.length > 0) {
        yielded += wanted.length
        lastId = listing.id(wanted[wanted.length - 1])
        yield wanted
      }
      if (yielded >= listing.maxItems || !page.next) return
      if (fresh.length === 0 && !(restarted && number <= reread)) return
      if (number === cap) {
        core.warning(
          `${listing.what}: stopped after ${cap} pages, the most that ${listing.maxItems} items need (lookback); its pages kept bringing too few new items`
        )
        return
      }
      next = page.next
    }
    if (!shifted) return
    restarted = true
  }
}

/** Reports a second shrink to the caller, or fails the listing when it has no way to cope. */
function unstable(listing: Pick<Listing<unknown>, 'what' | 'onUnstable'>): false {
  if (!listing.onUnstable)
    throw new Error(
      `${listing.what} lost items again while it was read a second time (runs re-run or deleted meanwhile), so one may be missing; run the check again`
    )
  core.info(`${listing.what} shrank again while it was read a second time`)
  listing.onUnstable()
  return false
}

/** The listing's failures, each explained once with what was being listed. */
export async function* explained<T>(pages: AsyncGenerator<T>, what: string): AsyncGenerator<T> {
  try {
    yield* pages
  } catch (error) {
    throw new Error(explain(error, what))
  }
}

/** One page: the first by route and parameters, the next ones by the `next` link GitHub gave. */
async function fetchPage<T>(
  client: Client,
  listing: Listing<T>,
  url: string | undefined
): Promise<Page<T>> {
  const expect: BodyCheck = data => pageProblem(data, listing)
  const response = url
    ? await client.octokit.request({ method: 'GET', url, request: { expect } })
    : await client.octokit.request(listing.route, {
        ...listing.params,
        per_page: listing.perPage,
        request: { expect }
      })
  const data = response.data as Record<string, unknown>
  return {
    items: (data[listing.key] as unknown[]).map(listing.parse),
    totalCount: typeof data.total_count === 'number' ? data.total_count : undefined,
    next: nextLink(response.headers.link, client.apiUrl, listing),
    last: !/rel="?next"?/.test(String(response.headers.link ?? ''))
  }
}

/**
 * Why a page's body is not the documented object, or undefined when it is. Run by the client
 * before the body is returned, so that a bad body is retried like a network fault.
 */
function pageProblem<T>(data: unknown, listing: Listing<T>): string | undefined {
  const notJson = `${listing.what} is not the expected JSON`
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return notJson
  const items = (data as Record<string, unknown>)[listing.key]
  if (!Array.isArray(items)) return `${notJson} (no '${listing.key}' array)`
  try {
    for (const item of items) listing.id(listing.parse(item))
  } catch (error) {
    if (error instanceof ResponseShapeError) return `${notJson} (${error.message})`
    throw error
  }
  return undefined
}

/**
 * The `next` link, when it stays inside the API: same origin as `GITHUB_API_URL` and under its
 * path (`/` on github.com, `/api/v3` on GHES; GitHub may name `/repositories/{id}/...`). A link
 * anywhere else ends the listing with a warning; the token is never sent there.
 */
export function nextLink(
  header: unknown,
  apiUrl: string,
  listing: { what: string }
): string | undefined {
  if (typeof header !== 'string') return undefined
  const match = /<([^<>]*)>\s*;\s*rel="?next"?/.exec(header)
  if (!match) return undefined
  const api = new URL(apiUrl)
  const base = api.pathname.replace(/\/+$/, '')
  let next: URL
  try {
    next = new URL(match[1], api)
  } catch {
    next = new URL('invalid:')
  }
  if (next.origin !== api.origin || !(next.pathname + '/').startsWith(`${base}/`)) {
    core.warning(
      `${listing.what}: the next page's link leads outside the API (${escapeLog(next.origin, 100)}); stopped there`
    )
    return undefined
  }
  return next.href
}
