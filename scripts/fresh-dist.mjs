// Runs before `npm test`: the end-to-end tests execute dist/, so a bundle older than any file
// under src/ is rebuilt first rather than tested stale.
import { execSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const newest = dir =>
  Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map(entry => {
      const path = join(dir, entry.name)
      return entry.isDirectory() ? newest(path) : statSync(path).mtimeMs
    })
  )

let bundle = 0
try {
  bundle = statSync('dist/index.js').mtimeMs
} catch {
  // no bundle yet: build it
}
if (newest('src') > bundle) {
  console.log('src/ is newer than dist/index.js: rebuilding dist/ before the tests')
  execSync('npm run package', { stdio: 'inherit' })
}
