import { DEFAULT_CLIENT_OPTIONS, type ClientOptions } from './github/client.js'

/**
 * The test-only knobs, read in this one place: the fake server's hang, retry and upload cases
 * shrink seconds to milliseconds with them. Unset on real runners, where the defaults hold.
 */
export interface Knobs {
  client: ClientOptions
  /** How long the `record` upload may run on after the verdict is out. */
  uploadGraceMs: number
  /** Replaces the cache's restore and save deadlines (sample-cache.ts) when set. */
  cacheTimeoutMs?: number
}

/** The upload's grace after the verdict: past it, the sample is given up on. */
export const UPLOAD_GRACE_MS = 60_000

export function knobsFromEnv(env: NodeJS.ProcessEnv): Knobs {
  const knob = (name: string, fallback: number) => Number(env[`HELM_ROLLING_${name}`]) || fallback
  return {
    client: {
      timeoutMs: knob('TIMEOUT_MS', DEFAULT_CLIENT_OPTIONS.timeoutMs),
      retries: knob('RETRIES', DEFAULT_CLIENT_OPTIONS.retries),
      retryUnitMs: knob('RETRY_UNIT_MS', DEFAULT_CLIENT_OPTIONS.retryUnitMs),
      maxWaitSeconds: knob('MAX_WAIT_S', DEFAULT_CLIENT_OPTIONS.maxWaitSeconds)
    },
    uploadGraceMs: knob('UPLOAD_GRACE_MS', UPLOAD_GRACE_MS),
    cacheTimeoutMs: Number(env.HELM_ROLLING_CACHE_TIMEOUT_MS) || undefined
  }
}
