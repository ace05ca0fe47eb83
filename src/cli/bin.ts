#!/usr/bin/env node
/**
 * helm-rolling-report: the operator command. The same engine as the action, for a person at a
 * terminal: the GitHub API with a token, or a folder of artifacts `gh run download` left.
 */
import { cli } from './command.js'

const result = await cli(process.argv.slice(2), process.env)
process.stdout.write(result.stdout)
process.stderr.write(result.stderr)
process.exitCode = result.code
