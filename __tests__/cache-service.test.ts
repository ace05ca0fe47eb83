import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'
import { restoreCache, saveCache } from '@actions/cache'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { cacheEnv, cacheVersion } from '../__fixtures__/cache-service.js'
import { FakeGitHub } from '../__fixtures__/github-server.js'

/**
 * The real `@actions/cache` (cache service v2, as on github.com) against the fake: it tars and
 * zstd-compresses the files, reserves, uploads and finalizes an entry, and restores it by key
 * or restore-key prefix.
 */
jest.setTimeout(120_000)

const relPath = '.helm-rolling/state.json'
const state = { window: [120, 130, 140], median: 130 }

describe('the fake cache service behind @actions/cache', () => {
  const fake = new FakeGitHub()
  let savedEnv: Record<string, string | undefined> = {}
  const savedCwd = process.cwd()
  let root = ''
  let workspace = ''
  let output = ''

  const file = () => join(workspace, relPath)
  const writeState = async (value: unknown) => {
    await mkdir(dirname(file()), { recursive: true })
    await writeFile(file(), JSON.stringify(value))
  }
  const restore = () => restoreCache([relPath], 'helm-rolling-test-', ['helm-rolling-test-'])

  beforeAll(async () => {
    await fake.start()
    root = await mkdtemp(join(tmpdir(), 'cache-service-'))
    workspace = join(root, 'workspace')
    await mkdir(workspace)
    await mkdir(join(root, 'temp'))
    const env = cacheEnv(fake, 9100, { workspace, runnerTemp: join(root, 'temp') })
    savedEnv = Object.fromEntries(Object.keys(env).map(name => [name, process.env[name]]))
    Object.assign(process.env, env)
    // @actions/glob resolves relative paths against the working directory, as on a runner.
    process.chdir(workspace)
  })

  afterAll(async () => {
    process.chdir(savedCwd)
    for (const [name, value] of Object.entries(savedEnv))
      if (value === undefined) Reflect.deleteProperty(process.env, name)
      else process.env[name] = value
    await fake.stop()
    await rm(root, { recursive: true, force: true })
  })

  beforeEach(() => {
    fake.cache.reset()
    fake.requests.length = 0
    output = ''
    // @actions/core writes its log (and workflow commands) to stdout: keep it for asserts.
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      output += String(chunk)
      return true
    })
  })

  afterEach(async () => {
    jest.restoreAllMocks()
    await rm(file(), { force: true })
  })

  it('saves, then restores the same bytes by prefix', async () => {
    await writeState(state)
    const bytes = await readFile(file())

    const id = await saveCache([relPath], 'helm-rolling-test-1')
    expect(id).toBe(1)
    expect(fake.cache.calls.map(c => `${c.call} ${c.status}`)).toEqual([
      'CreateCacheEntry 200',
      'upload 201',
      'FinalizeCacheEntryUpload 200'
    ])
    const [entry] = fake.cache.entries()
    expect(entry).toMatchObject({
      key: 'helm-rolling-test-1',
      version: cacheVersion([relPath]),
      finalized: true,
      runId: 9100
    })
    // A zstd frame: the tar went through zstdmt.
    expect(entry.archive.subarray(0, 4).toString('hex')).toBe('28b52ffd')

    await rm(file())
    fake.cache.calls.length = 0
    expect(await restore()).toBe('helm-rolling-test-1')
    expect(await readFile(file())).toEqual(bytes)
    expect(fake.cache.calls.map(c => `${c.method} ${c.call} ${c.status}`)).toEqual([
      'POST GetCacheEntryDownloadURL 200',
      'GET download 200'
    ])
    expect(output).toContain('Cache hit for restore-key: helm-rolling-test-1')

    // Every cache request is in fake.requests, none in the REST API calls.
    expect(fake.requests).toHaveLength(5)
    expect(fake.apiCalls()).toEqual([])
    // The runtime token goes to the twirp calls only, never to the blob store.
    for (const r of fake.requests)
      expect(r.authorization === undefined).toBe(r.path.startsWith('/cacheblob/'))
  })

  it('restores the newest entry for a prefix; an exact key wins over a newer one', async () => {
    await writeState({ run: 1 })
    await saveCache([relPath], 'helm-rolling-test-1')
    await writeState({ run: 2 })
    await saveCache([relPath], 'helm-rolling-test-2')
    await rm(file())

    expect(await restore()).toBe('helm-rolling-test-2')
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({ run: 2 })

    expect(await restoreCache([relPath], 'helm-rolling-test-1', ['helm-rolling-test-'])).toBe(
      'helm-rolling-test-1'
    )
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({ run: 1 })
    expect(output).toContain('Cache hit for: helm-rolling-test-1')
  })

  it('keeps an existing key: a second save is refused with 409 and logged', async () => {
    await writeState({ run: 1 })
    expect(await saveCache([relPath], 'helm-rolling-test-1')).toBe(1)
    await writeState({ run: 2 })
    expect(await saveCache([relPath], 'helm-rolling-test-1')).toBe(-1)

    expect(fake.cache.calls.at(-1)).toMatchObject({ call: 'CreateCacheEntry', status: 409 })
    expect(output).toContain(
      'Failed to save: Unable to reserve cache with key helm-rolling-test-1, another job may be creating this cache.'
    )
    expect(fake.cache.entries()).toHaveLength(1)
    await rm(file())
    expect(await restore()).toBe('helm-rolling-test-1')
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual({ run: 1 })
  })

  it('misses with no entry, with another version, and ignores unfinalized entries', async () => {
    expect(await restore()).toBeUndefined()
    expect(fake.cache.calls.map(c => `${c.call} ${c.status}`)).toEqual([
      'GetCacheEntryDownloadURL 200'
    ])

    // Same key, other paths: another version.
    fake.cache.seed('helm-rolling-test-9', cacheVersion(['elsewhere.json']), Buffer.from('x'))
    expect(await restore()).toBeUndefined()

    // A seeded archive for our version is restored.
    await writeState(state)
    await saveCache([relPath], 'helm-rolling-test-1')
    const archive = fake.cache.entries().at(-1)?.archive ?? Buffer.alloc(0)
    fake.cache.reset()
    fake.cache.seed('helm-rolling-test-seeded', cacheVersion([relPath]), archive)
    await rm(file())
    expect(await restore()).toBe('helm-rolling-test-seeded')
    expect(JSON.parse(await readFile(file(), 'utf8'))).toEqual(state)
  })

  it('an upload that fails leaves an unfinalized entry, a miss and the key still taken', async () => {
    await writeState(state)
    fake.cache.inject({ call: 'upload', times: 1, status: 403 })
    expect(await saveCache([relPath], 'helm-rolling-test-1')).toBe(-1)
    expect(fake.cache.calls.map(c => `${c.call} ${c.status}`)).toEqual([
      'CreateCacheEntry 200',
      'upload 403'
    ])
    expect(output).toMatch(/::warning::Failed to save: /)
    expect(fake.cache.entries()).toMatchObject([{ finalized: false }])
    expect(await restore()).toBeUndefined()
  })

  it('restore swallows service faults: a miss, with the error logged', async () => {
    await writeState(state)
    await saveCache([relPath], 'helm-rolling-test-1')
    await rm(file())

    // Not retried: a 4xx from twirp, and a 500 from the blob store.
    fake.cache.inject({ call: 'GetCacheEntryDownloadURL', times: 1, status: 403, msg: 'nope' })
    expect(await restore()).toBeUndefined()
    expect(output).toContain('Failed to restore: Failed to GetCacheEntryDownloadURL')

    fake.cache.inject({ call: 'download', times: 1, status: 500 })
    expect(await restore()).toBeUndefined()
    expect(output).toContain(
      'Failed to restore: downloadCache failed: Cache service responded with 500'
    )
    await expect(readFile(file())).rejects.toThrow()

    // A twirp 500 is retried (after 3 s): one fault, then a hit.
    fake.cache.calls.length = 0
    fake.cache.inject({ call: 'GetCacheEntryDownloadURL', times: 1 })
    expect(await restore()).toBe('helm-rolling-test-1')
    expect(fake.cache.calls.map(c => `${c.call} ${c.status}`)).toEqual([
      'GetCacheEntryDownloadURL 500',
      'GetCacheEntryDownloadURL 200',
      'download 200'
    ])
  })

  it('save swallows a reservation fault and returns -1', async () => {
    await writeState(state)
    fake.cache.inject({ call: 'CreateCacheEntry', times: 1, status: 400 })
    expect(await saveCache([relPath], 'helm-rolling-test-1')).toBe(-1)
    expect(output).toContain('Failed to save: Unable to reserve cache with key helm-rolling-test-1')
    expect(fake.cache.entries()).toEqual([])

    fake.cache.inject({ call: 'FinalizeCacheEntryUpload', times: 1, status: 404 })
    expect(await saveCache([relPath], 'helm-rolling-test-1')).toBe(-1)
    expect(output).toContain('Failed to save: Failed to FinalizeCacheEntryUpload')
  })

  it('a hang fault never answers; the blob store answers HEAD and ranges as Azure does', async () => {
    const archive = Buffer.from('0123456789')
    fake.cache.seed('k', 'v', archive)
    fake.cache.inject({ times: 1, hang: true })
    const url = `${fake.url}/twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL`
    const headers = { authorization: `Bearer ${cacheEnv(fake, 1).ACTIONS_RUNTIME_TOKEN}` }
    await expect(
      fetch(url, { method: 'POST', headers, body: '{}', signal: AbortSignal.timeout(300) })
    ).rejects.toThrow()
    expect(fake.cache.calls[0]).toMatchObject({ status: 0 })

    const found = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ key: 'k', version: 'v' })
    })
    const answer = (await found.json()) as { ok: boolean; signed_download_url: string }
    expect(answer.ok).toBe(true)
    const head = await fetch(answer.signed_download_url, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('10')
    expect(head.headers.get('x-ms-blob-type')).toBe('BlockBlob')
    expect(head.headers.get('etag')).toBeTruthy()
    const part = await fetch(answer.signed_download_url, { headers: { range: 'bytes=2-5' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 2-5/10')
    expect(await part.text()).toBe('2345')
    const unsigned = answer.signed_download_url.replace(/sig=[^&]+/, 'sig=forged')
    expect((await fetch(unsigned)).status).toBe(403)
    expect(fake.cache.count('download')).toBe(3)
  })

  it('takes an archive over the single-shot size as Put Block + Put Block List', async () => {
    const twirp = (method: string, body: object) =>
      fetch(`${fake.url}/twirp/github.actions.results.api.v1.CacheService/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${cacheEnv(fake, 7).ACTIONS_RUNTIME_TOKEN}` },
        body: JSON.stringify(body)
      }).then(r => r.json() as Promise<Record<string, string>>)
    const created = await twirp('CreateCacheEntry', { key: 'big', version: 'v' })
    const put = (query: string, body: string) =>
      fetch(`${created.signed_upload_url}&${query}`, { method: 'PUT', body })
    expect((await put('comp=block&blockid=QQ%3D%3D', 'hello ')).status).toBe(201)
    expect((await put('comp=block&blockid=Qg%3D%3D', 'world')).status).toBe(201)
    const list =
      '<?xml version="1.0"?><BlockList><Latest>QQ==</Latest><Latest>Qg==</Latest></BlockList>'
    expect((await put('comp=blocklist', list)).status).toBe(201)
    expect(
      await twirp('FinalizeCacheEntryUpload', { key: 'big', version: 'v', size_bytes: '11' })
    ).toEqual({ ok: true, entry_id: '1' })
    expect(fake.cache.entries()[0]).toMatchObject({ runId: 7, finalized: true })
    expect(fake.cache.entries()[0].archive.toString()).toBe('hello world')
  })
})
