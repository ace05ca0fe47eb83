import type { Environment } from '../core/types.js'
import { readFileSync } from 'node:fs'
import { runnerEnvironment } from '../core/history/environment.js'

/**
 * The runner's description of the run executing this step, read once from the environment.
 * Every field is optional: the action also runs outside Actions (local runs, tests).
 */
export interface RunnerContext {
  runId?: number
  runAttempt: number
  runNumber?: number
  sha: string
  ref: string
  workflow: string
  repository: string
  serverUrl: string
  /** GitHub Enterprise Server: no v4 artifact service, so `record` cannot upload there. */
  isGhes: boolean
  runnerOs: string
  /** `RUNNER_NAME`: finds this step's own job among the run's jobs (job timings). */
  runnerName: string
  /** The built-in environment keys the runner sets (`runner-os`, `image-version`...). */
  runnerEnvironment: Environment
  runnerTemp?: string
  eventName: string
  /** From the event payload: `owner/name` and its default branch, when the payload says. */
  payloadRepository?: { fullName: string; defaultBranch: string }
  /** From a `pull_request` event's payload: the pull request this run tests. */
  pullRequest?: PullRequestFacts
  /** Why the event payload could not be read, for one warning; undefined when it was fine. */
  payloadProblem?: string
}

export interface PullRequestFacts {
  number: number
  /** The head branch: untrusted text (anyone who opens a pull request names it). */
  headRef: string
  headSha: string
  /** `owner/name` of the head repository; null when the fork was deleted. */
  headRepository: string | null
}

/** Reads the runner context; a missing or garbled event payload is a problem to report, not a crash. */
export function readRunnerContext(env: NodeJS.ProcessEnv): RunnerContext {
  const payload = readPayload(env.GITHUB_EVENT_PATH)
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  return {
    runId: positiveInteger(env.GITHUB_RUN_ID),
    runAttempt: positiveInteger(env.GITHUB_RUN_ATTEMPT) ?? 1,
    runNumber: positiveInteger(env.GITHUB_RUN_NUMBER),
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    workflow: env.GITHUB_WORKFLOW ?? '',
    repository: env.GITHUB_REPOSITORY ?? '',
    serverUrl,
    isGhes: isGhesServer(serverUrl),
    runnerOs: env.RUNNER_OS ?? '',
    runnerName: env.RUNNER_NAME ?? '',
    runnerEnvironment: runnerEnvironment(env),
    runnerTemp: env.RUNNER_TEMP || undefined,
    eventName: env.GITHUB_EVENT_NAME ?? '',
    ...payload
  }
}

/**
 * GitHub Enterprise Server is any server that is neither github.com nor GitHub Enterprise
 * Cloud with data residency (`*.ghe.com`). `*.localhost` is not GHES either: that is the rule
 * `@actions/artifact` itself applies, so the action never warns where the upload would work.
 */
export function isGhesServer(serverUrl: string): boolean {
  let host: string
  try {
    host = new URL(serverUrl).hostname.toLowerCase()
  } catch {
    return false
  }
  return host !== 'github.com' && !host.endsWith('.ghe.com') && !host.endsWith('.localhost')
}

function positiveInteger(text: string | undefined): number | undefined {
  const value = Number(text)
  return Number.isSafeInteger(value) && value > 0 ? value : undefined
}

type PayloadFacts = Pick<RunnerContext, 'payloadRepository' | 'payloadProblem' | 'pullRequest'>

/** The event payload is only a shortcut to the default branch, so any problem just loses it. */
function readPayload(path: string | undefined): PayloadFacts {
  if (!path) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).name
    return { payloadProblem: `the event payload at GITHUB_EVENT_PATH is unreadable (${why})` }
  }
  const pullRequest = pullRequestOf((parsed as { pull_request?: unknown } | null)?.pull_request)
  const facts = pullRequest ? { pullRequest } : {}
  const repository = (parsed as { repository?: unknown } | null)?.repository
  if (typeof repository !== 'object' || repository === null) return facts
  const { full_name: fullName, default_branch: defaultBranch } = repository as Record<
    string,
    unknown
  >
  return typeof fullName === 'string' && typeof defaultBranch === 'string' && defaultBranch
    ? { payloadRepository: { fullName, defaultBranch }, ...facts }
    : facts
}

/** The pull request's number, head branch, sha and repository; undefined unless all are sound. */
function pullRequestOf(value: unknown): PullRequestFacts | undefined {
  const pr = value as
    | {
        number?: unknown
        head?: { ref?: unknown; sha?: unknown; repo?: { full_name?: unknown } | null }
      }
    | null
    | undefined
  const head = pr?.head
  if (!pr || !Number.isSafeInteger(pr.number) || (pr.number as number) <= 0 || !head)
    return undefined
  if (typeof head.ref !== 'string' || typeof head.sha !== 'string') return undefined
  const repo = head.repo?.full_name
  return {
    number: pr.number as number,
    headRef: head.ref,
    headSha: head.sha,
    headRepository: typeof repo === 'string' ? repo : null
  }
}
