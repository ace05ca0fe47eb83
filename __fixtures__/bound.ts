import type { FakeGitHub, FakeRun } from './github-server.js'

export interface Bound {
  /** REST API requests: listing pages and one artifact download (its 302) per sample read. */
  api: number
  /** Blob downloads: one per sample read. */
  blobs: number
}

export interface BoundQuery {
  window: number
  lookback: number
  /** Samples already known (the cache): counted, but not downloaded. */
  known?: (run: FakeRun) => boolean
  /** The artifact name's listing filter, when the name holds no run id. */
  name?: string
}

const COUNTED = new Set(['success', 'failure'])

/**
 * The fewest requests any reader needs to find `window` samples in the fake's history when
 * every run is settled: the runs listing's pages (lookback of them at most, 100 a page), the
 * repository-wide artifact listing's pages down to the first artifact older than the oldest
 * run that needs one (and one page past a run without one, confirming the order), and a 302
 * plus a blob per sample not already known. A model of GitHub's
 * listings, written apart from the action, so the end-to-end tests can hold it to it.
 */
export function requestBound(fake: FakeGitHub, query: BoundQuery): Bound {
  const perPage = Math.min(100, query.lookback)
  const ours = fake.runs
    .filter(r => (r.workflow ?? fake.workflow) === fake.workflow)
    .filter(r => r.status === 'completed' && r.head_branch === fake.defaultBranch)
    .sort((a, b) => b.id - a.id)
    .slice(0, query.lookback)
  let examined = 0
  let samples = 0
  let downloads = 0
  const counted: FakeRun[] = []
  for (const run of ours) {
    if (samples >= query.window) break
    examined++
    if (!COUNTED.has(run.conclusion ?? '')) continue
    counted.push(run)
    const artifact = run.artifacts.find(a => a.name === nameOf(run, query))
    if (!artifact) continue
    samples++
    if (!query.known?.(run)) downloads++
  }
  const runPages = Math.max(1, Math.ceil(examined / perPage))
  return { api: runPages + artifactPages(fake, counted, query) + downloads, blobs: downloads }
}

const nameOf = (run: FakeRun, query: BoundQuery) => query.name ?? `helm-install-duration-${run.id}`

/**
 * Pages of the repository listing (in listing order, newest first) that the counted runs
 * need: down to an artifact older than the oldest of them; and for a run with no artifact,
 * one page more than the one that passes it, which confirms the order past it.
 */
function artifactPages(fake: FakeGitHub, counted: FakeRun[], query: BoundQuery): number {
  const listed = fake.runs
    .flatMap(run =>
      run.artifacts.map(a => ({
        ...a,
        at: Date.parse(a.createdAt ?? run.created_at),
        listedAt: Date.parse(a.finishedAt ?? a.createdAt ?? run.created_at)
      }))
    )
    .filter(a => !query.name || a.name === query.name)
    .sort((a, b) => b.listedAt - a.listedAt)
  const oldest = counted.at(-1)
  if (!oldest) return 1
  const total = Math.max(1, Math.ceil(listed.length / 100))
  const pageOf = (index: number) => (index === -1 ? total : Math.ceil((index + 1) / 100))
  const past = (run: FakeRun) => listed.findIndex(a => a.at < Date.parse(run.created_at))
  let pages = pageOf(past(oldest))
  for (const run of counted) {
    if (run.artifacts.some(a => a.name === nameOf(run, query))) continue
    pages = Math.max(pages, Math.min(total, pageOf(past(run)) + 1))
  }
  return pages
}
