import type { Result } from '../types.js'

/** Longest sample text accepted; a real one is a few bytes ("143\n"). */
export const MAX_SAMPLE_BYTES = 64

/**
 * Largest sample accepted, in seconds: one year. An install that takes longer is not a
 * measurement, and the bound keeps every sum and output finite.
 */
export const MAX_SAMPLE_SECONDS = 31_536_000

/**
 * What reading an artifact yields depends on this code (the parser and the zip reader): the
 * sample cache keys its entries by this number, so bump it whenever either changes what an
 * artifact yields, and no entry read by older code is used.
 */
export const SAMPLE_READER_VERSION = 2

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/

/**
 * Parses one sample: a single finite non-negative decimal number, optionally surrounded by
 * whitespace. Returns the number, or the reason the text is refused.
 */
export function parseSample(text: string): Result<number> {
  if (text.length > MAX_SAMPLE_BYTES)
    return { reason: `content longer than ${MAX_SAMPLE_BYTES} bytes` }
  const trimmed = text.trim()
  if (trimmed === '') return { reason: 'empty content' }
  if (!NUMBER.test(trimmed)) return { reason: 'content is not one non-negative number' }
  const value = Number(trimmed)
  if (!Number.isFinite(value)) return { reason: 'content is not a finite number' }
  if (value > MAX_SAMPLE_SECONDS)
    return {
      reason: `content ${trimmed} is over the ${MAX_SAMPLE_SECONDS}-second (one year) maximum`
    }
  return { value }
}

/** A commit sha as GitHub writes one, or '' for anything else. */
export function cleanSha(value: unknown): string {
  return typeof value === 'string' && /^[0-9a-f]{7,64}$/.test(value) ? value : ''
}

/** An ISO date that parses, or '' for anything else. */
export function cleanDate(value: unknown): string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value : ''
}
