import { describe, expect, it } from '@jest/globals'
import { requestBound } from '../__fixtures__/bound.js'
import { oddHeaders } from '../__fixtures__/faults.js'
import type { FakeRun } from '../__fixtures__/github-server.js'
import type { RunSpec } from '../__fixtures__/history.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'

/** Request counts are exact and stable, so they are asserted here; times live in `npm run bench`. */
describe('requests made by dist/index.js', () => {
  const { fake, run } = useFakeGitHub()
  const full = Array.from({ length: 200 }, (_, i) => 100 + i)
  // The bench's history: of every 5 runs, 3 hold a counted sample, 1 none, 1 was cancelled.
  const sparse: RunSpec[] = Array.from({ length: 500 }, (_, i) =>
    i % 5 === 3 ? {} : i % 5 === 4 ? { value: 1, conclusion: 'cancelled' } : { value: 100 + i }
  )

  const kinds = () => {
    const calls = fake.requests.map(r => r.path)
    return {
      runLists: calls.filter(p => p.includes('/workflows/')).length,
      artifactLists: calls.filter(p => /\/actions\/artifacts\?/.test(p)).length,
      lookups: calls.filter(p => /\/runs\/\d+\/artifacts/.test(p)).length,
      redirects: calls.filter(p => /\/artifacts\/\d+\/zip/.test(p)).length,
      blobs: calls.filter(p => p.startsWith('/blob/')).length,
      api: fake.apiCalls().length,
      distinct: new Set(calls).size,
      total: calls.length
    }
  }

  // Tests that pin request counts set `history`: its default (30) reads beyond the window.
  it('N=10 over a full history: both listings, then one download per sample', async () => {
    const r = await run(full, { inputs: { history: '10' } })
    expect(r.outputs.count).toBe('10')
    expect(kinds()).toEqual({
      runLists: 1,
      artifactLists: 1,
      lookups: 0,
      redirects: 10,
      blobs: 10,
      api: 12,
      distinct: 22,
      total: 22
    })
    // The runs page asks for no more runs than lookback; the artifacts page for 100.
    expect(fake.apiCalls().find(c => c.includes('/workflows/'))).toContain('per_page=50')
    expect(fake.apiCalls().find(c => c.includes('/actions/artifacts?'))).toContain('per_page=100')
    // Blob downloads are not API requests: the log counts the 12 that are.
    expect(r.stdout).toMatch(/^GitHub API: 12 requests; \d+ left until \d\d:\d\d UTC$/m)
  })

  it('with this run as the newest sample it reads one run less', async () => {
    await run(full, { inputs: { value: '120', history: '10' } })
    expect(kinds()).toMatchObject({ redirects: 9, blobs: 9, api: 11, lookups: 0 })
  })

  it('N=10 with the default history reads 30 samples: the cold cost of attribution', async () => {
    const r = await run(full)
    expect(r.outputs.count).toBe('10')
    expect(kinds()).toMatchObject({
      runLists: 1,
      artifactLists: 1,
      redirects: 30,
      blobs: 30,
      api: 32
    })
    expect(r.summary).toContain('history 30 samples')
  })

  it.each([10, 50, 200])(
    'N=%i over a sparse history of 500 runs in a busy repository meets the bound exactly',
    async window => {
      const inputs = { window: String(window), history: String(window), lookback: '500' }
      const r = await run(sparse, { busy: 2, inputs })
      expect(r.outputs.count).toBe(String(window))
      const counted = kinds()
      const bound = requestBound(fake, { window, lookback: 500 })
      expect({ api: counted.api, blobs: counted.blobs }).toEqual(bound)
      expect(counted.lookups).toBe(0)
      expect(counted.distinct).toBe(counted.total)
    }
  )

  it('asks for each listing page only once the page before it was answered', async () => {
    // Offset pages fetched out of order can lose an item at their boundary unseen (page 3
    // answered before an upload at the top, page 2 after it, a deletion lower down keeping
    // total_count): one page after another, such an upload only repeats an item.
    fake.latencyMs = 20
    try {
      const inputs = { window: '50', history: '50', lookback: '500' }
      expect((await run(sparse, { busy: 2, inputs })).outputs.count).toBe('50')
    } finally {
      fake.latencyMs = 0
    }
    for (const listing of [/\/actions\/artifacts\?/, /\/workflows\/[^/]+\/runs/]) {
      const pages = fake.requests.filter(r => listing.test(r.path))
      pages.slice(1).forEach((page, i) => {
        expect(page.at).toBeGreaterThanOrEqual(pages[i].doneAt ?? Infinity)
      })
    }
    expect(fake.requests.filter(r => /\/actions\/artifacts\?/.test(r.path)).length).toBe(4)
  })

  it('filters the repository listing by name when the name holds no run id', async () => {
    const named: RunSpec[] = sparse.map(spec =>
      'value' in spec ? { ...spec, artifact: { name: 'helm-install-duration' } } : spec
    )
    const r = await run(named, {
      busy: 2,
      inputs: { window: '200', lookback: '500', 'artifact-name': 'helm-install-duration' }
    })
    expect(r.outputs.count).toBe('200')
    expect(fake.apiCalls().find(c => c.includes('/actions/artifacts?'))).toContain(
      'name=helm-install-duration'
    )
    const bound = requestBound(fake, {
      window: 200,
      lookback: 500,
      name: 'helm-install-duration'
    })
    expect({ api: kinds().api, blobs: kinds().blobs }).toEqual(bound)
  })

  it('stops at lookback, listing no runs beyond it, and asks no run on its own', async () => {
    const r = await run(
      Array.from({ length: 300 }, () => ({})),
      { inputs: { lookback: '150' } }
    )
    expect(r.outputs.verdict).toBe('insufficient')
    // The repository has no artifacts at all: its one empty page answers for every run.
    expect(kinds()).toMatchObject({ runLists: 2, artifactLists: 1, lookups: 0 })
  })

  it('asks a run that completed within the listing lag on its own, and no other', async () => {
    // The newest run has no artifact in the listing and completed a minute ago: the listing
    // may not show its artifact yet, so its absence proves nothing.
    const justNow = (runs: FakeRun[]) => {
      const recent = new Date(Date.now() - 60_000).toISOString()
      runs[0].created_at = recent
      runs[0].updated_at = recent
    }
    const r = await run([{}, 101, 102, 103], { inputs: { window: '3' }, amend: justNow })
    expect(r.outputs.count).toBe('3')
    expect(kinds()).toMatchObject({ lookups: 1, redirects: 3 })
    expect(fake.apiCalls()).toContain(
      'GET /repos/tracecore/tracecore/actions/runs/9000/artifacts?name=helm-install-duration-9000&per_page=100'
    )
    // Past the margin, the listing alone says that it has none.
    await run([{}, 101, 102, 103], { inputs: { window: '3' } })
    expect(kinds()).toMatchObject({ lookups: 0, redirects: 3 })
  })

  it('measures the listing lag by the API server’s clock, not the runner’s', async () => {
    // The server's clock is an hour behind the runner's: by GitHub's time the newest run
    // completed a minute ago, though the runner's clock makes it an hour and a minute.
    const serverNow = Date.now() - 3_600_000
    const justNow = (runs: FakeRun[]) => {
      const completed = new Date(serverNow - 60_000).toISOString()
      runs[0].created_at = completed
      runs[0].updated_at = completed
    }
    const r = await run([{}, 101, 102, 103], {
      inputs: { window: '3' },
      amend: justNow,
      faults: [oddHeaders(/./, { date: new Date(serverNow).toUTCString() })]
    })
    expect(r.outputs.count).toBe('3')
    expect(kinds()).toMatchObject({ lookups: 1 })
  })

  it('costs at most two requests more than asking each run when other artifacts crowd the listing', async () => {
    const r = await run(sparse.slice(0, 40), {
      busy: 150,
      inputs: { window: '10', history: '10' }
    })
    expect(r.outputs.count).toBe('10')
    const counted = kinds()
    // Asking each run: the runs page, one lookup per counted run examined, one 302 per sample.
    const examined = 16
    const eligible = sparse.slice(0, examined).filter(s => s.conclusion !== 'cancelled').length
    expect(counted.api).toBeLessThanOrEqual(1 + eligible + 10 + 2)
    expect(counted.lookups).toBeGreaterThan(0)
  })
})
