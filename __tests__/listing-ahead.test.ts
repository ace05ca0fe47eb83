import { describe, expect, it } from '@jest/globals'
import { useFakeClient } from '../__fixtures__/fake-client.js'
import { linkHeader } from '../__fixtures__/faults.js'
import { FakeGitHub, type FakeRun, type RequestRecord } from '../__fixtures__/github-server.js'
import { busyHistory, makeRuns } from '../__fixtures__/history.js'
import {
  ArtifactIndex,
  likelyPages,
  ORDER_SLACK_MS,
  type IndexedRun,
  type PagesSeen
} from '../src/github/artifact-index.js'
import { toArtifact } from '../src/github/artifacts.js'
import type { Client } from '../src/github/client.js'
import { listPages, pageLink, type Listing } from '../src/github/listing.js'

/**
 * Reading a listing's pages ahead (issue 33) changes when a page is asked for, never what the
 * listing yields or what the index concludes: each case reads the same history, under the
 * same server behaviour, one page at a time and ahead, and compares.
 */

const fake = new FakeGitHub({ latencyMs: 20 })
let client: Client
useFakeClient(fake, 1, c => (client = c))

const ARTIFACTS = /\/actions\/artifacts\?/
const NOW = Date.UTC(2026, 11, 1)

function artifactListing(ahead?: () => number): Listing<ReturnType<typeof toArtifact>> {
  return {
    route: 'GET /repos/{owner}/{repo}/actions/artifacts',
    params: { owner: fake.owner, repo: fake.repo },
    key: 'artifacts',
    parse: raw => toArtifact(raw, NOW),
    id: artifact => artifact.id,
    maxItems: 1000,
    perPage: 100,
    what: 'the repository artifacts listing',
    onUnstable: () => undefined,
    ahead
  }
}

async function readAll(ahead?: () => number, stopAfter = Infinity): Promise<number[]> {
  const ids: number[] = []
  let pages = 0
  for await (const page of listPages(client, artifactListing(ahead))) {
    ids.push(...page.map(a => a.id))
    if (++pages >= stopAfter) break
  }
  return ids
}

const listingCalls = (): RequestRecord[] => fake.requests.filter(r => ARTIFACTS.test(r.path))

/** Rounds of listing requests: a request that arrived before any of its round was answered joins it. */
function rounds(calls: RequestRecord[]): number {
  let count = 0
  let answered = -Infinity
  for (const call of [...calls].sort((a, b) => a.at - b.at)) {
    if (call.at >= answered) {
      count++
      answered = Infinity
    }
    answered = Math.min(answered, call.doneAt ?? Infinity)
  }
  return count
}

/** `runs` runs of one artifact each: `runs / 100` pages, rounded up. */
const history = (runs: number): FakeRun[] => makeRuns(Array.from({ length: runs }, (_, i) => i + 1))

