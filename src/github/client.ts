import * as core from '@actions/core'
import { HttpClient } from '@actions/http-client'
import { Octokit as Core } from '@octokit/core'
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { fetch as undiciFetch } from 'undici'
import { RateLimited, UnexpectedBody } from './failures.js'
import {
  headerInteger,
  primaryLimitSpent,
  resetTime,
  retryAfterSeconds,
  type HeaderMap
} from './headers.js'
import type { Usage } from '../core/types.js'
import { BodyTooLarge, guardedFetch } from './transport.js'
import { retrying } from './retrying.js'

/**
 * Built from `@octokit/core` itself, not `@actions/github`: importing that package (its index
 * or `lib/utils`) builds its `context`, which parses GITHUB_EVENT_PATH and throws on a garbled
 * payload before any of our code runs. The runner context is read by `context.ts` instead.
 */
const GitHub = Core.plugin(restEndpointMethods)
export type Octokit = InstanceType<typeof GitHub>

/** Checks a response body before it is returned; a problem is retried like a network fault. */
export type BodyCheck = (data: unknown) => string | undefined

export interface ClientOptions {
  /** Per attempt; a hung connection is aborted and retried rather than waited on. */
  timeoutMs: number
  retries: number
  /** Base of the retry back-off and of `retry-after` waits, in ms per second. */
  retryUnitMs: number
  /** Longest wait, in seconds, that a rate limit may ask for; a longer one fails at once. */
  maxWaitSeconds: number
  /** Ends every request at once when aborted: the bound of an optional part (issue, comment). */
  signal?: AbortSignal
}

export const DEFAULT_CLIENT_OPTIONS: ClientOptions = {
  timeoutMs: 20_000,
  retries: 3,
  retryUnitMs: 1000,
  maxWaitSeconds: 60
}

/** GitHub's documented wait for a secondary limit that names none: a minute, then doubling. */
export const SECONDARY_FALLBACK_SECONDS = 60

export function apiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
}

/**
 * Registered before the retry and throttling plugins so that it wraps each attempt, not the
 * whole retried call: every attempt gets a fresh deadline. The options object is shared by
 * every hook in the chain, so the deadline is set on it rather than on a copy.
 */
const attemptTimeout = (ms: number, bound?: AbortSignal) => (octokit: Core) => {
  octokit.hook.wrap('request', (request, options) => {
    const attempt = AbortSignal.timeout(ms)
    const signal = bound ? AbortSignal.any([bound, attempt]) : attempt
    options.request = { ...options.request, signal }
    return request(options)
  })
}

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']

/**
 * Node's own fetch is ready ~70 ms sooner than undici's with a proxy dispatcher, so that one
 * is used only where a proxy is configured (self-hosted runners); it honours `no_proxy`.
 */
export function pickFetch(env: NodeJS.ProcessEnv = process.env): typeof fetch {
  if (!PROXY_VARIABLES.some(name => env[name])) return globalThis.fetch
  const dispatcher = new HttpClient().getAgentDispatcher(apiBaseUrl(env))
  return ((url: string, init: RequestInit) =>
    undiciFetch(url, {
      ...(init as object),
      dispatcher
    } as Parameters<typeof undiciFetch>[1])) as unknown as typeof fetch
}

type HeaderBag = HeaderMap

function clockOffset(headers: HeaderBag): number | undefined {
  const date = Date.parse(String(headers?.date ?? ''))
  return Number.isFinite(date) ? date - Date.now() : undefined
}

/** Counts every attempt (retries too) and keeps the last rate-limit headers seen. */
const usageMeter = (usage: Usage) => (octokit: Core) => {
  octokit.hook.wrap('request', async (request, options) => {
    usage.requests++
    if (options.method !== 'GET') usage.writes = (usage.writes ?? 0) + 1
    const note = (headers: HeaderBag) => {
      usage.remaining = headerInteger(headers, 'x-ratelimit-remaining') ?? usage.remaining
      usage.resetAt = resetTime(headers) ?? usage.resetAt
      usage.clockOffsetMs = clockOffset(headers) ?? usage.clockOffsetMs
    }
    try {
      const response = await request(options)
      note(response.headers)
      return response
    } catch (error) {
      note((error as { response?: { headers?: HeaderBag } }).response?.headers)
      throw error
    }
  })
}

/**
 * JSON bodies parsed with `JSON.parse`. Octokit's own parser calls a reviver for every value
 * (to keep integers past 2^53 exact, which no field the action reads needs): about 5 ms for a
 * page of 100 runs of 120 KB and proportionally more for real pages with long commit messages,
 * CPU the listings' answers wait on. A caller that takes the body unparsed (the download)
 * still gets the stream.
 */
const plainJson = (octokit: Core) => {
  // Every attempt of a call, retries included, sees one options object (the hooks share it):
  // the calls whose bodies this hook parses are remembered by it.
  const parsing = new WeakSet<object>()
  octokit.hook.wrap('request', async (request, options) => {
    if (options.request?.parseSuccessResponseBody === undefined) parsing.add(options)
    if (!parsing.has(options)) return request(options)
    options.request = { ...options.request, parseSuccessResponseBody: false }
    const response = await request(options)
    response.data = await parsedBody(response.data, response.headers['content-type'])
    return response
  })
}

/**
 * A success body as Octokit reads it: JSON parsed (the text when it does not parse), text for
 * text (or no type), bytes otherwise.
 */
