/**
 * `npm run demo`: the action's main job against a built-in example history. It starts the
 * project's fake GitHub API on loopback, runs the bundled dist/index.js as the runner would,
 * and prints the verdict, the outputs and the job summary. No token, no network.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { FakeGitHub } from '../__fixtures__/github-server.js'
import { CHROMIUM, mermaidBlock, renderMermaid } from '../__fixtures__/mermaid.js'
import { DEMO_HISTORY } from '../__fixtures__/demo-history.js'
import { makeRuns } from '../__fixtures__/history.js'
import { runAction } from '../__fixtures__/run-action.js'

const history = makeRuns(DEMO_HISTORY)

const fake = new FakeGitHub({ runs: history })
await fake.start()
try {
  const budget = process.argv[2] ?? '300'
  const result = await runAction(fake, { inputs: { budget, value: '144', history: '20' } })
  const out = resolve('.demo')
  mkdirSync(out, { recursive: true })
  writeFileSync(resolve(out, 'summary.md'), result.summary)
  console.log(
    `helm-rolling-action demo: ${history.length} runs of chart.yml on a fake GitHub API at ${fake.url}`
  )
  console.log(`exit code ${result.code}; ${fake.requests.length} HTTP requests\n`)
  console.log('--- log ---')
  console.log(result.stdout.trim())
  console.log('\n--- outputs ---')
  for (const [name, value] of Object.entries(result.outputs)) console.log(`${name}=${value}`)
  console.log('\n--- job summary (also in .demo/summary.md) ---')
  console.log(result.summary)
  const diagram = mermaidBlock(result.summary)
  if (diagram && existsSync(CHROMIUM)) {
    await renderMermaid(diagram, resolve(out, 'chart.png'))
    console.log('The trend chart, rendered by mermaid-cli in headless Chromium: .demo/chart.png')
  } else if (diagram) {
    console.log(`(${CHROMIUM} is missing: install Debian's chromium to render .demo/chart.png)`)
  }
  process.exitCode = result.code
} finally {
  await fake.stop()
}
