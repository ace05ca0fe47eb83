import { createHash } from 'node:crypto'
import { ResponseShapeError, SkipRun, errorName } from '../core/errors.js'
import type { Client } from './client.js'
import { afterRequestsSent, OVER_CAP, readCapped, requestsSent } from './transport.js'
import { listPages } from './listing.js'
import { retrying } from './retrying.js'

/** The whole sample artifact is a few hundred bytes; anything near this is not one. */
export const MAX_ZIP_BYTES = 64 * 1024

export interface Artifact {
  id: number
  name: string
  size_in_bytes: number
  expired: boolean
  digest?: string
}

export interface RepoRef {
  owner: string
  repo: string
}

/** The fields of a listed artifact that the action reads; the id must be a number. */
export interface ListedArtifact extends Artifact {
  workflowRunId?: number
  /** `workflow_run.head_repository_id`, when the listing names it. */
  headRepositoryId?: number
  /** `created_at` in ms since the epoch; NaN when absent or garbled. */
  createdAt: number
}

/** Finds the run's artifact by name; only one whose `workflow_run.id` is that run counts. */
export async function findArtifact(
  client: Client,
  ref: RepoRef,
  runId: number,
  name: string,
  headRepositoryId?: number
): Promise<Artifact> {
  const named: ListedArtifact[] = []
  let untied = false
  for await (const page of listPages(client, {
    route: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts',
    params: { ...ref, run_id: runId, name },
    key: 'artifacts',
    parse: raw => toArtifact(raw, client.serverNow()),
    id: artifact => artifact.id,
    maxItems: 100,
    perPage: 100,
    what: `the artifacts listing of run ${runId}`
  })) {
    named.push(...page.filter(a => a.name === name && a.workflowRunId === runId))
    untied ||= page.some(a => a.name === name && a.workflowRunId === undefined)
  }
  const live = named.find(a => !a.expired)
  if (!live) throw new SkipRun(absenceReason(named.length > 0, untied))
  return usableArtifact(live, headRepositoryId)
}

/** Why a run has no artifact to read: every named one expired, none tied to it, or none. */
export function absenceReason(expired: boolean, untied: boolean): string {
  if (expired) return 'artifact expired'
  // The schema allows `workflow_run: null`; such an artifact cannot be tied to this run.
  return untied
    ? 'artifact names no workflow run (workflow_run is null), so it cannot count for this run'
    : 'no artifact named like the pattern'
}

/**
 * The rules a live artifact of the run must pass before it is downloaded, whichever listing
 * found it: its size, and (where the listing names one) the same head repository as the run.
 */
export function usableArtifact(live: ListedArtifact, headRepositoryId?: number): Artifact {
  if (live.size_in_bytes > MAX_ZIP_BYTES) {
    throw new SkipRun(`artifact is ${live.size_in_bytes} bytes, over the ${MAX_ZIP_BYTES}-byte cap`)
  }
  const both = live.headRepositoryId !== undefined && headRepositoryId !== undefined
  if (both && live.headRepositoryId !== headRepositoryId) {
    throw new SkipRun("artifact's head repository is not the run's")
  }
  return {
    id: live.id,
    name: live.name,
    size_in_bytes: live.size_in_bytes,
    expired: live.expired,
    digest: live.digest
  }
}

/**
 * Checks one untrusted artifact of either listing and keeps the fields the action reads.
 * `now` is the API server's time (`client.serverNow()`): live or expired is judged once, by GitHub's
 * clock, which also decides whether the download answers 410.
 */
export function toArtifact(raw: unknown, now: number): ListedArtifact {
  const a = raw as Partial<
    Record<keyof Artifact | 'workflow_run' | 'created_at' | 'expires_at', unknown>
  > | null
  if (typeof a !== 'object' || a === null || typeof a.id !== 'number')
    throw new ResponseShapeError('an artifact without a numeric id')
  const run = a.workflow_run as { id?: unknown; head_repository_id?: unknown } | null | undefined
  return {
    id: a.id,
    name: typeof a.name === 'string' ? a.name : '',
    size_in_bytes: typeof a.size_in_bytes === 'number' ? a.size_in_bytes : 0,
    // The flag may lag the date: an artifact past its expiry is expired, whichever says so
    // first, so that a check with the cache and one without agree.
    expired: a.expired !== false || Date.parse(String(a.expires_at)) <= now,
    digest: typeof a.digest === 'string' ? a.digest : undefined,
    workflowRunId: typeof run?.id === 'number' ? run.id : undefined,
    headRepositoryId:
      typeof run?.head_repository_id === 'number' ? run.head_repository_id : undefined,
    createdAt: typeof a.created_at === 'string' ? Date.parse(a.created_at) : NaN
  }
}

