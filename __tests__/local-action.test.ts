import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { LOCAL_ACTION_PORT, localActionEnv } from '../__fixtures__/local-action.js'

/**
 * The `.env` for `@github/local-action` in docs/development/local-action.md is the one `npm run local-action` runs
 * (`.ci/run` runs that script), so the documented file is a working one.
 */
describe("docs/development/local-action.md's .env", () => {
  const readme = readFileSync(
    resolve(import.meta.dirname, '..', 'docs', 'development', 'local-action.md'),
    'utf8'
  )
  const block = /```dotenv\n([\s\S]*?)```/.exec(readme)?.[1]

  it('is the .env the local-action script runs, on the --serve port', () => {
    expect(block).toBe(localActionEnv(`http://127.0.0.1:${LOCAL_ACTION_PORT}`))
  })

  it('sets what local-action cannot derive: token, repository, workflow, API URL, summary', () => {
    for (const name of [
      'INPUT_GITHUB-TOKEN',
      'INPUT_REPOSITORY',
      'INPUT_WORKFLOW',
      'GITHUB_API_URL',
      'GITHUB_STEP_SUMMARY',
      'ACTIONS_RUNTIME_TOKEN',
      'LOCAL_ACTION_ARTIFACT_PATH'
    ])
      expect(block).toMatch(new RegExp(`^${name}=\\S`, 'm'))
  })
})
