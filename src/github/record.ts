import type { Environment } from '../core/types.js'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { artifactNameFor, type Config } from '../core/inputs/config.js'
import { METADATA_FILE } from '../core/history/environment.js'
import type { RunnerContext } from '../io/context.js'

export interface RecordRequest {
  value: number
  /** The runner's keys and the workflow's own: stored in clear, readable with `actions: read`. */
  environment: Environment
  artifactName: string
  file: string
  /**
   * With `metrics`: the other recorded metrics' files beside `file`, in the run's one artifact
   * (one file per metric, beside `metadata.json`).
   */
  more?: readonly RecordedFile[]
  retentionDays: number
  context: RunnerContext
  /** The artifact service's own credentials, which only a job's environment has. */
  env: NodeJS.ProcessEnv
}

/** One metric's file in the artifact and the value it holds. */
export interface RecordedFile {
  file: string
  value: number
}

export interface Recorded {
  name: string
  id?: number
  digest?: string
}

/** What `metadata.json` says about the run that measured the sample. */
export function metadata(
  value: number,
  context: RunnerContext,
  environment: Environment,
  now = new Date(),
  files: readonly RecordedFile[] = []
): Record<string, unknown> {
  // Several metrics: every file's value by its name; `value` stays the first's.
  const values =
    files.length > 1 ? { values: Object.fromEntries(files.map(f => [f.file, f.value])) } : {}
  return {
    run_id: context.runId ?? 0,
    run_number: context.runNumber ?? 0,
    run_attempt: context.runAttempt,
    sha: context.sha,
    ref: context.ref,
    workflow: context.workflow,
    repository: context.repository,
    runner_os: context.runnerOs,
    unit: 'seconds',
    value,
    recorded_at: now.toISOString(),
    environment,
    ...values
  }
}

type ArtifactModule = typeof import('@actions/artifact')
let artifactClient: Promise<ArtifactModule> | undefined

/**
 * The artifact client, imported once: it is most of the bundle, so a check that does not
 * record never loads it, and one that does loads it ahead of the upload (preloadRecorder).
 */
function artifactModule(): Promise<ArtifactModule> {
  artifactClient ??= import('@actions/artifact')
  return artifactClient
}

/**
 * Loads the artifact client now, while the check waits on the network, so that the upload
 * starts as soon as the verdict is out. A load that fails is reported by the upload itself.
 */
export function preloadRecorder(): void {
  artifactModule().catch(() => undefined)
}

/**
 * Uploads this run's sample as its artifact: `file` holding the number, and `metadata.json`.
 */
export async function recordSample(request: RecordRequest): Promise<Recorded> {
  const { context, env } = request
  if (!context.runId || !env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    throw new Error('the artifact service is only reachable inside a GitHub Actions job')
  }
  const name = artifactNameFor(request.artifactName, context.runId)
  const root = mkdtempSync(join(context.runnerTemp ?? tmpdir(), 'helm-rolling-record-'))
  try {
    const files = [{ file: request.file, value: request.value }, ...(request.more ?? [])]
    const paths = files.map(({ file, value }) => {
      const path = join(root, file)
      mkdirSync(dirname(path), { recursive: true })
      writeFileSync(path, `${value}\n`)
      return path
    })
    const metadataPath = join(root, METADATA_FILE)
    const data = metadata(request.value, context, request.environment, new Date(), files)
    writeFileSync(metadataPath, `${JSON.stringify(data, null, 2)}\n`)
    const { DefaultArtifactClient } = await artifactModule()
    const result = await new DefaultArtifactClient().uploadArtifact(
      name,
      [...paths, metadataPath],
      root,
      { retentionDays: request.retentionDays }
    )
    return { name, id: result.id, digest: result.digest }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

/**
 * What the record path says when it cannot, or need not, upload. Pure, so each wording is
 * tested without an artifact service; `main.ts` logs it.
 */
export interface Note {
  level: 'info' | 'warning'
  message: string
}

/** The upload step a GHES user keeps instead: v3 uploads there, and the check reads its artifacts. */
export function ghesRecordWarning(config: Pick<Config, 'artifactName' | 'file'>): string {
  const name = config.artifactName.replaceAll('{run_id}', '${{ github.run_id }}')
  return (
    "GitHub Enterprise Server: 'record' needs the v4 artifact service, which GitHub Enterprise " +
    'Server does not have, so nothing is recorded. Keep an actions/upload-artifact@v3 step ' +
    `(if: always()) that uploads ${config.file} as ${name}; this action reads those artifacts. ` +
    'The check runs as usual.'
  )
}

/**
 * `@actions/artifact` reports a refused CreateArtifact only as text: "Failed to CreateArtifact:
 * Received non-retryable error: Failed request: (409) Conflict: an artifact with this name
 * already exists on the workflow run".
 */
const CONFLICT = /\(409\)|already exists on the workflow run/i

/**
 * A failed upload, explained. Artifact names are unique within a run across its attempts, so a
 * 409 on a re-run attempt means an earlier attempt already recorded this run's sample: that is
 * the rule "a run holds one sample", not a fault. On a first attempt it means two jobs of the
 * run (a matrix) record under one name, which the user must fix.
 */
export function uploadFailure(
  message: string,
  name: string,
  context: { runAttempt: number }
): Note {
  if (CONFLICT.test(message) && context.runAttempt > 1)
    return {
      level: 'info',
      message:
        `This run already holds its sample: artifact ${name} was recorded by an earlier attempt, ` +
        `so attempt ${context.runAttempt} records nothing more (its value still counts in this check).`
    }
  if (CONFLICT.test(message))
    return {
      level: 'warning',
      message:
        `Recording this run's sample failed: another job of this run already recorded ${name} ` +
        '(409 Conflict; artifact names are unique within a run). In a matrix, put the matrix key ' +
        "into 'artifact-name', e.g. helm-install-duration-{run_id}-${{ matrix.k8s }}."
    }
  return { level: 'warning', message: `Recording this run's sample failed: ${message}` }
}
