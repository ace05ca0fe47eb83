import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import type { IncomingHttpHeaders } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { runtimeToken } from './runtime-token.js'

/**
 * A fake of the Actions cache service that `@actions/cache` talks to on github.com (cache
 * service v2, on the results service: `ACTIONS_CACHE_SERVICE_V2` set), served by FakeGitHub on
 * its own loopback origin:
 *
 * - twirp, JSON bodies with proto field names, `Authorization: Bearer <runtime token>`:
 *   `POST /twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry`
 *   `{key, version}` → `{ok, signed_upload_url}`; 409 `already_exists` when the key and
 *   version are taken (finalized or still being uploaded), as the real one answers;
 *   `.../FinalizeCacheEntryUpload` `{key, version, size_bytes}` → `{ok, entry_id}`;
 *   `.../GetCacheEntryDownloadURL` `{key, restore_keys?, version}` →
 *   `{ok, signed_download_url, matched_key}`, or `{ok: false}` on a miss.
 * - the signed blob URLs, under `/cacheblob/` (IP-style Azure URL: account `cacheblob`,
 *   container `actions-cache`, blob = entry id), without Authorization: Azure's Put Blob
 *   (`PUT`, `x-ms-blob-type: BlockBlob`), or Put Block (`?comp=block&blockid=`) and Put Block
 *   List (`?comp=blocklist`) for archives over the SDK's 128 MiB single-shot size; and
 *   `GET`/`HEAD`, with `Range`/`x-ms-range`, for the download.
 *
 * Lookups follow GitHub's documented order: for the primary key and then each restore key in
 * turn, an entry with exactly that key, else the newest whose key starts with it; only
 * finalized entries whose version matches. Cache scopes (branch isolation) are not modelled.
 */

export const CACHE_TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/'
export const CACHE_BLOB_PREFIX = '/cacheblob/'

/** The query string's signature; a request to a blob URL without it is refused. */
const SIGNATURE = 'CACHE-SIGNATURE'

export type CacheTwirpMethod =
  'CreateCacheEntry' | 'FinalizeCacheEntryUpload' | 'GetCacheEntryDownloadURL'

/** What a cache-service request was: a twirp method, or a blob `upload` / `download`. */
export type CacheCallName = CacheTwirpMethod | 'upload' | 'download'

export interface CacheEntry {
  /** `entry_id` as FinalizeCacheEntryUpload reports it; also the blob's name. */
  id: number
  key: string
  version: string
  /** The archive (a zstd- or gzip-compressed tar) as uploaded; empty until then. */
  archive: Buffer
  createdAt: Date
  /** False from CreateCacheEntry until FinalizeCacheEntryUpload: invisible to lookups. */
  finalized: boolean
  /** The run whose runtime token created it; undefined for seeded entries. */
  runId?: number
  /** Blocks staged with Put Block, until Put Block List commits them. */
  blocks: Map<string, Buffer>
  /** Whether a Put Blob or Put Block List has stored `archive`. */
  uploaded: boolean
}

export interface CacheCall {
  call: CacheCallName | 'unknown'
  /** HTTP method and path with query, as served. */
  method: string
  path: string
  /** The cache key the call was about, where known. */
  key?: string
  /** Status answered; 0 for a request left hanging. */
  status: number
  /** Wall-clock ms (Date.now) when the request reached the cache service. */
  at: number
}

export interface CacheFault {
  /** Which calls get it; any cache-service call when omitted. */
  call?: CacheCallName
  /** How many matching calls get the fault; then it is spent. */
  times: number
  /** Status to answer (default 500) with a twirp error or an Azure error body. */
  status?: number
  /** The twirp `msg` (or Azure error message). */
  msg?: string
  /** Never answer: the connection stays open until the server stops. */
  hang?: boolean
  /** Answer normally, but this many ms late (no status override). */
  delayMs?: number
}

type Reply = [number, unknown, Record<string, string>?]

