import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { artifactNameFor } from '../core/config.js'
import type { RunnerContext } from '../io/context.js'

export interface RecordRequest {
  value: number
  artifactName: string
  file: string
  retentionDays: number
  context: RunnerContext
  /** The artifact service's own credentials, which only a job's environment has. */
  env: NodeJS.ProcessEnv
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
  now = new Date()
): Record<string, string | number> {
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
    recorded_at: now.toISOString()
  }
}

/**
 * Uploads this run's sample as its artifact: `file` holding the number, and `metadata.json`.
 * The artifact client is imported here, on first use, so a check that does not record never
 * loads it (it is most of the bundle).
 */
export async function recordSample(request: RecordRequest): Promise<Recorded> {
  const { context, env } = request
  if (!context.runId || !env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    throw new Error('the artifact service is only reachable inside a GitHub Actions job')
  }
  const name = artifactNameFor(request.artifactName, context.runId)
  const root = mkdtempSync(join(context.runnerTemp ?? tmpdir(), 'helm-rolling-record-'))
  try {
    const samplePath = join(root, request.file)
    const metadataPath = join(root, 'metadata.json')
    mkdirSync(dirname(samplePath), { recursive: true })
    writeFileSync(samplePath, `${request.value}\n`)
    writeFileSync(metadataPath, `${JSON.stringify(metadata(request.value, context), null, 2)}\n`)
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const result = await new DefaultArtifactClient().uploadArtifact(
      name,
      [samplePath, metadataPath],
      root,
      { retentionDays: request.retentionDays }
    )
    return { name, id: result.id, digest: result.digest }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}
