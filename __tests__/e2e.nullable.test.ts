import { describe, expect, it } from '@jest/globals'
import type { Fault, FakeRun } from '../__fixtures__/github-server.js'
import { makeRuns, type RunSpec } from '../__fixtures__/history.js'
import { runAction, samplesOf, skippedOf, type ActionResult } from '../__fixtures__/run-action.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'
import { sampleZip } from '../__fixtures__/zip.js'

/**
 * Every field the action reads that GitHub's OpenAPI description allows to be null, served as
 * null by the fake: each yields the right verdict and a reason, never a crash or a count.
 * Runs: `head_branch`, `status`, `conclusion` (and `head_repository`, null in practice for a
 * deleted fork though the description does not allow it). Artifacts: `workflow_run`, `digest`.
 */
describe('fields GitHub may send as null', () => {
  const { fake } = useFakeGitHub()
  const check = async (
    specs: (RunSpec | number)[],
    change: (runs: FakeRun[]) => void,
    inputs: Record<string, string>,
    unfiltered = false
  ): Promise<ActionResult> => {
    fake.runs = makeRuns(specs)
    change(fake.runs)
    fake.faults = unfiltered ? [await unfilteredListing()] : []
    fake.requests.length = 0
    return runAction(fake, { inputs, env: { HELM_ROLLING_RETRY_UNIT_MS: '10' } })
  }
  /** The fake's own listing of every run, as a one-time answer to the filtered request. */
  const unfilteredListing = async (): Promise<Fault> => {
    const url = `${fake.apiUrl}/repos/${fake.owner}/${fake.repo}/actions/workflows/${fake.workflow}/runs?per_page=100`
    const response = await fetch(url, { headers: { authorization: `Bearer ${fake.token}` } })
    return { path: /\/runs\?/, times: 1, status: 200, body: await response.json() }
  }
  const reasons = (r: ActionResult) =>
    Object.fromEntries(skippedOf(r).map(s => [s.run_id, s.reason]))

  it('skips runs with a null head_branch, status, conclusion or head_repository, with reasons', async () => {
    const r = await check(
      [120, 1, { value: 1, conclusion: null }, 1, { value: 1, head: 'null' }, 130, 140, 150],
      runs => {
        runs[1].head_branch = null
        runs[3].status = null
      },
      { window: '4' },
      // GitHub's own branch and status filters would hide these runs; the listing is served
      // unfiltered so that the action's rules, not the server's, must skip them.
      true
    )
    expect(r.code).toBe(0)
    expect(r.stderr).not.toMatch(/TypeError/)
    expect(r.outputs.verdict).toBe('pass')
    expect(samplesOf(r)).toEqual([120, 130, 140, 150])
    expect(reasons(r)).toEqual({
      8999: 'ran on another branch',
      8998: 'conclusion none is not counted',
      8997: 'not completed (null)',
      8996: 'head repository is a fork'
    })
  })

  it('reads an artifact whose digest is null (no digest to check) and counts it', async () => {
    const r = await check([{ value: 120, artifact: { digest: null } }, 130], () => undefined, {
      window: '2'
    })
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual([120, 130])
    expect(fake.downloadsOf(9000)).toBe(1)
  })

  it('does not count an artifact whose workflow_run is null, and says why', async () => {
    const r = await check(
      [{ value: 1, artifact: { workflowRunId: null } }, 130, 140],
      () => undefined,
      { window: '2' }
    )
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual([130, 140])
    expect(reasons(r)).toEqual({
      9000: 'artifact names no workflow run (workflow_run is null), so it cannot count for this run'
    })
    expect(fake.downloadsOf(9000)).toBe(0)
  })

  it('counts the run by its own artifact when a same-named one has a null workflow_run', async () => {
    const r = await check(
      [
        {
          value: 120,
          extra: [
            {
              name: 'helm-install-duration-9000',
              zip: sampleZip('1\n'),
              workflowRunId: null
            }
          ]
        },
        130
      ],
      runs => runs[0].artifacts.reverse(),
      { window: '2' }
    )
    expect(r.code).toBe(0)
    expect(samplesOf(r)).toEqual([120, 130])
  })
})