const TWIRP_CODES: Record<number, string> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  408: 'deadline_exceeded',
  409: 'already_exists',
  412: 'failed_precondition',
  429: 'resource_exhausted',
  501: 'unimplemented',
  503: 'unavailable'
}

export class FakeCacheService {
  /** Every cache-service request served (twirp and blob), in arrival order. */
  readonly calls: CacheCall[] = []
  faults: CacheFault[] = []
  /** Added to every cache-service answer, on top of FakeGitHub's own latency. */
  latencyMs = 0
  private readonly store = new Map<number, CacheEntry>()
  private nextId = 1

  /** `origin` gives the server's base URL (it is known only once the server listens). */
  constructor(private readonly origin: () => string) {}

  /** Whether a path belongs to the cache service (its twirp methods or its blobs). */
  serves(path: string): boolean {
    return path.startsWith(CACHE_TWIRP_PREFIX) || path.startsWith(CACHE_BLOB_PREFIX)
  }

  /** Every entry, finalized or not, oldest first. */
  entries(): CacheEntry[] {
    return [...this.store.values()].sort(newestLast)
  }

  /** A finalized entry, as if an earlier run had saved it. Keys are immutable: throws if taken. */
  seed(key: string, version: string, archive: Buffer, createdAt = new Date()): CacheEntry {
    if (this.find(key, version)) throw new Error(`cache entry ${key} (${version}) already exists`)
    const entry = this.add(key, version, createdAt)
    entry.archive = archive
    entry.uploaded = true
    entry.finalized = true
    return entry
  }

  /** Removes every entry with this key (any version), as eviction would; returns how many. */
  evict(key: string): number {
    let removed = 0
    for (const [id, entry] of this.store)
      if (entry.key === key) removed += Number(this.store.delete(id))
    return removed
  }

  /** Queue a fault for the next matching calls. */
  inject(fault: CacheFault): void {
    this.faults.push(fault)
  }

  /** Calls served, optionally only those of one kind. */
  count(call?: CacheCallName): number {
    return this.calls.filter(c => !call || c.call === call).length
  }

  /** Forget entries, calls and faults; entry ids start again at 1. */
  reset(): void {
    this.store.clear()
    this.nextId = 1
    this.calls.length = 0
    this.faults = []
  }

  /** Answers one request under `serves()`; never settles for a `hang` fault. */
  async handle(
    method: string,
    url: URL,
    headers: IncomingHttpHeaders,
    body: Buffer
  ): Promise<Reply> {
    const twirp = url.pathname.startsWith(CACHE_TWIRP_PREFIX)
    const request = twirp ? parseJson(body) : undefined
    const name = twirp
      ? url.pathname.slice(CACHE_TWIRP_PREFIX.length)
      : method === 'PUT'
        ? 'upload'
        : 'download'
    const call: CacheCall = {
      call: isCallName(name) ? name : 'unknown',
      method,
      path: url.pathname + url.search,
      key: twirp ? stringField(request, 'key') : this.blobEntry(url)?.key,
      status: 0,
      at: Date.now()
    }
    this.calls.push(call)
    if (this.latencyMs > 0) await sleep(this.latencyMs)
    const fault = this.faults.find(f => f.times > 0 && (!f.call || f.call === call.call))
    let reply: Reply | undefined
    if (fault) {
      fault.times--
      if (fault.hang) return new Promise<Reply>(() => undefined)
      if (fault.delayMs) await sleep(fault.delayMs)
      else {
        const status = fault.status ?? 500
        reply = twirp
          ? twirpError(status, fault.msg ?? 'injected fault')
          : azureError(status, 'InternalError', fault.msg ?? 'Injected fault')
      }
    }
    reply ??= twirp
      ? this.twirp(method, name, request, headers.authorization)
      : this.blob(method, url, headers, body)
    call.status = reply[0]
    return reply
  }

