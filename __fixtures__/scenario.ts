import { afterAll, beforeAll } from '@jest/globals'
import { FakeGitHub, type FakeOptions, type FakeRun, type Fault } from './github-server.js'
import { makeRuns, otherWorkflowRuns, type RunSpec } from './history.js'
import { runAction, type ActionResult, type RunOptions } from './run-action.js'

export interface Scenario extends RunOptions {
  faults?: Fault[]
  /** Artifacts another workflow uploads per run of ours, interleaved in the repository listing. */
  busy?: number
  /** Changes the runs once made (timestamps, ids) before the action runs. */
  amend?: (runs: FakeRun[]) => void
}

/**
 * One fake GitHub for a test file; each scenario sets its history and faults afresh.
 * `options` make another kind of fake (a token of another kind, GHES).
 */
export function useFakeGitHub(options?: FakeOptions): {
  fake: FakeGitHub
  run: (specs: (RunSpec | number | string)[], scenario?: Scenario) => Promise<ActionResult>
} {
  const fake = new FakeGitHub(options)
  beforeAll(async () => {
    await fake.start()
  })
  afterAll(async () => {
    await fake.stop()
  })
  const run = async (specs: (RunSpec | number | string)[], scenario: Scenario = {}) => {
    fake.runs = makeRuns(specs)
    if (scenario.busy) fake.runs.push(...otherWorkflowRuns(fake.runs, scenario.busy))
    scenario.amend?.(fake.runs)
    fake.faults = scenario.faults ?? []
    fake.requests.length = 0
    return runAction(fake, {
      ...scenario,
      // Retries and timeouts in milliseconds rather than seconds keep the fault tests quick.
      env: { HELM_ROLLING_RETRY_UNIT_MS: '10', HELM_ROLLING_TIMEOUT_MS: '2000', ...scenario.env }
    })
  }
  return { fake, run }
}
