/**
 * `npm run demo:report -- [flags]`: the operator command (dist/report.js) against the demo's
 * example history (`npm run demo`) on the project's fake GitHub API on loopback. No token of
 * yours, no network: `npm run demo:report -- --backtest --window 5` replays it.
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { DEMO_HISTORY } from '../__fixtures__/demo-history.js'
import { FakeGitHub } from '../__fixtures__/github-server.js'
import { makeRuns } from '../__fixtures__/history.js'

const fake = new FakeGitHub({ runs: makeRuns(DEMO_HISTORY) })
await fake.start()
try {
  const args = ['--repo', 'tracecore/tracecore', ...process.argv.slice(2)]
  console.log(`$ helm-rolling-report ${args.join(' ')}`)
  // Asynchronous: the fake API answers from this same process while the command runs.
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>(done =>
    execFile(
      process.execPath,
      [resolve('dist/report.js'), ...args],
      { env: { PATH: process.env.PATH ?? '', GH_TOKEN: fake.token, GITHUB_API_URL: fake.url } },
      (error, out, err) => {
        process.stderr.write(err)
        done({ code: error ? Number(error.code) : 0, stdout: out })
      }
    )
  )
  process.stdout.write(stdout)
  // A breach exits 1 with its report on stdout, as the command itself does.
  process.exitCode = code
  console.log(`(${fake.apiCalls().length} API requests)`)
} finally {
  await fake.stop()
}
