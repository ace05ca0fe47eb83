import { createHash } from 'node:crypto'
import type { FakeArtifact, FakeRun } from './github-server.js'
import { installJob, type FakeJob } from './jobs.js'
import { buildZip, sampleZip } from './zip.js'

/** One run of the history; a bare number is a successful main-branch run with that sample. */
export interface RunSpec {
  /** The sample; a string is written as the file's content as is. Omitted: no artifact. */
  value?: number | string
  conclusion?: string | null
  status?: string
  branch?: string
  event?: string
  head?: FakeRun['head']
  /** Replaces or amends the artifact the run uploaded. */
  artifact?: Partial<FakeArtifact>
  /** More artifacts the run uploaded. */
  extra?: FakeArtifact[]
  /** The `environment` its metadata.json records; omitted: none (as before v1.0.0). */
  environment?: Record<string, string>
  /** metadata.json's content as is, instead of the one built from the fields above. */
  metadata?: string
  /** Job timings: the seed's install job, this many seconds from install to Ready. */
  span?: number
  /** The run's jobs as given (instead of the one `span` builds). */
  jobs?: FakeJob[]
  /** The run's latest attempt (1 unless re-run). */
  attempt?: number
}

export const NEWEST_RUN_ID = 9000

/**
 * Builds runs newest first: ids count down from NEWEST_RUN_ID, a run an hour apart. A bare
 * number or string is a successful main-branch run whose artifact holds it.
 */
export function makeRuns(
  specs: (RunSpec | number | string)[],
  newestId = NEWEST_RUN_ID
): FakeRun[] {
  return specs.map((entry, i) => {
    const spec: RunSpec = typeof entry === 'object' ? entry : { value: entry }
    const id = newestId - i
    const artifacts: FakeArtifact[] = []
    if (spec.value !== undefined || spec.artifact) {
      const content = typeof spec.value === 'number' ? `${spec.value}\n` : (spec.value ?? '')
      artifacts.push({
        name: `helm-install-duration-${id}`,
        zip:
          spec.metadata === undefined
            ? sampleZip(content, undefined, {
                run_id: id,
                ...(spec.environment ? { environment: spec.environment } : {})
              })
            : buildZip([
                { name: 'install_to_ready_seconds.txt', data: content },
                { name: 'metadata.json', data: spec.metadata }
              ]),
        ...spec.artifact
      })
    }
    artifacts.push(...(spec.extra ?? []))
    return {
      id,
      run_number: 1000 - i,
      head_branch: spec.branch ?? 'main',
      head_sha: createHash('sha1').update(String(id)).digest('hex'),
      event: spec.event ?? 'push',
      status: spec.status ?? 'completed',
      conclusion: spec.conclusion === undefined ? 'success' : spec.conclusion,
      created_at: new Date(Date.UTC(2026, 10, 1) - i * 3_600_000).toISOString().replace('.000', ''),
      head: spec.head ?? 'own',
      artifacts,
      ...(spec.attempt ? { run_attempt: spec.attempt } : {}),
      ...(spec.jobs || spec.span !== undefined
        ? { jobs: spec.jobs ?? [installJob(spec.span ?? 0)] }
        : {})
    }
  })
}

/**
 * Another workflow's runs, one half an hour after each of ours, each uploading `perRun`
 * artifacts: in the repository-wide listing they interleave with ours, as a busy
 * repository's do. Their runs are not in our workflow's listing.
 */
export function otherWorkflowRuns(ours: FakeRun[], perRun = 2): FakeRun[] {
  return ours.map((run, i) => {
    const created = new Date(Date.parse(run.created_at) + 30 * 60_000).toISOString()
    return {
      ...run,
      id: 500_000 + i,
      workflow: 'lint.yml',
      created_at: created,
      updated_at: created,
      artifacts: Array.from({ length: perRun }, (_, k) => ({
        name: `report-${k}`,
        zip: sampleZip('not a sample\n')
      }))
    }
  })
}

/**
 * The bench's busy repository: `runs` runs of ours, newest first, of every 5 of which 3 hold
 * a counted sample, 1 has none, and 1 was cancelled (its sample does not count); another
 * workflow uploads 2 artifacts between each two of ours. Every run completed long before the
 * listing lag.
 */
export function busyHistory(name?: string, runs = 500): FakeRun[] {
  const specs: RunSpec[] = Array.from({ length: runs }, (_, i) => {
    const value = 120 + ((i * 37) % 90)
    const artifact = name ? { artifact: { name } } : {}
    if (i % 5 === 3) return {}
    if (i % 5 === 4) return { value, conclusion: 'cancelled', ...artifact }
    return { value, ...artifact }
  })
  const ours = makeRuns(specs)
  return [...ours, ...otherWorkflowRuns(ours, 2)]
}

/** One new successful run with a sample, an hour after the newest. */
export function withNewRun(runs: FakeRun[], name?: string): FakeRun[] {
  const newest = Math.max(...runs.filter(r => !r.workflow).map(r => r.id))
  const [run] = makeRuns([{ value: 150, ...(name ? { artifact: { name } } : {}) }], newest + 1)
  run.created_at = run.updated_at = '2026-11-01T01:00:00Z'
  return [run, ...runs]
}

/**
 * The bench's history of job timings: `runs` completed runs with no artifact anywhere, of
 * every 5 of which 3 ran the install and the wait, 1 failed the install (its wait skipped, so
 * the run is skipped), and 1 was cancelled (not counted).
 */
export function timedHistory(runs = 500): FakeRun[] {
  return makeRuns(
    Array.from({ length: runs }, (_, i): RunSpec => {
      const span = 120 + ((i * 37) % 90)
      if (i % 5 === 3) return { jobs: [skippedWait(span)], conclusion: 'failure' }
      if (i % 5 === 4) return { span, conclusion: 'cancelled' }
      return { span }
    })
  )
}

/** The install job of a run whose install failed: its wait was skipped. */
function skippedWait(seconds: number): FakeJob {
  const job = installJob(seconds)
  job.steps[3] = { ...job.steps[3], conclusion: 'skipped', start: null, end: null }
  return { ...job, conclusion: 'failure' }
}
