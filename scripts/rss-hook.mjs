// Preloaded by the benchmark (node --import): reports the process's peak RSS when it exits.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  if (process.env.RSS_FILE)
    writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS))
})