describe('pages read ahead', () => {
  it('yields what one page at a time yields, with the same requests, in fewer rounds', async () => {
    fake.runs = history(450)
    const plain = await readAll()
    const plainCalls = listingCalls()
    fake.requests.length = 0
    const ahead = await readAll(() => 3)
    expect(ahead).toEqual(plain)
    expect(new Set(ahead).size).toBe(450)
    expect(listingCalls().map(r => r.path)).toEqual(plainCalls.map(r => r.path))
    expect(rounds(plainCalls)).toBe(5)
    // Page 1, then pages 2-5 together (page 2 asks for 3 more).
    expect(rounds(listingCalls())).toBe(2)
  })

  it('never asks past the last page its links name, however many it is told to expect', async () => {
    fake.runs = history(250)
    expect(await readAll(() => 50)).toHaveLength(250)
    expect(listingCalls()).toHaveLength(3)
  })

  it('starts again from page 1 when the listing grows under pages read ahead: nothing twice, nothing lost', async () => {
    fake.runs = history(450)
    const before = await readAll()
    fake.requests.length = 0
    // Two artifacts appear just before page 3 is answered: pages 3-5, read ahead, shift down.
    fake.faults = [
      {
        path: /\/actions\/artifacts\?.*\bpage=3\b/,
        times: 1,
        passThrough: true,
        before: f => f.runs.unshift(...makeRuns([1, 2], Math.max(...f.runs.map(r => r.id)) + 2))
      }
    ]
    const ahead = await readAll(() => 3)
    expect(new Set(ahead).size).toBe(ahead.length)
    // Every artifact there was when the listing began is read; the two newcomers are left out.
    expect([...ahead].sort()).toEqual([...before].sort())
  })

  it('starts again when the listing shrinks under pages read ahead, and loses no artifact', async () => {
    fake.runs = history(450)
    const removed = fake.runs[10].id
    fake.faults = [
      {
        path: /\/actions\/artifacts\?.*\bpage=4\b/,
        times: 1,
        passThrough: true,
        before: f => (f.runs = f.runs.filter(r => r.id !== removed))
      }
    ]
    const ahead = await readAll(() => 3)
    const left = fake.runs.map(r => fake.artifactId(r, 0))
    expect(new Set(ahead).size).toBe(ahead.length)
    for (const id of left) expect(ahead).toContain(id)
  })

  it('reads afresh after a restart, never a page read ahead before the listing changed', async () => {
    fake.runs = history(450)
    const before = await readAll()
    fake.requests.length = 0
    const page = (n: string) => new RegExp(`/actions/artifacts\\?.*\\bpage=${n}\\b`)
    fake.faults = [
      // Pages 3-5 are answered first, then two artifacts appear, then page 2 is answered:
      // page 2 shows the change and the listing starts again; pages 3-5 are from before it.
      {
        path: page('2'),
        times: 1,
        passThrough: true,
        holdUntil: { path: page('[345]'), answered: 3 }
      },
      {
        path: page('[345]'),
        times: 3,
        passThrough: true,
        rewrite: answer => {
          if (fake.requests.filter(r => page('[345]').test(r.path) && r.doneAt).length === 2)
            fake.runs.unshift(...makeRuns([1, 2], Math.max(...fake.runs.map(r => r.id)) + 2))
          return answer
        }
      }
    ]
    const ahead = await readAll(() => 3)
    expect(new Set(ahead).size).toBe(ahead.length)
    expect([...ahead].sort()).toEqual([...before].sort())
  })

  it('takes a page read ahead only for the very link GitHub names next', async () => {
    fake.runs = history(450)
    // Page 2 names page 3 at 50 a page: a page the action did not guess.
    const odd = () =>
      linkHeader(/\/actions\/artifacts\?.*\bpage=2\b/, url => {
        const next = new URL(url)
        next.searchParams.set('per_page', '50')
        next.searchParams.set('page', '3')
        return `<${next.href}>; rel="next", <${next.href.replace('page=3', 'page=9')}>; rel="last"`
      })
    fake.faults = [odd()]
    const plain = await readAll()
    fake.faults = [odd()]
    expect(await readAll(() => 3)).toEqual(plain)
  })

  it('reads no page ahead when the links do not number pages (a cursor), and still reads them all', async () => {
    fake.runs = history(250)
    fake.faults = [
      linkHeader(ARTIFACTS, url => {
        const page = Number(url.searchParams.get('page') ?? 1)
        if (page >= 3) return ''
        const next = new URL(url)
        next.searchParams.set('page', String(page + 1))
        // A link that names its page twice: one the action will not rewrite.
        const link = `${next.href}&page=${page + 1}`
        return `<${link}>; rel="next", <${link.replace(/page=\d+/g, 'page=3')}>; rel="last"`
      })
    ]
    const ids = await readAll(() => 3)
    expect(new Set(ids).size).toBe(250)
    expect(rounds(listingCalls())).toBe(listingCalls().length)
  })

  it('leaves pages read ahead but never needed, even failing ones, without an unhandled rejection', async () => {
    fake.runs = history(450)
    fake.faults = [{ path: /\/actions\/artifacts\?.*\bpage=[345]\b/, times: 99, status: 500 }]
    const rejected: unknown[] = []
    const onRejection = (reason: unknown) => rejected.push(reason)
    process.on('unhandledRejection', onRejection)
    try {
      const ids = await readAll(() => 3, 2)
      expect(ids).toHaveLength(200)
      // Let the failing pages' answers (and retries) arrive.
      await new Promise(resolve => setTimeout(resolve, 300))
    } finally {
      process.off('unhandledRejection', onRejection)
    }
    expect(rejected).toEqual([])
  })

  it('fails as one page at a time fails when a page read ahead is needed and keeps failing', async () => {
    fake.runs = history(450)
    fake.faults = [{ path: /\/actions\/artifacts\?.*\bpage=3\b/, times: 99, status: 500 }]
    await expect(readAll(() => 3)).rejects.toThrow(/500|Injected fault/)
  })
})

