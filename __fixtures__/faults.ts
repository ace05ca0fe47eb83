import type { Answer, FakeGitHub, Fault } from './github-server.js'
import { makeRuns } from './history.js'

/**
 * Fault models of real HTTP and of GitHub's own pagination, for the fake API. Each returns
 * the `Fault`s that make the fake behave so; tests combine them.
 */

/** The repository-wide artifact listing, any page. */
export const REPO_ARTIFACTS = /\/actions\/artifacts\?/

/**
 * The repository-wide artifact listing fails on every try (a 502): the check asks each run's
 * own artifact listing instead, so faults of that listing can be tried.
 */
export const repoListingDown = (): Fault => ({ path: REPO_ARTIFACTS, times: 999, status: 502 })

/** The runs listing, first page or any other. */
export const RUNS = /\/actions\/workflows\/[^/]+\/runs/
export const RUNS_PAGE = (page: number) =>
  new RegExp(`/actions/workflows/[^/]+/runs\\?.*\\bpage=${page}\\b`)

/**
 * A run completes between the requests for pages 1 and 2: the listing grows at the top, so
 * page 2 starts with the run that ended page 1 (GitHub pages by offset).
 */
export function runCompletesBeforePage2(value: number): Fault {
  return {
    path: RUNS_PAGE(2),
    times: 1,
    passThrough: true,
    before: fake => {
      const [newest] = makeRuns([value], Math.max(...fake.runs.map(r => r.id)) + 1)
      fake.runs.push(newest)
    }
  }
}

/**
 * A run of page 1 is re-run between the requests for pages 1 and 2: it leaves the `completed`
 * listing, so page 2 starts one run later and the run that began it is never listed.
 */
export function runRerunBeforePage2(runId: number): Fault {
  return {
    path: RUNS_PAGE(2),
    times: 1,
    passThrough: true,
    before: fake => {
      const run = fake.runs.find(r => r.id === runId)
      if (run) run.status = 'in_progress'
    }
  }
}

/** The connection is reset after the headers (and `bytes` of the body) of a matching answer. */
export function resetAfterHeaders(path: RegExp, times: number, bytes = 0): Fault {
  return { path, times, passThrough: true, resetAfter: bytes }
}

/** A 200 with an empty body, with or without a JSON content type. */
export function emptyBody(path: RegExp, times: number, json = true): Fault {
  return {
    path,
    times,
    status: 200,
    body: '',
    headers: json ? { 'content-type': 'application/json; charset=utf-8' } : {}
  }
}

/** The normal answer padded past `bytes` (a field GitHub does not send, full of spaces). */
export function oversizedBody(path: RegExp, bytes: number): Fault {
  return {
    path,
    times: 99,
    passThrough: true,
    rewrite: answer => ({
      ...answer,
      body: { ...(answer.body as object), padding: ' '.repeat(bytes) }
    })
  }
}

/** A bare 429: no "secondary rate limit" wording, only `retry-after`, when given. */
export function bare429(path: RegExp, times: number, retryAfter?: string): Fault {
  return {
    path,
    times,
    status: 429,
    body: { message: 'Too Many Requests' },
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter }
  }
}

/** The listing's answers carry this `Link` header instead of their own. */
export function linkHeader(path: RegExp, link: (url: URL) => string, times = 99): Fault {
  return {
    path,
    times,
    passThrough: true,
    rewrite: (answer, url) => ({ ...answer, headers: { ...answer.headers, link: link(url) } })
  }
}

/** A `next` link that points back at the page itself. */
export const selfLink = (path: RegExp) => linkHeader(path, url => `<${url.href}>; rel="next"`)

/**
 * Every page names a next page and brings one new run, the next of the history: a listing
 * that never ends before `lookback`.
 */
export function endlessPages(fake: FakeGitHub, path: RegExp): Fault {
  return {
    path,
    times: 9999,
    passThrough: true,
    rewrite: (answer, url) => {
      const page = Number(url.searchParams.get('page') ?? 1)
      const run = [...fake.runs].sort((a, b) => b.id - a.id)[page - 1]
      const next = new URL(url)
      next.searchParams.set('page', String(page + 1))
      return {
        ...answer,
        body: { ...(answer.body as object), workflow_runs: run ? [fake.runJson(run)] : [] },
        headers: { ...answer.headers, link: `<${next.href}>; rel="next"` }
      }
    }
  }
}

/** Headers of every answer replaced by odd values (out of range, not numbers). */
export function oddHeaders(path: RegExp, headers: Record<string, string>): Fault {
  return { path, times: 9999, passThrough: true, headers }
}

/** The answer's status and headers replaced, e.g. a redirect. */
export function redirect(path: RegExp, status: number, location: string, times = 1): Fault {
  return {
    path,
    times,
    passThrough: true,
    rewrite: (answer: Answer) => ({
      status,
      body: '',
      headers: { ...answer.headers, location }
    })
  }
}

/** Requests a second fake (another origin) received, with whether they carried a token. */
export const leakedTo = (other: FakeGitHub) =>
  other.requests.map(r => ({ path: r.path, token: r.authorization !== undefined }))

/**
 * A write that takes effect, then answers 5xx (a gateway that timed out on its way back): the
 * comment or issue exists, and the client was told it failed.
 */
export function tookEffectThen(method: string, path: RegExp, status = 502, times = 1): Fault {
  return {
    method,
    path,
    times,
    passThrough: true,
    rewrite: answer => ({ ...answer, status, body: { message: 'Server Error' } })
  }
}
