import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readRunnerContext } from '../src/io/context.js'

/** The event payload is untrusted JSON: the pull request is read only when every field is sound. */
describe('the pull request in the event payload', () => {
  const withPayload = (payload: unknown) => {
    const path = join(mkdtempSync(join(tmpdir(), 'ctx-')), 'event.json')
    writeFileSync(path, JSON.stringify(payload))
    return readRunnerContext({ GITHUB_EVENT_PATH: path })
  }
  const head = { ref: '@org/team#1', sha: 'b'.repeat(40), repo: { full_name: 'o/r' } }

  it('reads the number, head branch, sha and repository', () => {
    expect(withPayload({ pull_request: { number: 7, head } }).pullRequest).toEqual({
      number: 7,
      headRef: '@org/team#1',
      headSha: 'b'.repeat(40),
      headRepository: 'o/r'
    })
  })

  it('reads a deleted fork as no head repository', () => {
    const pr = withPayload({ pull_request: { number: 7, head: { ...head, repo: null } } })
    expect(pr.pullRequest?.headRepository).toBeNull()
  })

  it.each([
    ['no number', { head }],
    ['a string number', { number: '7', head }],
    ['no head', { number: 7 }],
    ['a head without a ref', { number: 7, head: { sha: 'b' } }]
  ])('ignores a pull request with %s', (_name, pullRequest) => {
    expect(withPayload({ pull_request: pullRequest }).pullRequest).toBeUndefined()
  })
})
