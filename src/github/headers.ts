/**
 * GitHub's response headers, read defensively: every header is untrusted text, and a malformed
 * or out-of-range value reads as absent. Nothing here throws.
 */

export type HeaderMap = Record<string, string | number | undefined> | undefined

/** Latest instant a `Date` can hold, in seconds since the epoch (year 275760). */
const MAX_EPOCH_SECONDS = 8.64e12

/** A whole non-negative number, or undefined for anything else ("abc", "-1", "1e400", ""). */
export function headerInteger(headers: HeaderMap, name: string): number | undefined {
  const raw = headers?.[name]
  const text = typeof raw === 'number' ? String(raw) : raw
  if (typeof text !== 'string' || !/^\s*\d{1,16}\s*$/.test(text)) return undefined
  const value = Number(text)
  return Number.isSafeInteger(value) ? value : undefined
}

/** `x-ratelimit-reset` as a date, when it is one a `Date` can hold. */
export function resetTime(headers: HeaderMap): Date | undefined {
  const seconds = headerInteger(headers, 'x-ratelimit-reset')
  if (seconds === undefined || seconds === 0 || seconds > MAX_EPOCH_SECONDS) return undefined
  return new Date(seconds * 1000)
}

/** `retry-after` in seconds: a delay in seconds or an HTTP date; undefined when unreadable. */
export function retryAfterSeconds(headers: HeaderMap, now = Date.now()): number | undefined {
  const seconds = headerInteger(headers, 'retry-after')
  if (seconds !== undefined) return seconds
  const raw = headers?.['retry-after']
  if (typeof raw !== 'string' || raw.length > 64) return undefined
  const at = Date.parse(raw)
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined
}

/** True when the headers say the primary (hourly) limit is spent. */
export function primaryLimitSpent(headers: HeaderMap): boolean {
  return headerInteger(headers, 'x-ratelimit-remaining') === 0
}
