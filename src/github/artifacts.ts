import { createHash } from 'node:crypto'
import { SkipRun, errorName } from '../errors.js'
import { pickFetch, type Client } from './client.js'

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

/** Finds the run's artifact by name; only one whose `workflow_run.id` is that run counts. */
export async function findArtifact(
  client: Client,
  ref: RepoRef,
  runId: number,
  name: string
): Promise<Artifact> {
  const { data } = await client.rest.actions.listWorkflowRunArtifacts({
    ...ref,
    run_id: runId,
    name,
    per_page: 100
  })
  if (!Array.isArray(data?.artifacts))
    throw new SkipRun('the artifacts listing is not the expected JSON')
  const named = data.artifacts.filter(a => a.name === name && a.workflow_run?.id === runId)
  const live = named.find(a => !a.expired)
  if (!live) {
    if (named.length) throw new SkipRun('artifact expired')
    // The schema allows `workflow_run: null`; such an artifact cannot be tied to this run.
    const untied = data.artifacts.some(a => a.name === name && !a.workflow_run)
    throw new SkipRun(
      untied
        ? 'artifact names no workflow run (workflow_run is null), so it cannot count for this run'
        : 'no artifact named like the pattern'
    )
  }
  if (typeof live.size_in_bytes === 'number' && live.size_in_bytes > MAX_ZIP_BYTES) {
    throw new SkipRun(`artifact is ${live.size_in_bytes} bytes, over the ${MAX_ZIP_BYTES}-byte cap`)
  }
  return {
    id: live.id,
    name: live.name,
    size_in_bytes: live.size_in_bytes,
    expired: live.expired,
    digest: typeof live.digest === 'string' ? live.digest : undefined
  }
}

/**
 * Downloads the artifact's zip into memory. The API answers 302 to a signed URL on another
 * origin: that hop is made without the token, and the URL (a bearer secret) is never logged.
 */
export async function downloadArtifact(
  client: Client,
  ref: RepoRef,
  artifact: Artifact,
  timeoutMs: number
): Promise<Buffer> {
  const response = await client.request(
    'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
    {
      ...ref,
      artifact_id: artifact.id,
      archive_format: 'zip',
      request: { redirect: 'manual', parseSuccessResponseBody: false }
    }
  )
  const location = response.headers.location
  let body: Response | ReadableStream<Uint8Array> | null
  if (response.status >= 300 && response.status < 400 && location) {
    await (response.data as unknown as ReadableStream | null)?.cancel()
    body = await pickFetch()(location, {
      redirect: 'follow',
      signal: AbortSignal.timeout(timeoutMs)
    }).catch(error => {
      throw new SkipRun(`artifact download failed (${errorName(error)})`)
    })
    if (!body.ok) {
      await body.body?.cancel()
      throw new SkipRun(`artifact download failed (HTTP ${body.status})`)
    }
  } else {
    body = response.data as unknown as ReadableStream<Uint8Array> | null
  }
  const zip = await readCapped(body instanceof Response ? body.body : body, MAX_ZIP_BYTES)
  verifyDigest(zip, artifact.digest)
  return zip
}

async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  maxBytes: number
): Promise<Buffer> {
  if (!stream) throw new SkipRun('artifact download was empty')
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      total += value.length
      if (total > maxBytes) {
        await reader.cancel()
        throw new SkipRun(`artifact download passed the ${maxBytes}-byte cap`)
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof SkipRun) throw error
    throw new SkipRun(`artifact download broke off (${errorName(error)})`)
  }
  return Buffer.concat(chunks)
}

function verifyDigest(zip: Buffer, digest: string | undefined): void {
  if (!digest) return
  const [algorithm, expected] = digest.split(':')
  if (algorithm !== 'sha256' || !expected) return
  const actual = createHash('sha256').update(zip).digest('hex')
  if (actual !== expected.toLowerCase()) throw new SkipRun('digest mismatch')
}
