import { DEFAULT_CLIENT_OPTIONS, type ClientOptions } from '../github/client.js'

/** The upload's grace after the verdict: past it, the sample is given up on. */
export const UPLOAD_GRACE_MS = 60_000

export interface Knobs {
  client: ClientOptions
  /** How long the `record` upload may run on after the verdict is out. */
  uploadGraceMs: number
  /** Replaces the cache's restore and save deadlines when set. */
  cacheTimeoutMs?: number
  /** The bound of the issue and the comment together. */
  notifyTimeoutMs?: number
  /** How long apart this run's jobs are read again while a step of the span shows running. */
  rereadMs?: number
}

/**
 * The test-only knobs for the fake server's hang, retry and upload cases, read once, here, for
 * the action and the operator command alike; unset on real runners, where the defaults hold.
 */
export function testKnobs(env: NodeJS.ProcessEnv): Knobs {
  const knob = (name: string, fallback: number) => Number(env[name]) || fallback
  return {
    client: {
      timeoutMs: knob('HELM_ROLLING_TIMEOUT_MS', DEFAULT_CLIENT_OPTIONS.timeoutMs),
      retries: knob('HELM_ROLLING_RETRIES', DEFAULT_CLIENT_OPTIONS.retries),
      retryUnitMs: knob('HELM_ROLLING_RETRY_UNIT_MS', DEFAULT_CLIENT_OPTIONS.retryUnitMs),
      maxWaitSeconds: knob('HELM_ROLLING_MAX_WAIT_S', DEFAULT_CLIENT_OPTIONS.maxWaitSeconds)
    },
    uploadGraceMs: knob('HELM_ROLLING_UPLOAD_GRACE_MS', UPLOAD_GRACE_MS),
    cacheTimeoutMs: Number(env.HELM_ROLLING_CACHE_TIMEOUT_MS) || undefined,
    notifyTimeoutMs: Number(env.HELM_ROLLING_NOTIFY_TIMEOUT_MS) || undefined,
    rereadMs: Number(env.HELM_ROLLING_REREAD_MS) || undefined
  }
}
