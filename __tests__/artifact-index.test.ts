import { describe, expect, it } from '@jest/globals'
import { useFakeClient } from '../__fixtures__/fake-client.js'
import { FakeGitHub, type Answer, type FakeRun } from '../__fixtures__/github-server.js'
import { makeRuns, otherWorkflowRuns, type RunSpec } from '../__fixtures__/history.js'
import { sampleZip } from '../__fixtures__/zip.js'
import { ArtifactIndex, LISTING_LAG_MS, type IndexedRun } from '../src/github/artifact-index.js'
import type { Client } from '../src/github/client.js'

/**
 * The join of runs to the repository-wide artifact listing, in process against the fake API
 * over real HTTP: what it may conclude from the listing alone, and when it must say "ask the
 * run" (undefined) instead.
 */

const fake = new FakeGitHub()
let client: Client
const NOW = Date.UTC(2026, 11, 1)
const TEMPLATE = 'helm-install-duration-{run_id}'

useFakeClient(fake, 1, c => (client = c))

function indexOf(runs: FakeRun[], template = TEMPLATE, lookback = 50): ArtifactIndex {
  fake.runs = runs
  return new ArtifactIndex(client, {
    ref: { owner: fake.owner, repo: fake.repo },
    template,
    lookback,
    now: () => NOW
  })
}

const asRun = (run: FakeRun): IndexedRun => ({
  id: run.id,
  created_at: run.created_at,
  updated_at: run.updated_at ?? run.created_at,
  head_repository: { id: run.head === 'fork' ? 9999 : fake.repoId }
})

const listings = () => fake.apiCalls().filter(c => c.includes('/actions/artifacts?')).length
const resolveAll = (index: ArtifactIndex, runs: FakeRun[]) =>
  Promise.all(runs.map(run => index.resolve(asRun(run))))

