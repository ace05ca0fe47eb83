/**
 * A step's stdout as the Actions runner shows it in the log: workflow commands are read, not
 * printed. `::warning::text` shows as `Warning: text` (likewise notice and error), `::group::`
 * as its title, debug lines only with step debugging on, other commands not at all; a
 * command's text is un-escaped (`%25` is `%`, `%0A` a line break), as the runner does.
 */
const TITLES: Record<string, string> = { error: 'Error', warning: 'Warning', notice: 'Notice' }

/** The runner's reverse of the escaping `@actions/core` applies to a command's message. */
const unescape = (text: string): string =>
  text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')

function shown(line: string): string | undefined {
  const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
  if (!command) return line
  const [, name, message] = command
  if (TITLES[name]) return `${TITLES[name]}: ${unescape(message)}`
  if (name === 'group') return unescape(message)
  return undefined // debug, endgroup, add-mask, stop-commands...: nothing in the log
}

export function asRunnerShows(stdout: string): string {
  return stdout
    .split('\n')
    .flatMap(line => {
      const text = shown(line)
      return text === undefined ? [] : [text]
    })
    .join('\n')
}
