#!/usr/bin/env node
/**
 * helm-rolling-report: the operator command. The same engine as the action, for a person at a
 * terminal: the GitHub API with a token, or a folder of artifacts `gh run download` left.
 */
import { cli } from './command.js'

// The engine logs through @actions/core, which writes to stdout: here those lines go to
// stderr, so that stdout holds only the result (and nothing when the check could not run).
const stdout = process.stdout.write.bind(process.stdout)
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write
const result = await cli(process.argv.slice(2), process.env)
stdout(result.stdout)
process.stderr.write(result.stderr)
process.exitCode = result.code