  private twirp(method: string, name: string, request: unknown, authorization?: string): Reply {
    if (method !== 'POST' || !isCallName(name) || name === 'upload' || name === 'download')
      return twirpError(404, `no handler for path "${CACHE_TWIRP_PREFIX}${name}"`, 'bad_route')
    const runId = tokenRunId(authorization)
    if (runId === undefined) return twirpError(401, 'invalid or missing runtime token')
    if (!request || typeof request !== 'object')
      return twirpError(400, 'the request body is not a JSON object', 'malformed')
    const key = stringField(request, 'key')
    const version = stringField(request, 'version')
    if (!key) return twirpError(400, 'key is required')
    if (!version) return twirpError(400, 'version is required')

    if (name === 'CreateCacheEntry') {
      if (this.find(key, version))
        return twirpError(409, 'cache entry with the same key, version, and scope already exists')
      const entry = this.add(key, version, new Date())
      entry.runId = runId || undefined
      return [200, { ok: true, signed_upload_url: this.blobUrl(entry, 'cw') }]
    }

    if (name === 'FinalizeCacheEntryUpload') {
      const entry = this.find(key, version)
      if (!entry || entry.finalized) return twirpError(404, 'cache entry not found')
      if (!entry.uploaded) return twirpError(412, 'cache archive was not uploaded')
      const size = stringField(request, 'size_bytes')
      if (size !== undefined && Number(size) !== entry.archive.length)
        return twirpError(
          400,
          `size_bytes ${size} does not match the uploaded ${entry.archive.length} bytes`
        )
      entry.finalized = true
      return [200, { ok: true, entry_id: String(entry.id) }]
    }

    const raw = (request as Record<string, unknown>).restore_keys
    const restoreKeys = Array.isArray(raw) ? raw.filter(k => typeof k === 'string') : []
    const hit = this.lookup(key, restoreKeys, version)
    if (!hit) return [200, { ok: false, signed_download_url: '', matched_key: '' }]
    return [200, { ok: true, signed_download_url: this.blobUrl(hit, 'r'), matched_key: hit.key }]
  }

  /** GitHub's order: for each of key and restore keys, an exact match, else the newest prefix. */
  private lookup(key: string, restoreKeys: string[], version: string): CacheEntry | undefined {
    const visible = this.entries()
      .filter(e => e.finalized && e.version === version)
      .reverse()
    for (const wanted of [key, ...restoreKeys]) {
      const hit = visible.find(e => e.key === wanted) ?? visible.find(e => e.key.startsWith(wanted))
      if (hit) return hit
    }
    return undefined
  }

