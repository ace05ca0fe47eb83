import { describe, expect, it } from '@jest/globals'
import { requestBound } from '../__fixtures__/bound.js'
import type { RunSpec } from '../__fixtures__/history.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'

/** Request counts are exact and stable, so they are asserted here; times live in `npm run bench`. */
describe('requests made by dist/index.js', () => {
  const { fake, run } = useFakeGitHub()
  const full = Array.from({ length: 200 }, (_, i) => 100 + i)
  const sparse: RunSpec[] = Array.from({ length: 500 }, (_, i) =>
    i % 5 === 3 ? {} : i % 5 === 4 ? { value: 1, conclusion: 'cancelled' } : { value: 100 + i }
  )

  const kinds = () => {
    const calls = fake.requests.map(r => r.path)
    return {
      lists: calls.filter(p => p.includes('/workflows/')).length,
      lookups: calls.filter(p => /\/runs\/\d+\/artifacts/.test(p)).length,
      redirects: calls.filter(p => /\/artifacts\/\d+\/zip/.test(p)).length,
      blobs: calls.filter(p => p.startsWith('/blob/')).length,
      total: calls.length,
      distinct: new Set(calls).size
    }
  }

  it('N=10 over a full history: one list call, then one lookup and one download per sample', async () => {
    const r = await run(full)
    expect(r.outputs.count).toBe('10')
    expect(kinds()).toEqual({
      lists: 1,
      lookups: 10,
      redirects: 10,
      blobs: 10,
      total: 31,
      distinct: 31
    })
    // The one page asks for no more runs than lookback.
    expect(fake.requests[0].path).toContain('per_page=50')
    // Blob downloads are not API requests: the log counts the 21 that are.
    expect(r.stdout).toMatch(/^GitHub API: 21 requests; \d+ left until \d\d:\d\d UTC$/m)
  })

  it('with this run as the newest sample it reads one run less', async () => {
    await run(full, { inputs: { value: '120' } })
    expect(kinds()).toMatchObject({ lookups: 9, redirects: 9, blobs: 9, total: 28 })
  })

  it.each([10, 50, 200])(
    'N=%i over a sparse history of 500 runs meets the lower bound exactly',
    async window => {
      const r = await run(sparse, { inputs: { window: String(window), lookback: '500' } })
      expect(r.outputs.count).toBe(String(window))
      const counted = kinds()
      expect(counted.total).toBe(requestBound(sparse, window))
      expect(counted.distinct).toBe(counted.total)
    }
  )

  it('stops at lookback, listing no runs beyond it', async () => {
    const r = await run(
      Array.from({ length: 300 }, () => ({})),
      { inputs: { lookback: '150' } }
    )
    expect(r.outputs.verdict).toBe('insufficient')
    expect(kinds()).toMatchObject({ lists: 2, lookups: 150 })
  })
})