describe('pageLink', () => {
  it('points a numbered link at a later page, keeping the rest as written', () => {
    const link =
      'https://api.github.com/repositories/1/actions/artifacts?name=a%2Cb&per_page=100&page=2'
    expect(pageLink(link, 2, 5)).toBe(
      'https://api.github.com/repositories/1/actions/artifacts?name=a%2Cb&per_page=100&page=5'
    )
  })

  it('refuses a link that does not name that page once', () => {
    const base = 'https://api.github.com/x'
    expect(pageLink(`${base}?per_page=100`, 2, 3)).toBeUndefined()
    expect(pageLink(`${base}?page=3`, 2, 3)).toBeUndefined()
    expect(pageLink(`${base}?page=2&page=2`, 2, 3)).toBeUndefined()
    expect(pageLink(`${base}?subpage=2`, 2, 3)).toBeUndefined()
    expect(pageLink(`${base}?page=2#frag`, 2, 3)).toBeUndefined()
    expect(pageLink(`${base}?page=22`, 2, 3)).toBeUndefined()
  })
})

describe('likelyPages', () => {
  const HOUR = 3_600_000
  // Runs an hour apart, 3 of every 4 with a sample; 3 artifacts of all workflows an hour.
  const seen = (asked: number, pagesRead: number, wanted: number): PagesSeen => {
    const newest = Date.UTC(2026, 10, 1)
    const read = pagesRead * 100
    const oldest = newest - ((read - 1) / 3) * HOUR
    return {
      wanted,
      runs: Array.from({ length: asked }, (_, i) => ({
        created: newest - i * HOUR - 60_000,
        listed: newest - i * HOUR - 60_000 > oldest + ORDER_SLACK_MS && i % 4 !== 3
      })),
      newest,
      oldest,
      read,
      perPage: 100
    }
  }

  it('counts the pages that hold the samples wanted, and one to confirm an absence', () => {
    // 50 samples need about 67 runs, 200 artifacts: 2 pages, then the one that confirms.
    expect(likelyPages(seen(50, 1, 50))).toBe(3)
    // 10 samples need 14 runs, 40 artifacts: page 1, then its confirmation.
    expect(likelyPages(seen(10, 1, 10))).toBe(2)
  })

  it('adds no confirming page when every run there has its sample', () => {
    const all = seen(50, 1, 50)
    const every = { ...all, runs: all.runs.map(run => ({ ...run, listed: true })) }
    // Every run within the page has its sample, those beyond it are not yet read.
    expect(likelyPages({ ...every, runs: every.runs.slice(0, 33) })).toBe(2)
  })

  it('says nothing from too little: under 3 runs within the pages, none listed, or odd times', () => {
    expect(likelyPages(seen(2, 1, 50))).toBeUndefined()
    const none = seen(50, 1, 50)
    expect(
      likelyPages({ ...none, runs: none.runs.map(run => ({ ...run, listed: false })) })
    ).toBeUndefined()
    expect(likelyPages({ ...none, runs: [...none.runs, { created: NaN, listed: false }] })).toBe(
      undefined
    )
    expect(likelyPages({ ...none, oldest: none.newest })).toBeUndefined()
  })
})

describe('the artifact index reading ahead', () => {
  const TEMPLATE = 'helm-install-duration-{run_id}'
  const asRun = (run: FakeRun): IndexedRun => ({
    id: run.id,
    created_at: run.created_at,
    updated_at: run.updated_at ?? run.created_at,
    head_repository: { id: fake.repoId }
  })

  /** The newest 67 runs that count, asked at once: about what 50 samples need here. */
  async function collect(wanted: number | undefined, runs: FakeRun[]): Promise<unknown[]> {
    const index = new ArtifactIndex(client, {
      ref: { owner: fake.owner, repo: fake.repo },
      template: TEMPLATE,
      lookback: 500,
      wanted,
      now: () => NOW
    })
    const eligible = runs.filter(run => !run.workflow && run.conclusion !== 'cancelled')
    return Promise.all(eligible.slice(0, 67).map(run => index.resolve(asRun(run))))
  }

  it('concludes the same for every run and makes the same requests as one page at a time', async () => {
    const runs = busyHistory()
    fake.runs = runs
    const plain = await collect(undefined, runs)
    const plainCalls = listingCalls()
    fake.requests.length = 0
    const ahead = await collect(50, runs)
    expect(ahead).toEqual(plain)
    expect(listingCalls().length).toBe(plainCalls.length)
    expect(rounds(listingCalls())).toBeLessThan(rounds(plainCalls))
  })
})
