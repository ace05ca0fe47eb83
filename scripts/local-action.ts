/**
 * `npm run local-action`: runs the action's source (src/main.ts) once through GitHub's
 * `@github/local-action` against the demo's fake GitHub, and checks what it did: verdict
 * `pass`, the sample recorded as a zip, the job summary written. Exits non-zero otherwise.
 * `npm run local-action -- --serve` only starts the fake GitHub on docs/development/local-action.md's port, for
 * running `npx @github/local-action run . src/main.ts .env` by hand or from an editor.
 *
 * local-action is run through npx at a pinned version, not installed as a dev dependency:
 * installing it (with its own @actions/cache) lifts @azure/storage-blob and
 * @azure/core-rest-pipeline in the action's production tree and so changes dist/.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { DEMO_HISTORY } from '../__fixtures__/demo-history.js'
import { FakeGitHub } from '../__fixtures__/github-server.js'
import { makeRuns } from '../__fixtures__/history.js'
import {
  LOCAL_ACTION_DIR,
  LOCAL_ACTION_PORT,
  LOCAL_ACTION_VERSION,
  localActionEnv
} from '../__fixtures__/local-action.js'

const root = resolve(import.meta.dirname, '..')
const serveOnly = process.argv.includes('--serve')
const fake = new FakeGitHub({ runs: makeRuns(DEMO_HISTORY) })
// The one-shot check takes any free port: other runs may hold the documented one.
await fake.start(serveOnly ? LOCAL_ACTION_PORT : 0)
const dir = join(root, LOCAL_ACTION_DIR)
rmSync(dir, { recursive: true, force: true })
mkdirSync(join(dir, 'artifacts'), { recursive: true })
writeFileSync(join(dir, 'summary.md'), '')

if (serveOnly) {
  writeFileSync(join(dir, '.env'), localActionEnv(fake.apiUrl))
  console.log(`The demo's fake GitHub is listening on ${fake.apiUrl} (Ctrl-C stops it).`)
  console.log(
    `Run: npx @github/local-action@${LOCAL_ACTION_VERSION} run . src/main.ts ${LOCAL_ACTION_DIR}/.env`
  )
} else {
  try {
    process.exitCode = await runOnce()
  } finally {
    await fake.stop()
  }
}

async function runOnce(): Promise<number> {
  const envFile = join(dir, '.env')
  writeFileSync(envFile, localActionEnv(fake.apiUrl))
  const { code, output } = await localAction(['run', '.', 'src/main.ts', envFile])
  const zips = readdirSync(join(dir, 'artifacts'))
  const summary = readFileSync(join(dir, 'summary.md'), 'utf8')
  const checks: [string, boolean][] = [
    // local-action exits 0 even after setFailed: the log's annotations tell.
    ['local-action exited 0', code === 0],
    ['no error in the log', !/::error::/.test(output)],
    ['verdict output is pass', /::set-output name=verdict::pass$/m.test(output)],
    ['this run counted first', /"run_id":9100,"run_number":null,"value":144/.test(output)],
    ['the sample was recorded', zips.includes('helm-install-duration-9100.zip')],
    ['the job summary was written', /^## .*pass: median/m.test(summary)],
    ['the fake API was read', fake.apiCalls().some(call => call.includes('/runs?'))]
  ]
  const failed = checks.filter(([, ok]) => !ok)
  if (failed.length) console.log(output)
  for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
  return failed.length ? 1 : 0
}

/** Runs local-action with none of a real job's variables: only the .env file speaks. */
function localAction(args: string[]): Promise<{ code: number; output: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(INPUT_|GITHUB_|ACTIONS_|RUNNER_)/.test(name))
  )
  const child = spawn('npx', ['--yes', `@github/local-action@${LOCAL_ACTION_VERSION}`, ...args], {
    cwd: root,
    env: { ...env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', chunk => (output += chunk))
  child.stderr.on('data', chunk => (output += chunk))
  return new Promise(done => child.on('close', code => done({ code: code ?? -1, output })))
}
