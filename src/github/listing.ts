import { ResponseShapeError } from '../errors.js'
import type { Client } from './client.js'

/**
 * One paginated GitHub listing, described once so every listing the action makes is read by
 * the same engine with the same rules.
 */
export interface Listing<T> {
  /** Octokit route, e.g. `GET /repos/{owner}/{repo}/actions/artifacts`. */
  route: string
  params: Record<string, string | number | boolean | undefined>
  /** The array that holds the page's items: `workflow_runs` or `artifacts`. */
  key: 'workflow_runs' | 'artifacts'
  /** Checks one untrusted item and keeps the fields the action reads; throws `ResponseShapeError`. */
  parse: (raw: unknown) => T
  id: (item: T) => number
  /** Items wanted at most (the caller's lookback); also bounds the pages requested. */
  maxItems: number
  perPage: number
  /** Names the listing in messages, e.g. `the workflow runs listing`. */
  what: string
}

/**
 * Yields the listing's items page by page, newest first, fetching the next page only when the
 * caller asks for more and never more than `maxItems` items in all.
 */
export async function* listPages<T>(client: Client, listing: Listing<T>): AsyncGenerator<T[]> {
  const pages = client.paginate.iterator(listing.route, {
    ...listing.params,
    per_page: listing.perPage
  })
  let seen = 0
  for await (const page of shapeChecked(pages, listing)) {
    const items = page.slice(0, listing.maxItems - seen).map(listing.parse)
    seen += items.length
    if (items.length > 0) yield items
    if (seen >= listing.maxItems) return
  }
}

/** The paginate plugin reads the body before we can: a body that is not JSON fails inside it. */
async function* shapeChecked<T>(
  pages: AsyncIterable<{ data: unknown }>,
  listing: Listing<T>
): AsyncGenerator<unknown[]> {
  const notJson = `${listing.what} is not the expected JSON`
  const iterator = pages[Symbol.asyncIterator]()
  for (;;) {
    let result: IteratorResult<{ data: unknown }>
    try {
      result = await iterator.next()
    } catch (error) {
      if (error instanceof TypeError || error instanceof SyntaxError)
        throw new ResponseShapeError(notJson)
      throw error
    }
    if (result.done) return
    // The paginate plugin unwraps `{ total_count, <key>: [...] }` into the array itself.
    if (!Array.isArray(result.value.data)) throw new ResponseShapeError(notJson)
    yield result.value.data
  }
}
