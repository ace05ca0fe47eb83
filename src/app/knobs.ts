import { DEFAULT_CLIENT_OPTIONS, type ClientOptions } from '../github/client.js'

/**
 * The test-only knobs for the fake server's hang and retry cases, read once, here; unset on
 * real runners. The cache's one knob shortens its restore and save deadlines and the grace
 * before exit alike.
 */
export function testKnobs(env: NodeJS.ProcessEnv): {
  client: ClientOptions
  cacheTimeoutMs?: number
} {
  const knob = (name: string, fallback: number) => Number(env[name]) || fallback
  return {
    client: {
      timeoutMs: knob('HELM_ROLLING_TIMEOUT_MS', DEFAULT_CLIENT_OPTIONS.timeoutMs),
      retries: knob('HELM_ROLLING_RETRIES', DEFAULT_CLIENT_OPTIONS.retries),
      retryUnitMs: knob('HELM_ROLLING_RETRY_UNIT_MS', DEFAULT_CLIENT_OPTIONS.retryUnitMs),
      maxWaitSeconds: knob('HELM_ROLLING_MAX_WAIT_S', DEFAULT_CLIENT_OPTIONS.maxWaitSeconds)
    },
    cacheTimeoutMs: Number(env.HELM_ROLLING_CACHE_TIMEOUT_MS) || undefined
  }
}
