import { afterAll, beforeAll, beforeEach } from '@jest/globals'
import { createClient, type Client } from '../src/github/client.js'
import type { FakeGitHub } from './github-server.js'

/**
 * Starts `fake` for an in-process suite, points GITHUB_API_URL at it and hands `use` a client
 * with short retries; faults and recorded requests are cleared before each test.
 */
export function useFakeClient(fake: FakeGitHub, retries: number, use: (c: Client) => void): void {
  beforeAll(async () => {
    await fake.start()
    process.env.GITHUB_API_URL = fake.apiUrl
    use(createClient(fake.token, { timeoutMs: 2000, retries, retryUnitMs: 1, maxWaitSeconds: 1 }))
  })
  afterAll(async () => {
    delete process.env.GITHUB_API_URL
    await fake.stop()
  })
  beforeEach(() => {
    fake.faults = []
    fake.requests.length = 0
  })
}
