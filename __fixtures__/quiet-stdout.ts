/**
 * Jest setup: no test may print a workflow command (`::warning::`, `::error::`, `::add-mask::`)
 * to the test runner's stdout. On the project's own CI the runner reads those lines and turns
 * them into annotations (or masks) on the project's runs. A test that calls real
 * `@actions/core` must capture stdout (or mock core) and assert on what it caught; one that
 * does not fails here, and the line is printed defused.
 */
import { afterEach } from '@jest/globals'

const COMMAND = /^::[a-z-]+(?: [^\n]*)?::/m
const leaked: string[] = []
const write = process.stdout.write.bind(process.stdout)

process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  if (!COMMAND.test(text)) return write(chunk, ...rest)
  leaked.push(text.trim())
  return write(text.replace(/^::/gm, '(workflow command) '), ...rest)
}) as typeof process.stdout.write

afterEach(() => {
  if (leaked.length === 0) return
  const lines = leaked.splice(0)
  throw new Error(
    `the test printed workflow commands to stdout; capture them instead:\n${lines.join('\n')}`
  )
})
