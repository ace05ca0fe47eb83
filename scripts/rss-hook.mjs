// Preloaded by the benchmark (node --import): reports the process's peak RSS when it exits and,
// for the steady-state check, when the step's outputs were written (the verdict is known to
// the workflow from then on; what follows is the cache save and the exit).
import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'

let outputsAt
const append = fs.appendFileSync
// @actions/core writes each output with appendFileSync to GITHUB_OUTPUT: the last such write
// is the moment the outputs are complete.
fs.appendFileSync = function (path, ...rest) {
  const result = append.call(this, path, ...rest)
  if (process.env.GITHUB_OUTPUT && path === process.env.GITHUB_OUTPUT) outputsAt = Date.now()
  return result
}
syncBuiltinESMExports()

process.on('exit', () => {
  if (process.env.RSS_FILE)
    fs.writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS))
  if (process.env.OUTPUTS_AT_FILE && outputsAt !== undefined)
    fs.writeFileSync(process.env.OUTPUTS_AT_FILE, String(outputsAt))
})
