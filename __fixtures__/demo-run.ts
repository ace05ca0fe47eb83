import { rmSync } from 'node:fs'
import { DEMO_HISTORY } from './demo-history.js'
import { FakeGitHub } from './github-server.js'
import { makeRuns } from './history.js'
import { type ActionResult, runAction } from './run-action.js'

export interface DemoRun {
  result: ActionResult
  /** Runs in the example history. */
  runs: number
  /** REST API requests: the ones the log's "GitHub API: N requests" bill counts. */
  apiRequests: number
  /** Artifact downloads that followed the API's 302 to the blob host (not rate-limited). */
  blobDownloads: number
}

/**
 * The demo: the bundled action once against the example history on the fake GitHub API, as
 * `npm run demo` and the summary picture run it. The action's temporary folder (outputs,
 * summary, event payload) is removed before this returns: the result holds what it wrote.
 */
export async function runDemo(budget = '300'): Promise<DemoRun> {
  const runs = makeRuns(DEMO_HISTORY)
  const fake = new FakeGitHub({ runs })
  await fake.start()
  try {
    const result = await runAction(fake, { inputs: { budget, value: '144', history: '20' } })
    rmSync(result.dir, { recursive: true, force: true })
    return {
      result,
      runs: runs.length,
      apiRequests: fake.apiCalls().length,
      blobDownloads: fake.requests.filter(r => r.path.startsWith('/blob/')).length
    }
  } finally {
    await fake.stop()
  }
}
