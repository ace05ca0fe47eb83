/**
 * A run's own artifact listing and the bounded, verified download, in process against the
 * fake API over real HTTP (the end-to-end suites reach them only through dist/).
 */
import { describe, expect, it } from '@jest/globals'
import { useFakeClient } from '../__fixtures__/fake-client.js'
import { FakeGitHub } from '../__fixtures__/github-server.js'
import { makeRuns } from '../__fixtures__/history.js'
import { SkipRun } from '../src/core/errors.js'
import { DownloadFault, downloadArtifact, findArtifact } from '../src/github/artifacts.js'
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
})