/**
 * A download that failed on the network or the server's side (reset, cut-off body, timeout,
 * 5xx): retried, and after the retries it fails the check rather than skip the run, since a
 * skipped run slides the window to an older sample.
 */
export class DownloadFault extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'DownloadFault'
  }
}

/**
 * Downloads the artifact's zip into memory. The API answers 302 to a signed URL on another
 * origin: that hop is made without the token, and the URL (a bearer secret) is never logged.
 * A fault on the way is retried with back-off, each time from the API (a fresh signed URL).
 */
export async function downloadArtifact(
  client: Client,
  ref: RepoRef,
  artifact: Artifact,
  onBlobSent?: () => void
): Promise<Buffer> {
  const { retries, retryUnitMs } = client.options
  // The same back-off as Octokit's retry plugin: (attempt + 1)² units.
  return retrying(
    () => downloadOnce(client, ref, artifact, onBlobSent),
    (error, attempt) => {
      if (!(error instanceof DownloadFault)) throw error
      if (attempt >= retries) throw new DownloadFault(`${error.message} after ${retries} retries`)
      return (attempt + 1) ** 2 * retryUnitMs
    }
  )
}

/** `onBlobSent`: called once the blob's request is on the wire (the download's last request). */
async function downloadOnce(
  client: Client,
  ref: RepoRef,
  artifact: Artifact,
  onBlobSent?: () => void
): Promise<Buffer> {
  const response = await client.octokit.request(
    'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
    {
      ...ref,
      artifact_id: artifact.id,
      archive_format: 'zip',
      request: { redirect: 'manual', parseSuccessResponseBody: false }
    }
  )
  const location = response.headers.location
  // Not `instanceof Response`: behind a proxy the fetch is undici's, with its own Response class.
  let stream: ReadableStream<Uint8Array> | null
  if (response.status >= 300 && response.status < 400 && location) {
    await (response.data as unknown as ReadableStream | null)?.cancel()
    const sent = requestsSent()
    const answer = client.fetch(location, {
      redirect: 'follow',
      // The bound of an optional part (the pull request's own samples) holds here too.
      signal: bounded(client.options)
    })
    if (onBlobSent) void afterRequestsSent(sent + 1).then(onBlobSent)
    const blob = await answer.catch(error => {
      throw new DownloadFault(`artifact download failed (${errorName(error)})`)
    })
    if (!blob.ok) {
      await blob.body?.cancel()
      // The blob is gone: a content reason. Anything else (5xx, an expired signature) is a fault.
      if (blob.status === 404 || blob.status === 410)
        throw new SkipRun(`artifact download failed (HTTP ${blob.status})`)
      throw new DownloadFault(`artifact download failed (HTTP ${blob.status})`)
    }
    stream = blob.body
  } else {
    stream = response.data as unknown as ReadableStream<Uint8Array> | null
  }
  const zip = await readDownload(stream, MAX_ZIP_BYTES)
  verifyDigest(zip, artifact.digest)
  return zip
}

/** The download's bytes, capped: an empty or over-cap body skips the run, a broken one is a fault. */
async function readDownload(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number
): Promise<Buffer> {
  if (!stream) throw new SkipRun('artifact download was empty')
  let zip: Buffer | typeof OVER_CAP
  try {
    zip = await readCapped(stream, maxBytes)
  } catch (error) {
    throw new DownloadFault(`artifact download broke off (${errorName(error)})`)
  }
  if (zip === OVER_CAP) throw new SkipRun(`artifact download passed the ${maxBytes}-byte cap`)
  return zip
}

function verifyDigest(zip: Buffer, digest: string | undefined): void {
  if (!digest) return
  const [algorithm, expected] = digest.split(':')
  if (algorithm !== 'sha256' || !expected) return
  const actual = createHash('sha256').update(zip).digest('hex')
  if (actual !== expected.toLowerCase()) throw new SkipRun('digest mismatch')
}

/** Each attempt's deadline, and the caller's bound when it has one. */
function bounded(options: { timeoutMs: number; signal?: AbortSignal }): AbortSignal {
  const attempt = AbortSignal.timeout(options.timeoutMs)
  return options.signal ? AbortSignal.any([options.signal, attempt]) : attempt
}
