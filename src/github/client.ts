import * as core from '@actions/core'
import { GitHub, defaults, getOctokitOptions } from '@actions/github/lib/utils'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import type { Octokit } from '@octokit/core'

/**
 * Built from `@actions/github/lib/utils`, not the package's index: importing the index builds
 * its `context`, which parses GITHUB_EVENT_PATH and throws on a garbled payload before any
 * of our code runs. The runner context is read by `context.ts` instead.
 */
export type Client = InstanceType<typeof GitHub>

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

export function createClient(
  token: string,
  options: ClientOptions = DEFAULT_CLIENT_OPTIONS,
  usage: Usage = { requests: 0 }
): Client {
  const maxSecondaryRetries = 3
  const Octokit = GitHub.plugin(
    attemptTimeout(options.timeoutMs),
    usageMeter(usage),
    retry,
    throttling
  )
  return new Octokit(
    getOctokitOptions(token, {
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
    })
  )
}
