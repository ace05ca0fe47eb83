/**
 * `npm run demo`: the action's main job against a built-in example history. It starts the
 * project's fake GitHub API on loopback, runs the bundled dist/index.js as the runner would,
 * and prints the log as the runner shows it, the outputs and the job summary. No token, no
 * network, and nothing left in the temporary folder.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { runDemo } from '../__fixtures__/demo-run.js'
import { CHROMIUM, mermaidBlock, renderMermaid } from '../__fixtures__/mermaid.js'
import { asRunnerShows } from '../__fixtures__/runner-log.js'

const budget = process.argv[2] ?? '300'
const { result, runs, apiRequests, blobDownloads } = await runDemo(budget)
const out = resolve('.demo')
mkdirSync(out, { recursive: true })
writeFileSync(resolve(out, 'summary.md'), result.summary)
console.log(`helm-rolling-action demo: ${runs} runs of chart.yml on a fake GitHub API on loopback`)
console.log(
  `exit code ${result.code}; ${apiRequests} GitHub API requests (the log's bill), and ` +
    `${blobDownloads} artifact downloads from the storage host the API redirects to\n`
)
console.log('--- log, as the runner shows it ---')
console.log(asRunnerShows(result.stdout).trim())
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
