import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { defaults } from '@actions/github/lib/utils'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import type { Octokit } from '@octokit/core'

export type Client = ReturnType<typeof getOctokit>

export interface ClientOptions {
  /** Per attempt; a hung connection is aborted and retried rather than waited on. */
  timeoutMs: number
  retries: number
  /** Base of the retry back-off and of `retry-after` waits, in ms per second. */
  retryUnitMs: number
}

export const DEFAULT_CLIENT_OPTIONS: ClientOptions = {
  timeoutMs: 20_000,
  retries: 3,
  retryUnitMs: 1000
}

/**
 * Registered before the retry and throttling plugins so that it wraps each attempt, not the
 * whole retried call: every attempt gets a fresh deadline. The options object is shared by
 * every hook in the chain, so the deadline is set on it rather than on a copy.
 */
const attemptTimeout = (ms: number) => (octokit: Octokit) => {
  octokit.hook.wrap('request', (request, options) => {
    options.request = { ...options.request, signal: AbortSignal.timeout(ms) }
    return request(options)
  })
}

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']

/**
 * Node's own fetch is ready ~70 ms sooner than the bundled undici that `@actions/github` uses
 * for proxy support, so that one is used only where a proxy is configured (self-hosted
 * runners); it honours `no_proxy` itself.
 */
export function pickFetch(env: NodeJS.ProcessEnv = process.env): typeof fetch {
  const proxied = PROXY_VARIABLES.some(name => env[name])
  return proxied && defaults.request?.fetch
    ? (defaults.request.fetch as typeof fetch)
    : globalThis.fetch
}

/** What the check cost against the token's hourly budget, from GitHub's own headers. */
export interface Usage {
  requests: number
  remaining?: number
  resetAt?: Date
}

/** Counts every attempt (retries too) and keeps the last rate-limit headers seen. */
const usageMeter = (usage: Usage) => (octokit: Octokit) => {
  octokit.hook.wrap('request', async (request, options) => {
    usage.requests++
    const note = (headers: Record<string, string | number | undefined> | undefined) => {
      const remaining = Number(headers?.['x-ratelimit-remaining'])
      const reset = Number(headers?.['x-ratelimit-reset'])
      if (Number.isFinite(remaining)) usage.remaining = remaining
      if (Number.isFinite(reset) && reset > 0) usage.resetAt = new Date(reset * 1000)
    }
    try {
      const response = await request(options)
      note(response.headers)
      return response
    } catch (error) {
      note((error as { response?: { headers?: Record<string, string> } }).response?.headers)
      throw error
    }
  })
}

/** One line for the log: how many API requests the check made and what is left this hour. */
export function describeUsage(usage: Usage): string {
  const left = usage.remaining === undefined ? '' : `; ${usage.remaining} left`
  const until = usage.resetAt ? ` until ${usage.resetAt.toISOString().slice(11, 16)} UTC` : ''
  return `GitHub API: ${usage.requests} request${usage.requests === 1 ? '' : 's'}${left}${until}`
}

export function createClient(
  token: string,
  options: ClientOptions = DEFAULT_CLIENT_OPTIONS,
  usage: Usage = { requests: 0 }
): Client {
  const maxSecondaryRetries = 3
  return getOctokit(
    token,
    {
      request: { fetch: pickFetch() },
      // 429 is left to the throttling plugin, which honours its retry-after.
      retry: {
        retries: options.retries,
        retryAfterBaseValue: options.retryUnitMs,
        doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451]
      },
      throttle: {
        retryAfterBaseValue: options.retryUnitMs,
        // An exhausted primary limit lasts until the hourly reset: fail now and say when,
        // rather than sleep the job away.
        onRateLimit: () => false,
        onSecondaryRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          _o: unknown,
          retryCount: number
        ) => {
          if (retryCount >= maxSecondaryRetries) return false
          core.info(
            `GitHub asked to slow down (secondary rate limit): retrying ${request.method} in ${retryAfter} s`
          )
          return true
        }
      }
    },
    attemptTimeout(options.timeoutMs),
    usageMeter(usage),
    retry,
    throttling
  )
}

interface HttpError {
  status: number
  message: string
  response?: { headers?: Record<string, string | undefined> }
}

function isHttpError(error: unknown): error is HttpError {
  return (
    typeof error === 'object' && error !== null && typeof (error as HttpError).status === 'number'
  )
}

/** A failure that would repeat on every run, so the whole check stops instead of skipping. */
export function isFatal(error: unknown): boolean {
  return (
    isHttpError(error) && (error.status === 401 || error.status === 403 || error.status === 429)
  )
}

export function httpStatus(error: unknown): number | undefined {
  return isHttpError(error) ? error.status : undefined
}

/** Says what went wrong with a GitHub call and what to do about it, in one line. */
export function explain(error: unknown, what: string): string {
  if (!isHttpError(error))
    return `${what}: ${error instanceof Error ? error.message : String(error)}`
  const headers = error.response?.headers ?? {}
  if (headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(headers['x-ratelimit-reset'])
    const when =
      Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000).toISOString() : 'the next hour'
    return `${what}: the GitHub API rate limit is exhausted until ${when}; lower 'lookback' or 'window', or run later`
  }
  switch (error.status) {
    case 401:
      return `${what}: the token was refused (401 Bad credentials); check 'github-token'`
    case 403:
      if (/secondary rate/i.test(error.message))
        return `${what}: GitHub's secondary rate limit persisted after retries; run later`
      return `${what}: 403 ${error.message}; the token needs 'permissions: actions: read' on this repository`
    case 404:
      return `${what}: not found (404); check the workflow and repository names, and that the token can read them`
    case 429:
      return `${what}: GitHub kept answering 429 Too Many Requests after retries; run later`
    case 500:
      return `${what}: ${error.message || 'network error'} (after retries)`
    default:
      return `${what}: HTTP ${error.status} ${error.message}`
  }
}
