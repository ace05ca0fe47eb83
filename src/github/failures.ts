import { errorMessage } from '../core/errors.js'
import { primaryLimitSpent, resetTime, type HeaderMap } from './headers.js'

interface HttpError {
  status: number
  message: string
  response?: { headers?: HeaderMap }
}

function isHttpError(error: unknown): error is HttpError {
  return (
    typeof error === 'object' && error !== null && typeof (error as HttpError).status === 'number'
  )
}

/** A rate limit the action stopped waiting for: too long a wait, or too many of them. */
export class RateLimited extends Error {
  readonly status: number
  /** Kept for the throttling plugin's failure handler, which reads its headers. */
  readonly response?: { headers?: HeaderMap }
  constructor(message: string, limited: { status: number; response?: { headers?: HeaderMap } }) {
    super(message)
    this.name = 'RateLimited'
    this.status = limited.status
    this.response = { headers: {}, ...limited.response }
  }
}

/**
 * A body that is not the JSON the endpoint documents (empty, cut off, another shape). It
 * carries the request so that the retry plugin retries it as it would a 5xx.
 */
export class UnexpectedBody extends Error {
  readonly status = 502
  readonly request: unknown
  constructor(message: string, request: unknown) {
    super(message)
    this.name = 'UnexpectedBody'
    this.request = request
  }
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
  if (error instanceof RateLimited) return `${what}: ${error.message}`
  if (error instanceof UnexpectedBody) return `${what}: ${error.message} (after retries)`
  if (!isHttpError(error)) return `${what}: ${errorMessage(error)}`
  const headers = error.response?.headers
  if (primaryLimitSpent(headers)) {
    const when = resetTime(headers)?.toISOString() ?? 'the next hour'
    return `${what}: the GitHub API rate limit is exhausted until ${when}; lower 'lookback' or 'window', or run later`
  }
  switch (error.status) {
    case 401:
      return `${what}: the token was refused (401 Bad credentials); check 'github-token'`
    case 403:
      return `${what}: 403 ${error.message}; the token needs 'permissions: actions: read' on this repository`
    case 404:
      return `${what}: not found (404); check the workflow and repository names, and that the token can read them`
    case 500:
      // Octokit reports a network fault (reset, timeout, refused) as a 500 without a response.
      return error.response
        ? `${what}: HTTP 500 ${error.message} (after retries)`
        : `${what}: network error (${error.message || 'no answer'}) after retries`
    default:
      return `${what}: HTTP ${error.status} ${error.message}${error.status >= 500 ? ' (after retries)' : ''}`
  }
}

/**
 * Whether a write that failed may still have taken effect: a 5xx (a gateway that gave up on
 * the way back) or no answer at all. A 4xx is GitHub refusing it.
 */
export function mayHaveTakenEffect(error: unknown): boolean {
  const status = httpStatus(error)
  return !(error instanceof RateLimited) && (status === undefined || status >= 500)
}
