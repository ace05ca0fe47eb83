import { errorMessage } from '../errors.js'

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
  if (!isHttpError(error)) return `${what}: ${errorMessage(error)}`
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