describe('the repository-wide artifact listing joined to runs', () => {
  it('finds each run’s artifact by run id and name among other workflows’ artifacts', async () => {
    const ours = makeRuns([101, 102, {}, 104])
    const index = indexOf([...ours, ...otherWorkflowRuns(ours, 3)])
    const [a, b, none, d] = await resolveAll(index, ours)
    expect(a).toEqual({
      value: expect.objectContaining({ id: 90000, name: 'helm-install-duration-9000' })
    })
    expect(b).toEqual({ value: expect.objectContaining({ id: 89990 }) })
    expect(none).toEqual({ reason: 'no artifact named like the pattern' })
    expect(d).toEqual({ value: expect.objectContaining({ id: 89970 }) })
    expect(listings()).toBe(1)
  })

  it('never takes an artifact named for the run but tied to another run', async () => {
    const specs: (RunSpec | number)[] = [{ value: 1, artifact: { workflowRunId: 4242 } }, 2]
    const [run, older] = makeRuns(specs)
    const [result] = await resolveAll(indexOf([run, older]), [run])
    expect(result).toEqual({ reason: 'no artifact named like the pattern' })
  })

  it('names an artifact whose workflow_run is null, expired ones, and oversized ones', async () => {
    const runs = makeRuns([
      { value: 1, artifact: { workflowRunId: null } },
      { value: 2, artifact: { expired: true } },
      { value: 3, artifact: { sizeInBytes: 1 << 20 } },
      4
    ])
    const [untied, expired, big] = await resolveAll(indexOf(runs), runs.slice(0, 3))
    expect(untied).toEqual({ reason: expect.stringMatching(/workflow_run is null/) })
    expect(expired).toEqual({ reason: 'artifact expired' })
    expect(big).toEqual({ reason: expect.stringMatching(/over the 65536-byte cap/) })
  })

  it('refuses an artifact whose head repository is not the run’s', async () => {
    const [run, older] = makeRuns([{ value: 1, head: 'fork' }, 2])
    const index = indexOf([run, older])
    const result = await index.resolve({ ...asRun(run), head_repository: { id: fake.repoId } })
    expect(result).toEqual({ reason: "artifact's head repository is not the run's" })
  })

  it('cannot tell about a run that completed within the lag, unless its artifact is listed', async () => {
    const runs = makeRuns([{}, 5, 6])
    const recent = new Date(NOW - LISTING_LAG_MS / 2).toISOString()
    runs[0].updated_at = recent
    runs[1].updated_at = recent
    const [missing, found] = await resolveAll(indexOf(runs), runs.slice(0, 2))
    expect(missing).toBeUndefined()
    expect(found).toEqual({ value: expect.objectContaining({ id: 89990 }) })
  })

  it('reads the listing to its end for the oldest run, then knows it has none', async () => {
    const runs = makeRuns([1, 2, {}])
    const [, , oldest] = await resolveAll(indexOf(runs), runs)
    expect(oldest).toEqual({ reason: 'no artifact named like the pattern' })
    expect(listings()).toBe(1)
  })

  it('trusts no absence once the listing is out of time order', async () => {
    const runs = makeRuns([1, {}, 3, 4])
    // Oldest first: an artifact listed after an older one by more than the slack proves the
    // listing is not newest first, so a run missing from it may simply not be reached yet.
    const reversed = {
      path: /\/actions\/artifacts\?/,
      times: 1,
      passThrough: true,
      rewrite: (answer: Answer) => {
        const body = answer.body as { artifacts: unknown[] }
        return { ...answer, body: { ...body, artifacts: [...body.artifacts].reverse() } }
      }
    }
    const index = indexOf(runs)
    fake.faults = [reversed]
    const [found, missing] = await resolveAll(index, runs.slice(0, 2))
    expect(found).toEqual({ value: expect.objectContaining({ id: 90000 }) })
    expect(missing).toBeUndefined()
  })

  it('reads a page only while a run waits on it', async () => {
    const ours = makeRuns(Array.from({ length: 120 }, (_, i) => i + 1))
    const index = indexOf(ours, TEMPLATE, 200)
    await index.resolve(asRun(ours[0]))
    expect(listings()).toBe(1)
    await index.resolve(asRun(ours[110]))
    expect(listings()).toBe(2)
  })

  it('stops reading a listing crowded with other artifacts once it no longer pays', async () => {
    const ours = makeRuns([{}, {}, {}, 1])
    const index = indexOf([...ours, ...otherWorkflowRuns(ours, 400)], TEMPLATE, 50)
    const results = await resolveAll(index, ours)
    // Three pages answered no run (two, and the one that would confirm the order): the fourth
    // is not read, and the runs are asked on their own.
    expect(listings()).toBe(3)
    expect(results).toEqual([undefined, undefined, undefined, undefined])
  })

  it('filters by name when the name holds no run id', async () => {
    const runs = makeRuns([
      { value: 1, artifact: { name: 'timing' } },
      { value: 2, artifact: { name: 'timing' } }
    ])
    const [first] = await resolveAll(indexOf(runs, 'timing'), runs.slice(0, 1))
    expect(first).toEqual({ value: expect.objectContaining({ id: 90000, name: 'timing' }) })
    expect(fake.apiCalls()[0]).toContain('name=timing')
  })

  it('falls back to each run on a listing that keeps failing, and fails on a refused token', async () => {
    const runs = makeRuns([1, 2])
    fake.faults = [{ path: /\/actions\/artifacts\?/, times: 9, status: 502 }]
    expect(await resolveAll(indexOf(runs), runs)).toEqual([undefined, undefined])
    fake.faults = [
      {
        path: /\/actions\/artifacts\?/,
        times: 9,
        status: 401,
        body: { message: 'Bad credentials' }
      }
    ]
    await expect(indexOf(runs).resolve(asRun(runs[0]))).rejects.toThrow(
      /^Listing the artifacts of the repository: the token was refused/
    )
  })

  it('holds a run’s artifacts uploaded out of order by other workflows', async () => {
    const ours = makeRuns([1, 2])
    const other = otherWorkflowRuns(ours, 1)
    other[0].artifacts.push({ name: 'late', zip: sampleZip('x') })
    const results = await resolveAll(indexOf([...ours, ...other]), ours)
    expect(results.map(r => (r && 'value' in r ? r.value.id : r))).toEqual([90000, 89990])
  })
})

