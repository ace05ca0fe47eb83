/**
 * Typed stand-ins for `@actions/core`, in the style of GitHub's typescript-action template:
 * a test mocks the module with these (`jest.unstable_mockModule`) and reads their calls.
 */
import type * as core from '@actions/core'
import { jest } from '@jest/globals'

export const debug = jest.fn<typeof core.debug>()
export const info = jest.fn<typeof core.info>()
export const notice = jest.fn<typeof core.notice>()
export const warning = jest.fn<typeof core.warning>()
export const error = jest.fn<typeof core.error>()
export const getInput = jest.fn<typeof core.getInput>()
export const setOutput = jest.fn<typeof core.setOutput>()
export const setFailed = jest.fn<typeof core.setFailed>()

/** The job summary: `addRaw` collects the Markdown, `write` ends the chain. */
const write = jest.fn<typeof core.summary.write>()
const addRaw = jest.fn<typeof core.summary.addRaw>()
export const summary = { addRaw, write } as unknown as typeof core.summary
addRaw.mockImplementation(() => summary)
write.mockImplementation(async () => summary)

/** Restores the summary's chaining after `jest.resetAllMocks()`. */
export function resetCore(): void {
  jest.resetAllMocks()
  addRaw.mockImplementation(() => summary)
  write.mockImplementation(async () => summary)
}

/** Feeds `getInput` from a table of inputs; unset inputs read as '' as on a runner. */
export function useInputs(inputs: Record<string, string>): void {
  getInput.mockImplementation(name => inputs[name] ?? '')
}

/** The Markdown written to the job summary so far. */
export function summaryText(): string {
  return addRaw.mock.calls.map(([text]) => text).join('')
}
