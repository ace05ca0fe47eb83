/**
 * `npm run picture`: refreshes docs/images/job-summary.png, the README's picture of a job
 * summary: the demo's history judged against a 140 s budget (`npm run demo -- 140`), its
 * summary rendered as GitHub shows it (mermaid-cli and marked, then a screenshot in Debian's
 * headless Chromium). Run it after a change to the summary's layout, and commit the picture.
 * Debian's `chromium` draws it; `fonts-noto-color-emoji` gives the banner its emoji.
 */
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { CHROMIUM } from '../__fixtures__/mermaid.js'
import { PICTURE, renderDemoSummary } from '../__fixtures__/summary-picture.js'

if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing: install Debian's chromium (or set CHROMIUM_PATH)`)
  process.exit(1)
}
const { result } = await renderDemoSummary(PICTURE)
console.log(`${relative(process.cwd(), PICTURE)}: the job summary of a ${result.outputs.verdict}`)
