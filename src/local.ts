import {
  closeSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  constants
} from 'node:fs'
import { join } from 'node:path'
import { MAX_SAMPLE_BYTES, isError, parseSample } from './parse.js'
import type { Run } from './runs.js'
import { SkipRun, collectSamples, type Collected } from './samples.js'

const MAX_METADATA_BYTES = 4096

/** A folder of already downloaded artifacts that holds none: a usage error, exit 2. */
export class EmptyDirError extends Error {}

/**
 * Samples from artifacts already on disk, one sub-folder per run as `gh run download` leaves
 * them (`DIR/helm-install-duration-<run_id>/install_to_ready_seconds.txt`), newest run first.
 * The files came from other runs' artifacts, so they are read as untrusted: regular files
 * only (no symlinks), a few bytes at most.
 */
export async function readLocalSamples(
  dir: string,
  file: string,
  window: number
): Promise<Collected> {
  let folders: string[]
  try {
    folders = readdirSync(dir, { withFileTypes: true })
      .filter(entry => entry.isDirectory())
      .map(entry => entry.name)
  } catch {
    throw new EmptyDirError(`--dir ${dir} does not exist or cannot be read`)
  }
  if (folders.length === 0) throw new EmptyDirError(`--dir ${dir} holds no run folders`)
  const folderOf = new Map(folders.map(name => [localRun(dir, name), name] as const))
  const runs = [...folderOf.keys()].sort((a, b) => b.id - a.id)
  const fetchSample = async (run: Run) => {
    const path = join(dir, folderOf.get(run) ?? '', file)
    const parsed = parseSample(readSmallFile(path, MAX_SAMPLE_BYTES, file))
    if (isError(parsed)) throw new SkipRun(`${file}: ${parsed.error}`)
    return parsed
  }
  async function* one() {
    yield runs
  }
  return collectSamples(one(), window, fetchSample, 8, () => undefined)
}

/** A run as far as its folder tells: the id from the name's trailing digits or metadata.json. */
function localRun(dir: string, folder: string): Run {
  const meta = readMetadata(join(dir, folder, 'metadata.json'))
  const id = Number(/(\d+)$/.exec(folder)?.[1] ?? meta.run_id ?? 0) || 0
  return {
    id,
    run_number: Number(meta.run_number) || 0,
    head_branch: null,
    head_sha: typeof meta.sha === 'string' && /^[0-9a-f]{7,64}$/.test(meta.sha) ? meta.sha : '',
    event: '',
    status: 'completed',
    conclusion: 'downloaded',
    created_at:
      typeof meta.recorded_at === 'string' && !Number.isNaN(Date.parse(meta.recorded_at))
        ? meta.recorded_at
        : '',
    html_url: '',
    repository: { id: 0, full_name: '' },
    head_repository: { id: 0, full_name: '' }
  }
}

function readMetadata(path: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readSmallFile(path, MAX_METADATA_BYTES, 'metadata.json'))
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** Reads at most `max` bytes of a regular file; refuses links and anything longer. */
function readSmallFile(path: string, max: number, label: string): string {
  let fd: number
  try {
    if (lstatSync(path).isSymbolicLink()) throw new SkipRun(`${label} is a symbolic link`)
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0))
  } catch (error) {
    if (error instanceof SkipRun) throw error
    throw new SkipRun(`no ${label} in the folder`)
  }
  try {
    if (!fstatSync(fd).isFile()) throw new SkipRun(`${label} is not a regular file`)
    const buffer = Buffer.alloc(max + 1)
    const length = readSync(fd, buffer, 0, buffer.length, 0)
    if (length > max) throw new SkipRun(`${label} is longer than ${max} bytes`)
    return buffer.toString('utf8', 0, length)
  } finally {
    closeSync(fd)
  }
}