describe('the listing’s word on absence, tried as an adversary would', () => {
  const hundredFifty = () => makeRuns(Array.from({ length: 150 }, (_, i) => i + 1))
  const wronglySkipped = (
    runs: FakeRun[],
    results: Awaited<ReturnType<ArtifactIndex['resolve']>>[],
    gone: number[] = []
  ) => runs.filter((run, i) => !gone.includes(run.id) && results[i] && 'reason' in results[i])

  it('allows for the order slack before concluding absence across a page boundary', async () => {
    const ours = makeRuns([1, 2])
    const t1 = Date.parse(ours[1].created_at)
    const at = (ms: number) => new Date(ms).toISOString()
    // Run 8999's artifact was uploaded 10 s after the run began; another workflow's artifact,
    // dated 20 s before the run began, is listed ahead of it, ending page 1: 30 s out of
    // order, within the slack.
    ours[1].artifacts[0].createdAt = at(t1 + 10_000)
    const other: FakeRun = {
      ...ours[1],
      id: 500_000,
      workflow: 'lint.yml',
      artifacts: [
        ...Array.from({ length: 98 }, (_, k) => ({
          name: `f${k}`,
          zip: sampleZip('x'),
          createdAt: at(t1 + 60_000 + k)
        })),
        { name: 'early', zip: sampleZip('x'), createdAt: at(t1 + 20_000) }
      ]
    }
    const index = indexOf([...ours, other])
    fake.faults = [
      {
        path: /\/actions\/artifacts\?/,
        times: 9,
        passThrough: true,
        rewrite: (answer: Answer) => {
          const body = answer.body as { artifacts: { name: string; created_at: string }[] }
          for (const a of body.artifacts) if (a.name === 'early') a.created_at = at(t1 - 20_000)
          return answer
        }
      }
    ]
    const [, second] = await resolveAll(index, ours)
    expect(second).toEqual({ value: expect.objectContaining({ id: 89990 }) })
  })

  it('concludes absence only once the next page confirms the order (a long upload ends page 1)', async () => {
    // A long upload is listed where it finished, with the created_at of when it started: as
    // the last item of page 1 it looks as if the listing had passed every run after it.
    const runs = makeRuns(Array.from({ length: 120 }, (_, i) => i + 1))
    const at = (run: FakeRun, ms: number) => new Date(Date.parse(run.created_at) + ms).toISOString()
    const long: FakeRun = {
      ...runs[99],
      id: 500_000,
      workflow: 'nightly.yml',
      artifacts: [
        {
          name: 'long-upload',
          zip: sampleZip('x'),
          createdAt: at(runs[119], -3_600_000),
          finishedAt: at(runs[99], 1_000)
        }
      ]
    }
    const index = indexOf([...runs, long], TEMPLATE, 200)
    const results = await resolveAll(index, runs)
    expect(wronglySkipped(runs, results).map(run => run.id)).toEqual([])
    expect(results.every(r => r && 'value' in r)).toBe(true)
  })

  it('reads one page more than the order needed to confirm an absence, no more', async () => {
    const specs = Array.from({ length: 250 }, (_, i) => (i === 50 ? {} : i + 1))
    const runs = makeRuns(specs)
    const index = indexOf(runs, TEMPLATE, 300)
    // Page 1 already passes run 8950 (no artifact); page 2 confirms the order past it.
    expect(await index.resolve(asRun(runs[50]))).toEqual({
      reason: 'no artifact named like the pattern'
    })
    expect(listings()).toBe(2)
  })

  it('is not complete on a last page while total_count promises more', async () => {
    const runs = hundredFifty()
    const index = indexOf(runs, TEMPLATE, 200)
    fake.faults = [
      {
        path: /\/actions\/artifacts\?/,
        times: 1,
        passThrough: true,
        rewrite: (answer: Answer) => {
          const headers = { ...answer.headers }
          delete headers.link
          return { ...answer, headers }
        }
      }
    ]
    expect(wronglySkipped(runs, await resolveAll(index, runs))).toEqual([])
  })

  it('is not complete at an empty page in the middle', async () => {
    const runs = hundredFifty()
    const index = indexOf(runs, TEMPLATE, 200)
    fake.faults = [
      {
        path: /\/actions\/artifacts\?.*\bpage=2\b/,
        times: 1,
        passThrough: true,
        rewrite: (answer: Answer) => ({
          ...answer,
          body: { ...(answer.body as object), artifacts: [] }
        })
      }
    ]
    expect(wronglySkipped(runs, await resolveAll(index, runs))).toEqual([])
  })

  it('trusts no absence once the listing shrinks again while it is read a second time', async () => {
    const runs = hundredFifty()
    const index = indexOf(runs, TEMPLATE, 200)
    const drop = (id: number) => (f: FakeGitHub) => {
      const run = f.runs.find(r => r.id === id)
      if (run) run.artifacts = []
    }
    // Each deletion above the offset pulls one artifact past the page boundary unread.
    const page2 = /\/actions\/artifacts\?.*\bpage=2\b/
    fake.faults = [
      { path: page2, times: 1, passThrough: true, before: drop(8990) },
      { path: page2, times: 1, passThrough: true, before: drop(8980) }
    ]
    const results = await resolveAll(index, runs)
    expect(wronglySkipped(runs, results, [8990, 8980])).toEqual([])
  })
})
