import { run } from './main.js'

// Everything the step owes (outputs, summary, exit status) is done when run() returns; an
// optional call given up on (a hung upload or cache service) may still hold a socket open,
// which would keep Node alive until the job's timeout.
await run()
process.exit()
