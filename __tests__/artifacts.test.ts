/**
 * A run's own artifact listing and the bounded, verified download, in process against the
 * fake API over real HTTP (the end-to-end suites reach them only through dist/).
 */
import { randomBytes } from 'node:crypto'
import { inspect } from 'node:util'
import { describe, expect, it } from '@jest/globals'
import { useFakeClient } from '../__fixtures__/fake-client.js'
import { FakeGitHub } from '../__fixtures__/github-server.js'
import { makeRuns } from '../__fixtures__/history.js'
import { SkipRun } from '../src/core/errors.js'
import {
  DownloadFault,
  MAX_ZIP_BYTES,
  downloadArtifact,
  findArtifact
} from '../src/github/artifacts.js'
import type { Client } from '../src/github/client.js'

const fake = new FakeGitHub()
let client: Client
const ref = () => ({ owner: fake.owner, repo: fake.repo })
const nameOf = (id: number) => `helm-install-duration-${id}`

useFakeClient(fake, 2, c => (client = c))

describe('findArtifact and downloadArtifact', () => {
  it('finds the run’s artifact by name and downloads its zip without the token', async () => {
    fake.runs = makeRuns([120])
    const [run] = fake.runs
    const artifact = await findArtifact(client, ref(), run.id, nameOf(run.id))
    expect(artifact).toMatchObject({ name: nameOf(run.id), expired: false })
    const zip = await downloadArtifact(client, ref(), artifact)
    expect(zip.equals(run.artifacts[0].zip)).toBe(true)
    // The fake answers 400 to a blob request that carries the token; a 200 means none was sent.
    expect(fake.requests.filter(r => r.path.startsWith('/blob/'))).toHaveLength(1)
  })

  it('says when the blob request is on the wire, once, before its answer', async () => {
    fake.runs = makeRuns([120])
    const [run] = fake.runs
    const artifact = await findArtifact(client, ref(), run.id, nameOf(run.id))
    fake.faults = [{ path: /^\/blob\//, times: 1, passThrough: true, delayMs: 300 }]
    const seen: { zipAsked: boolean; blobAnswered: boolean }[] = []
    const zip = await downloadArtifact(client, ref(), artifact, () =>
      seen.push({
        zipAsked: fake.requests.some(r => /\/zip$/.test(r.path)),
        blobAnswered: fake.requests.some(r => r.path.startsWith('/blob/') && r.doneAt)
      })
    )
    expect(seen).toEqual([{ zipAsked: true, blobAnswered: false }])
    expect(zip.equals(run.artifacts[0].zip)).toBe(true)
  })

  it('skips a run with no artifact of that name, or only an expired one', async () => {
    fake.runs = makeRuns([{}, { value: 5, artifact: { expired: true } }])
    const [none, expired] = fake.runs
    await expect(findArtifact(client, ref(), none.id, nameOf(none.id))).rejects.toThrow(
      new SkipRun('no artifact named like the pattern')
    )
    await expect(findArtifact(client, ref(), expired.id, nameOf(expired.id))).rejects.toThrow(
      new SkipRun('artifact expired')
    )
  })

  it('ignores an artifact of that name whose workflow_run.id is another run’s', async () => {
    fake.runs = makeRuns([{ value: 1, artifact: { workflowRunId: 1234 } }])
    const [run] = fake.runs
    await expect(findArtifact(client, ref(), run.id, nameOf(run.id))).rejects.toThrow(
      new SkipRun('no artifact named like the pattern')
    )
  })

  it('skips an artifact listed over the size cap without downloading it', async () => {
    fake.runs = makeRuns([{ value: 1, artifact: { sizeInBytes: 1 << 30 } }])
    const [run] = fake.runs
    await expect(findArtifact(client, ref(), run.id, nameOf(run.id))).rejects.toThrow(
      new SkipRun(`artifact is ${1 << 30} bytes, over the ${MAX_ZIP_BYTES}-byte cap`)
    )
    expect(fake.requests.filter(r => /\/zip|\/blob\//.test(r.path))).toEqual([])
  })

  it('stops a download whose listed size lies at the cap', async () => {
    // Incompressible bytes past the cap, listed as 300; the digest is their real one.
    const zip = randomBytes(MAX_ZIP_BYTES + 1024)
    fake.runs = makeRuns([{ value: 1, artifact: { zip, sizeInBytes: 300 } }])
    const [run] = fake.runs
    const artifact = await findArtifact(client, ref(), run.id, nameOf(run.id))
    await expect(downloadArtifact(client, ref(), artifact)).rejects.toThrow(
      new SkipRun(`artifact download passed the ${MAX_ZIP_BYTES}-byte cap`)
    )
  })

  it('refuses a zip whose digest is not the listed one', async () => {
    fake.runs = makeRuns([{ value: 7, artifact: { digest: `sha256:${'0'.repeat(64)}` } }])
    const [run] = fake.runs
    const artifact = await findArtifact(client, ref(), run.id, nameOf(run.id))
    await expect(downloadArtifact(client, ref(), artifact)).rejects.toThrow(
      new SkipRun('digest mismatch')
    )
  })

  it('retries a failing blob host, then fails the check rather than skip the run', async () => {
    fake.runs = makeRuns([9])
    const [run] = fake.runs
    const artifact = await findArtifact(client, ref(), run.id, nameOf(run.id))
    fake.faults = [{ path: /^\/blob\//, times: 2, status: 503 }]
    expect((await downloadArtifact(client, ref(), artifact)).length).toBeGreaterThan(0)
    fake.faults = [{ path: /^\/blob\//, times: 3, status: 503 }]
    const failed = downloadArtifact(client, ref(), artifact)
    await expect(failed).rejects.toBeInstanceOf(DownloadFault)
    await expect(failed).rejects.toThrow('artifact download failed (HTTP 503) after 2 retries')
  })

  // The signed URL is a bearer secret: an error carrying it would reach the log, the summary
  // and the `skipped` output. Every way the blob hop fails, the error (message, stack, cause)
  // names neither the signature nor the blob path.
  it.each([
    ['404 (the blob is gone: skipped)', 404, SkipRun],
    ['403 (an expired signature: a fault)', 403, DownloadFault],
    ['503 until the retries run out', 503, DownloadFault]
  ])('keeps the signed URL out of the error on a blob %s', async (_label, status, kind) => {
    fake.runs = makeRuns([9])
    const [run] = fake.runs
    const artifact = await findArtifact(client, ref(), run.id, nameOf(run.id))
    fake.faults = [{ path: /^\/blob\//, times: 10, status }]
    const error: unknown = await downloadArtifact(client, ref(), artifact).catch(e => e)
    expect(error).toBeInstanceOf(kind)
    expect((error as Error).message).toMatch(
      new RegExp(`^artifact download failed \\(HTTP ${status}\\)`)
    )
    const shown = `${String(error)}\n${inspect(error, { depth: 5 })}\n${JSON.stringify(error)}`
    expect(shown).not.toContain('SECRET-SIGNATURE')
    expect(shown).not.toContain('/blob/')
    // The retries did happen, each from the API: a fault is not given up on at once.
    expect(fake.requests.filter(r => r.path.startsWith('/blob/'))).toHaveLength(
      status === 404 ? 1 : 3
    )
  })
})