  /** The Azure blob endpoint behind the signed URLs. */
  private blob(method: string, url: URL, headers: IncomingHttpHeaders, body: Buffer): Reply {
    // Blob storage is another origin: a token sent here has leaked.
    if (headers.authorization)
      return azureError(400, 'InvalidAuthenticationInfo', 'Authorization header leaked')
    const entry = this.blobEntry(url)
    const sp = url.searchParams.get('sp') ?? ''
    if (url.searchParams.get('sig') !== SIGNATURE)
      return azureError(403, 'AuthenticationFailed', 'Signature did not match')
    if (!entry) return azureError(404, 'BlobNotFound', 'The specified blob does not exist.')

    if (method === 'PUT') {
      if (!sp.includes('w') || entry.finalized)
        return azureError(403, 'AuthorizationPermissionMismatch', 'Not authorized to write')
      const comp = url.searchParams.get('comp')
      const stamp = { etag: etag(entry), 'last-modified': new Date().toUTCString() }
      if (comp === 'block') {
        entry.blocks.set(url.searchParams.get('blockid') ?? '', body)
        return [201, '', azureHeaders()]
      }
      if (comp === 'blocklist') {
        const ids = [
          ...body.toString().matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)</g)
        ].map(m => m[1])
        entry.archive = Buffer.concat(ids.map(id => entry.blocks.get(id) ?? Buffer.alloc(0)))
        entry.blocks.clear()
        entry.uploaded = true
        return [201, '', { ...azureHeaders(), ...stamp }]
      }
      if (comp) return azureError(400, 'UnsupportedQueryParameter', `comp=${comp}`)
      if (headers['x-ms-blob-type'] !== 'BlockBlob')
        return azureError(400, 'MissingRequiredHeader', 'x-ms-blob-type: BlockBlob is required')
      entry.archive = body
      entry.uploaded = true
      return [201, '', { ...azureHeaders(), ...stamp, 'x-ms-request-server-encrypted': 'true' }]
    }

    if (method !== 'GET' && method !== 'HEAD')
      return azureError(405, 'UnsupportedHttpVerb', `${method} is not supported`)
    if (!sp.includes('r') || !entry.finalized)
      return azureError(404, 'BlobNotFound', 'The specified blob does not exist.')
    const total = entry.archive.length
    const meta = {
      ...azureHeaders(),
      'content-type': 'application/octet-stream',
      'x-ms-blob-type': 'BlockBlob',
      'x-ms-creation-time': entry.createdAt.toUTCString(),
      'last-modified': entry.createdAt.toUTCString(),
      'accept-ranges': 'bytes',
      etag: etag(entry)
    }
    const range = headers['x-ms-range'] ?? headers.range
    if (typeof range !== 'string') return [200, entry.archive, meta]
    const match = /^bytes=(\d+)-(\d*)$/.exec(range)
    const start = Number(match?.[1])
    const end = Math.min(total - 1, match?.[2] ? Number(match[2]) : total - 1)
    if (!match || start >= total || end < start)
      return azureError(416, 'InvalidRange', 'The range specified is invalid', {
        'content-range': `bytes */${total}`
      })
    return [
      206,
      entry.archive.subarray(start, end + 1),
      { ...meta, 'content-range': `bytes ${start}-${end}/${total}` }
    ]
  }

  private add(key: string, version: string, createdAt: Date): CacheEntry {
    const entry: CacheEntry = {
      id: this.nextId++,
      key,
      version,
      archive: Buffer.alloc(0),
      createdAt,
      finalized: false,
      blocks: new Map(),
      uploaded: false
    }
    this.store.set(entry.id, entry)
    return entry
  }

  private find(key: string, version: string): CacheEntry | undefined {
    return [...this.store.values()].find(e => e.key === key && e.version === version)
  }

  private blobUrl(entry: CacheEntry, permissions: string): string {
    const expiry = new Date(Date.now() + 3_600_000).toISOString()
    return `${this.origin()}${CACHE_BLOB_PREFIX}actions-cache/${entry.id}?sv=2024-11-04&sr=b&sp=${permissions}&se=${encodeURIComponent(expiry)}&sig=${SIGNATURE}`
  }

  private blobEntry(url: URL): CacheEntry | undefined {
    const match = new RegExp(`^${CACHE_BLOB_PREFIX}actions-cache/(\\d+)$`).exec(url.pathname)
    return match ? this.store.get(Number(match[1])) : undefined
  }
}

/**
 * The variables a job on github.com has that make `@actions/cache` use this fake (cache service
 * v2). `GITHUB_SERVER_URL` is the fake's web origin: on a GHES fake the library falls back to
 * cache service v1, which this fake does not serve, as GHES does not serve v2.
 * `ACTIONS_CACHE_URL` is not needed by v2, and `ACTIONS_CACHE_MODE` is left unset (read and write).
 */
export function cacheEnv(
  fake: { url: string; webUrl: string },
  runId: number,
  dirs: { workspace?: string; runnerTemp?: string } = {}
): Record<string, string> {
  return {
    ACTIONS_CACHE_SERVICE_V2: 'true',
    ACTIONS_RESULTS_URL: `${fake.url}/`,
    ACTIONS_RUNTIME_TOKEN: runtimeToken(runId),
    GITHUB_SERVER_URL: fake.webUrl,
    // The archive is built and downloaded under RUNNER_TEMP (default: /home/actions/temp).
    RUNNER_TEMP: dirs.runnerTemp ?? tmpdir(),
    ...(dirs.workspace ? { GITHUB_WORKSPACE: dirs.workspace } : {})
  }
}

