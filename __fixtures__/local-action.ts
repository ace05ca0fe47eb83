/**
 * The `.env` that runs this action under `@github/local-action` against the demo's fake
 * GitHub. docs/development/local-action.md shows it for the fixed port of `npm run local-action -- --serve`, and a
 * test checks that that copy is this one, so the documented file is the one that runs.
 */

/** `npm run local-action -- --serve` listens here; docs/development/local-action.md's `.env` points here. */
export const LOCAL_ACTION_PORT = 8321

/** The version `scripts/local-action.ts` runs (through npx, see its note on why not a dependency). */
export const LOCAL_ACTION_VERSION = '7.0.1'

/** Folder for the summary and the recorded artifact, relative to the repository root. */
export const LOCAL_ACTION_DIR = '.demo/local-action'

export function localActionEnv(apiUrl: string, dir = LOCAL_ACTION_DIR): string {
  return `# local-action reads action.yml's defaults literally: \${{ github.token }} and
# \${{ github.repository }} are not expanded, so token and repository are given here.
# The workflow defaults to GITHUB_WORKFLOW_REF, which only a runner sets.
INPUT_GITHUB-TOKEN=fake-token
INPUT_REPOSITORY=tracecore/tracecore
INPUT_WORKFLOW=chart.yml
INPUT_VALUE=144
INPUT_RECORD=true
# Octokit reads the API's address from here; the demo's fake GitHub answers on it.
GITHUB_API_URL=${apiUrl}
GITHUB_SERVER_URL=https://github.com
GITHUB_REPOSITORY=tracecore/tracecore
GITHUB_STEP_SUMMARY=${dir}/summary.md
# record: the action uploads only inside a job (a run id and the artifact service's
# variables); local-action's stand-in for @actions/artifact then writes the zip to
# LOCAL_ACTION_ARTIFACT_PATH and never calls the service.
GITHUB_RUN_ID=9100
ACTIONS_RUNTIME_TOKEN=local
ACTIONS_RESULTS_URL=${apiUrl}/
LOCAL_ACTION_ARTIFACT_PATH=${dir}/artifacts
LOCAL_ACTION_WORKSPACE=${dir}
`
}
