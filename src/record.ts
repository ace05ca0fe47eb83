import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export interface RecordRequest {
  value: number
  artifactName: string
  file: string
  retentionDays: number
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
  env: NodeJS.ProcessEnv,
  now = new Date()
): Record<string, string | number> {
  return {
    run_id: Number(env.GITHUB_RUN_ID) || 0,
    run_number: Number(env.GITHUB_RUN_NUMBER) || 0,
    run_attempt: Number(env.GITHUB_RUN_ATTEMPT) || 1,
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    runner_os: env.RUNNER_OS ?? '',
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
  const runId = request.env.GITHUB_RUN_ID
  if (!runId || !request.env.ACTIONS_RUNTIME_TOKEN || !request.env.ACTIONS_RESULTS_URL) {
    throw new Error('the artifact service is only reachable inside a GitHub Actions job')
  }
  const name = request.artifactName.replaceAll('{run_id}', runId)
  const root = mkdtempSync(join(request.env.RUNNER_TEMP || tmpdir(), 'helm-rolling-record-'))
  try {
    const samplePath = join(root, request.file)
    const metadataPath = join(root, 'metadata.json')
    mkdirSync(dirname(samplePath), { recursive: true })
    writeFileSync(samplePath, `${request.value}\n`)
    writeFileSync(
      metadataPath,
      `${JSON.stringify(metadata(request.value, request.env), null, 2)}\n`
    )
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const result = await new DefaultArtifactClient().uploadArtifact(
      name,
      [samplePath, metadataPath],
      root,
      {
        retentionDays: request.retentionDays
      }
    )
    return { name, id: result.id, digest: result.digest }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}