/**
 * A job of run `runId` on a default-branch push with the cache service reachable, as
 * `runAction` runs it: `cacheEnv` without RUNNER_TEMP (`runAction` gives the action a private
 * one), with the run's id, its number when given, and the default branch's ref.
 */
export function pushRunEnv(
  fake: { url: string; webUrl: string },
  runId: number,
  runNumber?: number,
  dirs: { workspace?: string } = {}
): Record<string, string> {
  const service = cacheEnv(fake, runId, dirs)
  delete service.RUNNER_TEMP
  return {
    ...service,
    GITHUB_RUN_ID: String(runId),
    ...(runNumber === undefined ? {} : { GITHUB_RUN_NUMBER: String(runNumber) }),
    GITHUB_REF: 'refs/heads/main'
  }
}

/** An entry's archive holding one file at `path`, as `@actions/cache` makes it (tar, zstd). */
export function archiveOf(path: string, content: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'helm-rolling-seed-'))
  mkdirSync(dirname(join(dir, path)), { recursive: true })
  writeFileSync(join(dir, path), content)
  return execFileSync('sh', ['-c', `tar --posix -cf - -C "${dir}" ${path} | zstd -T0 -q -c`])
}

/** The file at `path` inside an entry's archive, as `@actions/cache` wrote it. */
export function fileInArchive(archive: Buffer, path: string): string {
  return execFileSync('sh', ['-c', `zstd -dcq | tar -xO ${path}`], { input: archive }).toString()
}

/**
 * The `version` `@actions/cache` sends for these paths (exactly as passed to saveCache or
 * restoreCache) on Linux: sha256 of the paths, the compression method ('zstd-without-long'
 * when zstd is installed, else 'gzip') and the salt '1.0', joined by '|'.
 */
export function cacheVersion(
  paths: string[],
  compression: 'zstd-without-long' | 'zstd' | 'gzip' = 'zstd-without-long'
): string {
  return createHash('sha256')
    .update([...paths, compression, '1.0'].join('|'))
    .digest('hex')
}

function newestLast(a: CacheEntry, b: CacheEntry): number {
  return a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id
}

function isCallName(name: string): name is CacheCallName {
  return [
    'CreateCacheEntry',
    'FinalizeCacheEntryUpload',
    'GetCacheEntryDownloadURL',
    'upload',
    'download'
  ].includes(name)
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString() || '{}')
  } catch {
    return undefined
  }
}

function stringField(request: unknown, field: string): string | undefined {
  if (!request || typeof request !== 'object') return undefined
  const value = (request as Record<string, unknown>)[field]
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined
}

/** The run id in a runtime token's scope (`Actions.Results:run-<id>:...`); 0 if none. */
function tokenRunId(authorization?: string): number | undefined {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1]
  const parts = token?.split('.')
  if (!parts || parts.length !== 3) return undefined
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as { scp?: string }
    return Number(/Actions\.Results:run-(\d+):/.exec(claims.scp ?? '')?.[1] ?? 0)
  } catch {
    return undefined
  }
}

function twirpError(status: number, msg: string, code = TWIRP_CODES[status] ?? 'internal'): Reply {
  return [status, { code, msg }]
}

function azureHeaders(): Record<string, string> {
  return {
    'x-ms-request-id': '00000000-0000-0000-0000-000000000000',
    'x-ms-version': '2024-11-04',
    date: new Date().toUTCString()
  }
}

function azureError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {}
): Reply {
  return [
    status,
    `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    { ...azureHeaders(), 'content-type': 'application/xml', 'x-ms-error-code': code, ...extra }
  ]
}

function etag(entry: CacheEntry): string {
  return `"0x8D${entry.id.toString(16).padStart(12, '0').toUpperCase()}"`
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
