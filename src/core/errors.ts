/**
 * The errors the check tells apart. A `SkipRun` costs one run; an `InputError` is the user's
 * to fix; anything else stops the check with its message.
 */

/** This run does not count, for the reason given; the window slides to an older run. */
export class SkipRun extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'SkipRun'
  }
}

/** A malformed input: names the input and what it accepts. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    readonly problem: string
  ) {
    super(`Input '${input}' ${problem}`)
    this.name = 'InputError'
  }
}

/** A response that is not the JSON GitHub documents for the endpoint. */
export class ResponseShapeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ResponseShapeError'
  }
}

/** The message of anything thrown, for one line of log or output. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** The kind of anything thrown (`TypeError`, `AbortError`), for reasons that must not echo URLs. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'error'
}
