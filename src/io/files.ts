import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs'
import { SkipRun } from '../core/errors.js'
import { MAX_SAMPLE_BYTES, parseSample } from '../core/untrusted/parse.js'
import type { Result } from '../core/types.js'

/**
 * Reads at most `max` bytes of a regular file, refusing links, other kinds of file and
 * anything longer (with `SkipRun`); undefined when there is no file to read. Both the `value`
 * file and the command's `--dir` folders may hold bytes written by someone else's job, so
 * neither is read any other way.
 */
export function readSmallFile(path: string, max: number, label: string): string | undefined {
  let fd: number
  try {
    if (lstatSync(path).isSymbolicLink()) throw new SkipRun(`${label} is a symbolic link`)
    // Non-blocking: opening a FIFO to read waits for a writer, and that wait would block the
    // whole process, timers included. What the path is gets checked on the open descriptor.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOFOLLOW ?? 0))
  } catch (error) {
    if (error instanceof SkipRun) throw error
    return undefined
  }
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile()) throw new SkipRun(`${label} is not a regular file: ${kindOf(stats)}`)
    const buffer = Buffer.alloc(max + 1)
    const length = readSync(fd, buffer, 0, buffer.length, 0)
    if (length > max) throw new SkipRun(`${label} is longer than ${max} bytes`)
    return buffer.toString('utf8', 0, length)
  } finally {
    closeSync(fd)
  }
}

/**
 * Why appending to `path` could block the process, or undefined when it cannot: a FIFO waits
 * for a reader (in Node's thread pool, which even process.exit() then waits on). Checked with
 * a non-blocking open; a missing or unwritable file is left to the write, which fails by itself.
 */
export function blockingTarget(path: string): string | undefined {
  let fd: number
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NONBLOCK)
  } catch (error) {
    // ENXIO: a FIFO that no process reads.
    return (error as NodeJS.ErrnoException).code === 'ENXIO' ? 'a FIFO' : undefined
  }
  try {
    const stats = fstatSync(fd)
    return stats.isFIFO() || stats.isSocket() ? kindOf(stats) : undefined
  } finally {
    closeSync(fd)
  }
}

/** What a path that is not a regular file is, in words. */
function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO'
  if (stats.isDirectory()) return 'a directory'
  if (stats.isSocket()) return 'a socket'
  if (stats.isCharacterDevice()) return 'a character device'
  if (stats.isBlockDevice()) return 'a block device'
  return 'of another kind'
}

/**
 * This run's own sample: a number, or a path to a file holding one. Not an input error when
 * unusable: the step often runs under `if: always()` after a failed install, so the caller
 * warns and checks the history alone.
 */
export function readValue(value: string): Result<number> {
  const direct = parseSample(value)
  if ('value' in direct) return direct
  const label = `value file ${JSON.stringify(value)}`
  let text: string | undefined
  try {
    text = readSmallFile(value, MAX_SAMPLE_BYTES, label)
  } catch (error) {
    if (error instanceof SkipRun) return { reason: error.message }
    throw error
  }
  if (text === undefined)
    return { reason: `value ${JSON.stringify(value)} is neither a number nor an existing file` }
  const parsed = parseSample(text)
  return 'reason' in parsed ? { reason: `${label}: ${parsed.reason}` } : parsed
}