async function parsedBody(body: unknown, contentType: unknown): Promise<unknown> {
  if (!(body instanceof ReadableStream)) return body
  const type = String(contentType ?? '').toLowerCase()
  const response = new Response(body)
  if (/^application\/(scim\+)?json\b/.test(type)) {
    const text = await response.text()
    try {
      return JSON.parse(text)
    } catch {
      return text
    }
  }
  const isText = /^text\//.test(type) || (/charset=utf-8/.test(type) && !/octet-stream/.test(type))
  return !type || isText ? response.text() : response.arrayBuffer()
}

/**
 * Inside the retry plugin: a body over the cap fails at once (not retried: it would be as big
 * again), and a body that the caller's `expect` refuses is retried like a network fault.
 */
const responseCheck = (octokit: Core) => {
  octokit.hook.wrap('request', async (request, options) => {
    let response: Awaited<ReturnType<typeof request>>
    try {
      response = await request(options)
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause
      if (cause instanceof BodyTooLarge) throw new Error(cause.message)
      throw error
    }
    const expect = (options.request as { expect?: BodyCheck } | undefined)?.expect
    const problem = expect?.(response.data)
    if (problem) throw new UnexpectedBody(problem, options)
    return response
  })
}

interface LimitedError {
  status: number
  message: string
  response?: { headers?: HeaderBag }
}

/** A 429, or a 403 that names the secondary limit or asks to retry after a while. */
function secondaryLimit(error: unknown): LimitedError | undefined {
  const e = error as Partial<LimitedError> | null
  if (typeof e !== 'object' || e === null || typeof e.status !== 'number') return undefined
  const headers = e.response?.headers
  if (primaryLimitSpent(headers)) return undefined
  if (e.status === 429) return e as LimitedError
  if (
    e.status === 403 &&
    (/secondary rate/i.test(String(e.message)) || retryAfterSeconds(headers) !== undefined)
  )
    return e as LimitedError
  return undefined
}

/**
 * 429s and secondary limits wait for `retry-after` (or GitHub's documented minute, doubling),
 * up to `retries` times. A wait longer than `maxWaitSeconds` fails at once and names it: a
 * job that sleeps for an hour is worse than a step that says "run later". An exhausted
 * primary limit is left to fail at once (`explain` names its reset).
 */
const rateLimits = (options: ClientOptions) => (octokit: Core) => {
  octokit.hook.wrap('request', (request, requestOptions) =>
    retrying(
      async () => request(requestOptions),
      (error, attempt) => {
        const limited = secondaryLimit(error)
        if (!limited) throw error
        const asked = retryAfterSeconds(limited.response?.headers)
        const wait = asked ?? SECONDARY_FALLBACK_SECONDS * 2 ** attempt
        const source = asked === undefined ? "GitHub's documented back-off" : 'retry-after'
        if (wait > options.maxWaitSeconds)
          throw new RateLimited(
            `GitHub asked to wait ${wait} s (${source}) before retrying, over the ${options.maxWaitSeconds} s the action waits; run later`,
            limited
          )
        if (attempt >= options.retries)
          throw new RateLimited(
            `GitHub kept answering ${limited.status} (rate limited) after ${attempt} retries; run later`,
            limited
          )
        core.info(
          `GitHub asked to slow down (${limited.status}, secondary rate limit): retrying ${requestOptions.method} in ${wait} s`
        )
        return wait * options.retryUnitMs
      }
    )
  )
}

/**
 * One value for everything a request needs: the Octokit instance, its options, the request
 * meter, the API's address, the fetch (its proxy dispatcher made once) and the server's clock.
 */
export class Client {
  readonly apiUrl = apiBaseUrl()
  /** Node's fetch, or undici's behind a proxy: for the requests made beside Octokit (blobs). */
  readonly fetch = pickFetch()
  readonly octokit: Octokit

  /** `usage`: the meter, shared by a second client (the issue's) so that one line counts both. */
  constructor(
    token: string,
    readonly options: ClientOptions = DEFAULT_CLIENT_OPTIONS,
    readonly usage: Usage = { requests: 0 }
  ) {
    const WithPlugins = GitHub.plugin(
      plainJson,
      attemptTimeout(options.timeoutMs, options.signal),
      usageMeter(this.usage),
      responseCheck,
      rateLimits(options),
      retry,
      throttling
    )
    this.octokit = new WithPlugins({
      auth: `token ${token}`,
      baseUrl: this.apiUrl,
      userAgent: 'helm-rolling-action',
      request: { fetch: guardedFetch(this.fetch, { apiUrl: this.apiUrl }) },
      // 403 and 429 are the rate-limit hook's; 5xx, network faults and bad bodies are retried here.
      retry: {
        retries: options.retries,
        retryAfterBaseValue: options.retryUnitMs,
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451]
      },
      // Kept for its concurrency limit (10 API requests at a time); its own retries are off,
      // because it retries a bare 429 not at all and sleeps whatever `retry-after` says.
      throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false }
    })
  }

  /**
   * Now, by the API server's clock where a response has told it (its `date` header): a
   * self-hosted runner's clock may be off, and the listing-lag margin is measured against
   * GitHub's own timestamps.
   */
  serverNow(): number {
    return Date.now() + (this.usage.clockOffsetMs ?? 0)
  }
}

export function createClient(token: string, options?: ClientOptions): Client {
  return new Client(token, options)
}
