import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { cacheEnv } from '../__fixtures__/cache-service.js'

/**
 * Two entries restored at once into the one private folder: a check with a recorded metric
 * and timed ones restores the artifact samples' entry and the runs' jobs' together, and their
 * files share a parent folder. Two tars that both create that folder race, and one fails
 * ("Cannot open: No such file or directory"; 101 of 200 tries with the cache client's own tar
 * flags on this machine's GNU tar). So the folder is made before a restore starts: this checks
 * it is there when the cache client is called (the client is a stand-in that only looks).
 */
const seen: { path: string; parentThere: boolean }[] = []
jest.unstable_mockModule('@actions/cache', () => ({
  restoreCache: async (paths: string[]) => {
    for (const path of paths) {
      const parent = dirname(join(String(process.env.GITHUB_WORKSPACE), path))
      seen.push({ path, parentThere: existsSync(parent) })
    }
    return undefined
  }
}))
const { ProcessCacheHost } = await import('../src/app/cache-host.js')
const { BOOK_PATH, RUN_JOBS_PATH, restoreRunJobs, restoreSamples } =
  await import('../src/cache/sample-cache.js')

const SAMPLES = { owner: 'o', repo: 'r', workflow: 'chart.yml', artifactName: 'a-{run_id}' }
const RUN_JOBS = { owner: 'o', repo: 'r', workflow: 'chart.yml', runJobs: true as const }

describe('restoring two entries at once', () => {
  const saved = { ...process.env }
  let root = ''

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'cache-restore-'))
  })

  afterAll(async () => {
    process.env = saved
    await rm(root, { recursive: true, force: true })
  })

  it('makes the entries’ parent folder before the cache client extracts into it', async () => {
    // A cache service is there (never called: the client is a stand-in).
    const service = cacheEnv({ url: 'http://127.0.0.1:9', webUrl: 'https://github.com' }, 1)
    const env: NodeJS.ProcessEnv = { ...saved, ...service, RUNNER_TEMP: root }
    process.env = env
    const host = new ProcessCacheHost(env)
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      await Promise.all([restoreSamples(SAMPLES, host), restoreRunJobs(RUN_JOBS, host)])
    } finally {
      jest.restoreAllMocks()
    }
    expect(seen).toEqual([
      { path: BOOK_PATH, parentThere: true },
      { path: RUN_JOBS_PATH, parentThere: true }
    ])
    // The two files do share that folder: the reason it must exist first.
    expect(dirname(BOOK_PATH)).toBe(dirname(RUN_JOBS_PATH))
  })
})
