// The artifact source's bound on its network calls (downloads and runs' own lookups).
import { describe, expect, it } from '@jest/globals'
import { limiter } from '../src/app/limit.js'

describe('limiter', () => {
  it('runs at most its size at once, also when a newcomer arrives as a place frees', async () => {
    // Runs share what they wait on (a listing page, the cache entry): the first call's own
    // answer also wakes another run, which asks for a place in the very tick the first frees
    // it, while the next in line has been handed it but not yet resumed.
    const limit = limiter(1)
    let now = 0
    let most = 0
    const work = () => {
      now++
      most = Math.max(most, now)
      return new Promise<void>(done => setTimeout(done, 5)).then(() => void now--)
    }
    let shared: Promise<void> | undefined
    const first = limit(() => (shared = work()))
    const second = limit(work)
    await Promise.resolve()
    const third = shared?.then(() => limit(work))
    await Promise.all([first, second, third])
    expect(most).toBe(1)
  })

  it('lets the next in line run after a call that failed', async () => {
    const limit = limiter(1)
    const failing = limit(() => Promise.reject(new Error('boom')))
    const next = limit(() => Promise.resolve(7))
    await expect(failing).rejects.toThrow('boom')
    await expect(next).resolves.toBe(7)
  })
})
