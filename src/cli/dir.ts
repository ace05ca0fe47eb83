import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  MAX_METADATA_BYTES,
  METADATA_FILE,
  environmentFromMetadata,
  type EnvironmentRead
} from '../core/history/environment.js'
import { SkipRun } from '../core/errors.js'
import { readSmallFile } from '../io/files.js'
import { MAX_SAMPLE_BYTES, cleanDate, cleanSha, parseSample } from '../core/untrusted/parse.js'
import { collectSamples } from '../core/history/samples.js'
import type { HistoryRead, Measured, Result, RunInfo } from '../core/types.js'

/** A folder of already downloaded artifacts that holds none: a usage error, exit 2. */
export class EmptyDirError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EmptyDirError'
  }
}

/** A run as far as its folder tells. */
interface LocalRun extends RunInfo {
  folder: string
  environment: EnvironmentRead
}

/** What to read in each folder, and how many folders at most. */
export interface LocalRead {
  /** `artifact-name`: which folders are runs' artifacts (`{run_id}` the run's id). */
  template: string
  file: string
  /** Folders examined at most, newest first, as `lookback` runs. */
  lookback: number
}

/**
 * Samples from artifacts already on disk, one sub-folder per run as `gh run download` leaves
 * them (`DIR/helm-install-duration-<run_id>/install_to_ready_seconds.txt`), newest run first,
 * up to `wanted`. Only folders named like the artifact (or named by a run id alone) are runs.
 * The files came from other runs' artifacts, so they are read as untrusted (`readSmallFile`).
 */
export async function readLocalSamples(
  dir: string,
  what: LocalRead,
  wanted: number
): Promise<HistoryRead> {
  let folders: string[]
  try {
    folders = readdirSync(dir, { withFileTypes: true })
      .filter(entry => entry.isDirectory())
      .map(entry => entry.name)
  } catch {
    throw new EmptyDirError(`--dir ${dir} does not exist or cannot be read`)
  }
  const named = folderPattern(what.template)
  const runs = folders
    .filter(folder => named.test(folder) || /^\d+$/.test(folder))
    .map(folder => localRun(dir, folder, named))
    .sort((a, b) => b.id - a.id)
    .slice(0, what.lookback)
  if (runs.length === 0)
    throw new EmptyDirError(
      `--dir ${dir} holds no run folders (named like ${what.template}, or by a run id)`
    )
  const file = what.file
  const fetchSample = async (run: LocalRun): Promise<Measured> => {
    const text = readSmallFile(join(dir, run.folder, file), MAX_SAMPLE_BYTES, file)
    if (text === undefined) throw new SkipRun(`no ${file} in the folder`)
    const parsed = parseSample(text)
    if ('reason' in parsed) throw new SkipRun(`${file}: ${parsed.reason}`)
    const read = run.environment
    return 'environment' in read
      ? { value: parsed.value, environment: read.environment }
      : { value: parsed.value, environmentProblem: read.unknown }
  }
  async function* one() {
    yield runs
  }
  const collected = await collectSamples(one(), wanted, fetchSample, 8, () => undefined)
  return { ...collected, source: dir }
}

/** Folder names of the artifact: the template with `{run_id}` as the id's digits. */
function folderPattern(template: string): RegExp {
  const parts = template.split('{run_id}').map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('(\\d+)')}$`)
}

/**
 * The id comes from the folder's name (the artifact's `{run_id}`, or a bare run id), else from
 * metadata.json. The run's number and date only from metadata.json: 0 and '' when it has
 * none, shown as unknown, never made up; the conclusion is not known from a folder at all.
 */
function localRun(dir: string, folder: string, named: RegExp): LocalRun {
  const read = readMetadata(join(dir, folder, METADATA_FILE))
  const meta = 'value' in read ? fields(read.value) : {}
  const fromName = named.exec(folder)?.slice(1).find(Boolean) ?? /^(\d+)$/.exec(folder)?.[1]
  return {
    folder,
    environment: environmentFromMetadata(read),
    id: wholeNumber(Number(fromName)) ?? wholeNumber(meta.run_id) ?? 0,
    run_number: wholeNumber(meta.run_number) ?? 0,
    head_sha: cleanSha(meta.sha),
    conclusion: '',
    created_at: cleanDate(meta.recorded_at),
    html_url: ''
  }
}

/** The folder's `metadata.json`, read as the check reads it inside an artifact. */
function readMetadata(path: string): Result<string> {
  try {
    const text = readSmallFile(path, MAX_METADATA_BYTES, METADATA_FILE)
    return text === undefined ? { reason: `no ${METADATA_FILE} in the folder` } : { value: text }
  } catch (error) {
    if (error instanceof SkipRun) return { reason: error.message }
    throw error
  }
}

function fields(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** A number from a file, when it is a whole, non-negative, exact one: 1e999 and -7.5 are not. */
function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined
}
