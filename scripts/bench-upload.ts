/**
 * `npx tsx scripts/bench-upload.ts`: issue 33's question about the upload, measured. The
 * artifact client puts a sample's zip as a staged block and then the block list, so the upload
 * is four calls in turn (create, two PUTs, finalize). Could one PUT (Azure's Put Blob) carry a
 * zip this small? This times both ways on the fake at 50 ms a request, alternately, in one
 * process with both clients already loaded: `@actions/artifact`'s `uploadArtifact`, and the
 * same three steps by hand with the blob in one request. A measurement only: the action keeps
 * the maintained client (see bench/results.md).
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { DefaultArtifactClient } from '@actions/artifact'
import { cacheEnv } from '../__fixtures__/cache-service.js'
import { FakeGitHub } from '../__fixtures__/github-server.js'
import { makeRuns } from '../__fixtures__/history.js'
import { buildZip } from '../__fixtures__/zip.js'

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50)
const REPEATS = Number(process.env.BENCH_REPEATS ?? 15)
const SERVICE = 'twirp/github.actions.results.api.v1.ArtifactService'

const fake = new FakeGitHub({ latencyMs: LATENCY_MS })
await fake.start()
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]

/** The library's way: a temporary folder with the two files, then `uploadArtifact`. */
async function viaClient(runId: number): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'bench-upload-'))
  const files = [join(root, 'install_to_ready_seconds.txt'), join(root, 'metadata.json')]
  writeFileSync(files[0], '150\n')
  writeFileSync(files[1], '{}\n')
  const started = performance.now()
  await new DefaultArtifactClient().uploadArtifact(`helm-install-duration-${runId}`, files, root)
  return performance.now() - started
}

/** The same create and finalize, with the zip in one Put Blob. */
async function onePut(runId: number): Promise<number> {
  const zip = buildZip([
    { name: 'install_to_ready_seconds.txt', data: '150\n' },
    { name: 'metadata.json', data: '{}\n' }
  ])
  const started = performance.now()
  const ids = {
    workflow_run_backend_id: `run-${runId}`,
    workflow_job_run_backend_id: `job-${runId}`,
    name: `helm-install-duration-${runId}`
  }
  const call = async (method: string, body: object) => {
    const response = await fetch(`${fake.url}/${SERVICE}/${method}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${process.env.ACTIONS_RUNTIME_TOKEN}`,
        'content-type': 'application/json'
      },
      body: JSON.stringify(body)
    })
    if (!response.ok) throw new Error(`${method}: HTTP ${response.status}`)
    return (await response.json()) as { signed_upload_url?: string }
  }
  const created = await call('CreateArtifact', { ...ids, version: 7 })
  const put = await fetch(String(created.signed_upload_url), {
    method: 'PUT',
    headers: { 'x-ms-blob-type': 'BlockBlob', 'content-type': 'application/zip' },
    body: zip
  })
  if (!put.ok) throw new Error(`Put Blob: HTTP ${put.status}`)
  await call('FinalizeArtifact', {
    ...ids,
    size: String(zip.length),
    hash: `sha256:${createHash('sha256').update(zip).digest('hex')}`
  })
  return performance.now() - started
}

const load = loadavg()[0]
const client: number[] = []
const one: number[] = []
const calls: number[][] = [[], []]
for (let i = 0; i < REPEATS; i++) {
  for (const [k, way] of [viaClient, onePut].entries()) {
    const [run] = makeRuns([{}], 30_000 + i * 2 + k)
    fake.runs = [run]
    Object.assign(process.env, cacheEnv(fake, run.id))
    fake.requests.length = 0
    ;(k === 0 ? client : one).push(await way(run.id))
    calls[k].push(fake.requests.length)
  }
}
await fake.stop()
console.log(
  `${REPEATS} alternations, ${LATENCY_MS} ms a request, load ${load.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`
)
console.log(`| way | calls | median ms | range ms |`)
console.log(`|---|--:|--:|--:|`)
for (const [name, times, k] of [
  ['`uploadArtifact` (block, then block list)', client, 0],
  ['create, one Put Blob, finalize', one, 1]
] as const)
  console.log(
    `| ${name} | ${median(calls[k])} | ${median(times).toFixed(0)} | ${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} |`
  )
