import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { lookbackWarning, readConfig } from '../src/core/inputs/config.js'
import { explain, RateLimited } from '../src/github/failures.js'
import { headerInteger, resetTime, retryAfterSeconds } from '../src/github/headers.js'
import { nextLink, pageCap } from '../src/github/listing.js'
import { MAX_SAMPLE_SECONDS, parseSample } from '../src/core/untrusted/parse.js'
import { median } from '../src/core/stats/summary.js'
import { computeStats } from '../src/core/verdict/rubric.js'

describe('headers read defensively', () => {
  it.each([
    ['42', 42],
    [' 7 ', 7],
    ['-1', undefined],
    ['1e3', undefined],
    ['abc', undefined],
    ['', undefined],
    ['99999999999999999', undefined]
  ])('reads %j as %p', (text, value) => {
    expect(headerInteger({ h: text }, 'h')).toBe(value)
  })

  it('reads no reset time out of the date range, and never throws', () => {
    expect(resetTime({ 'x-ratelimit-reset': '9999999999999' })).toBeUndefined()
    expect(resetTime({ 'x-ratelimit-reset': '0' })).toBeUndefined()
    expect(resetTime({ 'x-ratelimit-reset': '1764054000' })?.toISOString()).toBe(
      '2025-11-25T07:00:00.000Z'
    )
  })

  it('reads retry-after as seconds or an HTTP date', () => {
    const now = Date.UTC(2026, 10, 25, 10, 0, 0)
    expect(retryAfterSeconds({ 'retry-after': '30' }, now)).toBe(30)
    expect(retryAfterSeconds({ 'retry-after': 'Wed, 25 Nov 2026 10:01:00 GMT' }, now)).toBe(60)
    expect(retryAfterSeconds({ 'retry-after': 'Wed, 25 Nov 2026 09:00:00 GMT' }, now)).toBe(0)
    expect(retryAfterSeconds({ 'retry-after': 'soon' }, now)).toBeUndefined()
    expect(retryAfterSeconds({}, now)).toBeUndefined()
  })

  it('explains a spent primary limit whatever its reset header says', () => {
    const error = {
      status: 403,
      message: 'API rate limit exceeded',
      response: { headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1e999' } }
    }
    expect(explain(error, 'Listing')).toMatch(/exhausted until the next hour/)
    expect(explain(new RateLimited('GitHub asked to wait 9 s', { status: 429 }), 'Listing')).toBe(
      'Listing: GitHub asked to wait 9 s'
    )
  })
})

describe('next links', () => {
  const listing = { what: 'the workflow runs listing' }
  // A refused link warns through @actions/core, which writes `::warning::` to stdout: caught
  // here, so the project's own CI does not turn it into an annotation, and asserted on.
  let written: string[] = []
  beforeEach(() => {
    written = []
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      written.push(String(chunk))
      return true
    })
  })
  afterEach(() => {
    jest.restoreAllMocks()
  })
  const link = (url: string) =>
    `<${url}>; rel="next", <https://api.github.com/x?page=9>; rel="last"`

  it.each([
    ['https://api.github.com', 'https://api.github.com/repos/o/r/actions/runs?page=2', true],
    ['https://api.github.com', 'https://api.github.com/repositories/1/actions/runs?page=2', true],
    ['https://api.github.com', 'https://evil.example/repos/o/r/actions/runs?page=2', false],
    ['https://api.github.com', 'http://api.github.com/repos/o/r?page=2', false],
    ['https://api.github.com', 'https://api.github.com:8443/repos/o/r?page=2', false],
    ['https://ghes.example/api/v3', 'https://ghes.example/api/v3/repos/o/r?page=2', true],
    ['https://ghes.example/api/v3', 'https://ghes.example/repos/o/r?page=2', false],
    ['https://ghes.example/api/v3', 'https://ghes.example/api/v3x/repos?page=2', false],
    ['https://ghes.example/api/v3', 'https://ghes.example/api/v3/../x?page=2', false]
  ])('with API %s, follows %s: %p', (api, url, followed) => {
    expect(nextLink(link(url), api, listing) !== undefined).toBe(followed)
    const warned = written.filter(line => line.startsWith('::warning::'))
    expect(warned).toEqual(followed ? [] : [expect.stringContaining('leads outside the API')])
  })

  it('finds no next link in an absent or odd header', () => {
    expect(nextLink(undefined, 'https://api.github.com', listing)).toBeUndefined()
    expect(
      nextLink('<https://api.github.com/x>; rel="prev"', 'https://api.github.com', listing)
    ).toBeUndefined()
  })

  it('caps pages at what lookback needs plus one', () => {
    expect(pageCap({ maxItems: 50, perPage: 50 })).toBe(2)
    expect(pageCap({ maxItems: 150, perPage: 100 })).toBe(3)
    expect(pageCap({ maxItems: 1000, perPage: 100 })).toBe(11)
  })
})

describe('finite outputs', () => {
  it('takes the median of two huge values without overflowing', () => {
    expect(median([1.7e308, 1.7e308])).toBe(1.7e308)
    expect(median([100, 141, 151, 200])).toBe(146)
  })

  it('refuses samples over the one-year maximum', () => {
    expect(parseSample(String(MAX_SAMPLE_SECONDS))).toEqual({ value: 31_536_000 })
    expect(parseSample('31536000.5')).toEqual({
      reason: expect.stringMatching(/over the 31536000-second \(one year\) maximum/)
    })
    expect(parseSample('1e308')).toEqual({ reason: expect.stringMatching(/maximum/) })
  })

  it('keeps every statistic finite at the maximum', () => {
    const stats = computeStats(Array.from({ length: 10 }, () => MAX_SAMPLE_SECONDS))
    expect(Object.values(stats).every(v => v === null || Number.isFinite(v))).toBe(true)
  })
})

describe('repository and lookback inputs', () => {
  const read = (inputs: Record<string, string>) =>
    readConfig(name => ({ 'github-token': 't', workflow: 'chart.yml', ...inputs })[name] ?? '', {})

  it.each(['../..', '../x', 'x/..', './x', 'x/.', 'a/b/c', 'a b/c'])('refuses %j', value => {
    expect(() => read({ repository: value })).toThrow("Input 'repository' must be owner/name")
  })

  it.each(['o/r', 'O.rg/re-po_1', 'o/.github', 'o/..x'])('accepts %j', value => {
    expect(() => read({ repository: value })).not.toThrow()
  })

  it('warns when lookback cannot fill the window, counting this run', () => {
    const config = read({ repository: 'o/r', window: '10', lookback: '9' })
    expect(lookbackWarning(config, true)).toBeUndefined()
    expect(lookbackWarning(config, false)).toMatch(/'lookback' 9 is smaller than the 10 runs/)
  })
})
