import { describe, expect, it } from '@jest/globals'
import { makeRun } from '../__fixtures__/run.js'
import type { Run } from '../src/github/runs.js'
import { SkipRun } from '../src/core/errors.js'
import { collectSamples } from '../src/core/history/samples.js'

const run = (id: number) => makeRun(id)

async function* pagesOf(pages: Run[][], listed: number[]): AsyncGenerator<Run[]> {
  for (const [i, page] of pages.entries()) {
    listed.push(i + 1)
    yield page
  }
}

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => run(from - i))
const never = () => undefined

describe('collectSamples', () => {
  it('keeps newest-first order even when later runs answer first', async () => {
    const fetch = async (r: Run) => {
      await new Promise(resolve => setTimeout(resolve, (r.id % 3) * 5))
      return r.id
    }
    const out = await collectSamples(pagesOf([ids(20, 10)], []), 5, fetch, 10, never)
    expect(out.samples.map(s => s.value)).toEqual([20, 19, 18, 17, 16])
  })

  it('fetches exactly the window when every run has a sample', async () => {
    const fetched: number[] = []
    const out = await collectSamples(
      pagesOf([ids(100, 100)], []),
      10,
      async r => (fetched.push(r.id), 1),
      10,
      never
    )
    expect(out.samples).toHaveLength(10)
    expect(fetched).toHaveLength(10)
  })

  it('replaces skipped runs with older ones and records why', async () => {
    const fetch = async (r: Run) => {
      if (r.id % 2 === 0) throw new SkipRun(`skip ${r.id}`)
      return r.id
    }
    const out = await collectSamples(pagesOf([ids(10, 10)], []), 3, fetch, 10, never)
    expect(out.samples.map(s => s.value)).toEqual([9, 7, 5])
    expect(out.skipped.map(s => s.reason)).toEqual(['skip 10', 'skip 8', 'skip 6'])
  })

  it('lists a further page only when the runs in hand cannot fill the window', async () => {
    const listed: number[] = []
    await collectSamples(
      pagesOf([ids(200, 100), ids(100, 100)], listed),
      10,
      async () => 1,
      10,
      never
    )
    expect(listed).toEqual([1])
    const listed2: number[] = []
    const out = await collectSamples(
      pagesOf([ids(200, 5), ids(195, 100)], listed2),
      10,
      async () => 1,
      10,
      never
    )
    expect(listed2).toEqual([1, 2])
    expect(out.samples).toHaveLength(10)
  })

  it('never has more fetches in flight than the concurrency bound', async () => {
    let inFlight = 0
    let peak = 0
    const fetch = async () => {
      peak = Math.max(peak, ++inFlight)
      await new Promise(resolve => setTimeout(resolve, 2))
      inFlight--
      return 1
    }
    await collectSamples(pagesOf([ids(100, 100)], []), 50, fetch, 4, never)
    expect(peak).toBe(4)
  })

  it('records runs excluded before fetching, in run order', async () => {
    const out = await collectSamples(
      pagesOf([ids(5, 5)], []),
      2,
      async r => r.id,
      10,
      r => (r.id === 5 ? 'fork' : undefined)
    )
    expect(out.skipped).toEqual([expect.objectContaining({ run_id: 5, reason: 'fork' })])
    expect(out.samples.map(s => s.value)).toEqual([4, 3])
  })

  it('stops on an error that is not a skip', async () => {
    const fetch = async () => {
      throw new Error('401')
    }
    await expect(collectSamples(pagesOf([ids(5, 5)], []), 2, fetch, 10, never)).rejects.toThrow(
      '401'
    )
  })
})
