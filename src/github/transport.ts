/**
 * The one door every API request goes through (Octokit's `request.fetch`): the token only
 * ever travels to the API's own origin, redirects included, and a response body is read in
 * full, up to a cap, before Octokit sees it, so a connection that breaks mid-body is an error
 * to retry rather than an empty answer.
 */
import { subscribe } from 'node:diagnostics_channel'

/** A page of 100 runs with long commit messages is about 1 MB; nothing the action reads is near this. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024

/** Redirects followed for one request; GitHub uses one (a renamed repository's 301). */
const MAX_HOPS = 5

const REDIRECTS = new Set([301, 302, 303, 307, 308])

/** A body past the cap: the request fails at once, and is not retried (it would be as big again). */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`the response body is over the ${limit / 1024 / 1024} MiB cap`)
    this.name = 'BodyTooLarge'
  }
}

/**
 * Requests on the wire. Handing a request to fetch is not sending it: the socket is connected
 * and the headers written in later turns of the event loop, which a chunk being evaluated
 * would hold up. undici (Node's fetch, and the proxy's) reports each request's headers written
 * on this channel; a fetch that reports nothing is counted when its answer arrives instead, so
 * a wait never outlasts the first round trip.
 */
let sent = 0
let answered = 0
const waiting: { count: number; resolve: () => void }[] = []
const progress = (): number => Math.max(sent, answered)

function wake(): void {
  for (const waiter of waiting.filter(w => w.count <= progress())) {
    waiting.splice(waiting.indexOf(waiter), 1)
    waiter.resolve()
  }
}

subscribe('undici:client:sendHeaders', () => {
  sent++
  wake()
})

/** How many requests this process has put on the wire so far. */
export function requestsSent(): number {
  return progress()
}

/**
 * Settles once `count` requests in all are on the wire: CPU-bound work started after it
 * (loading a chunk) overlaps their round trips instead of delaying them.
 */
export function afterRequestsSent(count: number): Promise<void> {
  if (progress() >= count) return Promise.resolve()
  return new Promise(resolve => waiting.push({ count, resolve }))
}

export interface TransportOptions {
  /** `GITHUB_API_URL`: only its origin gets the token. */
  apiUrl: string
  maxBodyBytes?: number
}

/**
 * Wraps `base` (Node's fetch or the proxy-aware one). A caller that asks for
 * `redirect: 'manual'` (the artifact download, whose 302 goes to blob storage) gets the
 * redirect itself, unread; any other redirect is followed here, hop by hop, and the
 * `Authorization` header is dropped on every hop that leaves the API origin.
 */
export function guardedFetch(base: typeof fetch, options: TransportOptions): typeof fetch {
  const apiOrigin = new URL(options.apiUrl).origin
  const maxBytes = options.maxBodyBytes ?? MAX_BODY_BYTES
  return async (input, init = {}) => {
    let url = new URL(input instanceof Request ? input.url : String(input))
    let request: RequestInit = { ...init, headers: new Headers(init.headers) }
    for (let hop = 0; ; hop++) {
      const headers = new Headers(request.headers)
      if (url.origin !== apiOrigin) headers.delete('authorization')
      const response = await base(url, { ...request, headers, redirect: 'manual' }).finally(() => {
        answered++
        wake()
      })
      const location = response.headers.get('location')
      if (!REDIRECTS.has(response.status) || !location || init.redirect === 'manual')
        return init.redirect === 'manual' ? response : buffered(response, maxBytes)
      await response.body?.cancel()
      if (hop >= MAX_HOPS) throw new Error(`more than ${MAX_HOPS} redirects`)
      url = new URL(location, url)
      if (response.status === 303) request = { ...request, method: 'GET', body: undefined }
      request = { ...request, headers }
    }
  }
}

/** The whole body in memory, at most `maxBytes`; a reset or a cut-off body rejects. */
async function buffered(response: Response, maxBytes: number): Promise<Response> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    await response.body?.cancel()
    throw new BodyTooLarge(maxBytes)
  }
  const body = response.body ? await readCapped(response.body, maxBytes) : null
  if (body === OVER_CAP) throw new BodyTooLarge(maxBytes)
  const status = response.status
  return new Response(status === 204 || status === 205 || status === 304 ? null : body, {
    status,
    statusText: response.statusText,
    headers: response.headers
  })
}

/** What `readCapped` answers for a stream longer than its cap (the stream is cancelled). */
export const OVER_CAP = Symbol('over the cap')

/**
 * The one capped reader: a whole stream (a response body, an inflating zip entry) in memory,
 * at most `maxBytes`. Past that the stream is cancelled (leaving the loop cancels a web stream
 * and destroys a Node one) and `OVER_CAP` is answered, so that nothing is ever held whole
 * before its size is known. A reset or a cut-off stream rejects.
 */
export async function readCapped(
  stream: AsyncIterable<Uint8Array>,
  maxBytes: number
): Promise<Buffer | typeof OVER_CAP> {
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of stream) {
    total += chunk.length
    if (total > maxBytes) return OVER_CAP
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}
