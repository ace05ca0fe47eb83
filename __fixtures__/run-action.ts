import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import type { FakeGitHub } from './github-server.js'

export const DIST = resolve(import.meta.dirname, '..', 'dist', 'index.js')
const ACTION_YML = resolve(import.meta.dirname, '..', 'action.yml')

/**
 * The inputs as the runner passes them: every input action.yml declares, its default where the
 * step sets none (with the `${{ github.* }}` expressions it uses evaluated), so a default
 * changed in action.yml changes what the end-to-end tests run, as it would for users.
 */
export function runnerInputs(
  fake: Pick<FakeGitHub, 'token' | 'owner' | 'repo'>,
  inputs: Record<string, string> = {}
): Record<string, string> {
  const github: Record<string, string> = {
    token: fake.token,
    repository: `${fake.owner}/${fake.repo}`
  }
  const declared = (
    parse(readFileSync(ACTION_YML, 'utf8')) as {
      inputs: Record<string, { default?: string | number | boolean } | null>
    }
  ).inputs
  const defaults = Object.entries(declared).map(([name, spec]) => {
    const value = String(spec?.default ?? '').replace(
      /\$\{\{\s*github\.(\w+)\s*\}\}/g,
      (all, key: string) => {
        if (!(key in github))
          throw new Error(`run-action: no value for ${all} (action.yml, ${name})`)
        return github[key]
      }
    )
    if (value.includes('${{')) throw new Error(`run-action: cannot evaluate ${name}'s default`)
    return [name, value] as const
  })
  return { ...Object.fromEntries(defaults), ...inputs }
}

export interface ActionResult {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** Workflow-command annotations the runner would show: `warning`, `error`, `notice`. */
  annotations: { level: string; message: string }[]
  dir: string
  /** Date.now() just before the process was started. */
  startedAt: number
}

export interface RunOptions {
  inputs?: Record<string, string>
  env?: Record<string, string>
  /** The node binary to run the bundle with (the runner uses Node 24 now; CI checks both). */
  node?: string
  /** Flags for node before the script, e.g. `--import` of a measuring hook. */
  nodeArgs?: string[]
  timeoutMs?: number
  /** More of the event payload, e.g. a `pull_request` object. */
  payload?: Record<string, unknown>
  /** Another build's index.js, for the bench's before-and-after rows; default dist/. */
  dist?: string
}

/**
 * Runs the bundled action the way the runner does: inputs as INPUT_<NAME> variables (upper
 * case, dashes kept), outputs and summary in files, the API URL pointing at the fake.
 */
export async function runAction(fake: FakeGitHub, options: RunOptions = {}): Promise<ActionResult> {
  const dir = mkdtempSync(join(tmpdir(), 'helm-rolling-e2e-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary.md')
  const eventFile = join(dir, 'event.json')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  writeFileSync(
    eventFile,
    JSON.stringify({
      repository: {
        full_name: `${fake.owner}/${fake.repo}`,
        default_branch: fake.defaultBranch,
        id: fake.repoId
      },
      ...options.payload
    })
  )
  const inputs = runnerInputs(fake, options.inputs)
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    RUNNER_TEMP: dir,
    // The test run's temporary root (jest's global setup), so the action leaves nothing behind.
    TMPDIR: tmpdir(),
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: fake.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
    GITHUB_WORKFLOW_REF: `${fake.owner}/${fake.repo}/.github/workflows/${fake.workflow}@refs/heads/main`,
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_RUN_ID: '9100',
    GITHUB_RUN_NUMBER: '1100',
    GITHUB_SHA: 'c0ffee0000000000000000000000000000000000',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...options.env
  }
  const startedAt = Date.now()
  const { code, stdout, stderr } = await new Promise<{
    code: number
    stdout: string
    stderr: string
  }>(done => {
    execFile(
      options.node ?? process.env.E2E_NODE ?? process.execPath,
      [...(options.nodeArgs ?? []), options.dist ?? DIST],
      { env, cwd: dir, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) =>
        done({
          code: error ? (typeof error.code === 'number' ? error.code : -1) : 0,
          stdout,
          stderr
        })
    )
  })
  return {
    code,
    stdout,
    stderr,
    outputs: parseOutputs(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    annotations: [...stdout.matchAll(/^::(warning|error|notice)[^:]*::(.*)$/gm)].map(m => ({
      level: m[1],
      message: m[2]
    })),
    dir,
    startedAt
  }
}

/** Reads the runner's `name<<delimiter` output file format. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const pattern = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const m of text.matchAll(pattern)) outputs[m[1]] = m[3]
  return outputs
}

/** Runs JSON outputs parsed back. */
export const samplesOf = (result: ActionResult) =>
  (JSON.parse(result.outputs.samples ?? '[]') as { run_id: number; value: number }[]).map(
    s => s.value
  )
export const skippedOf = (result: ActionResult) =>
  JSON.parse(result.outputs.skipped ?? '[]') as { run_id: number; reason: string }[]
