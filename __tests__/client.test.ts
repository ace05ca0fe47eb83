/**
 * The client's own reading of success bodies, in process over real HTTP against the fake:
 * JSON with `JSON.parse` (Octokit's parser calls a reviver for every value, CPU that the
 * listings' answers wait on), everything else as Octokit reads it.
 */
import { describe, expect, it } from '@jest/globals'
import type { Client } from '../src/github/client.js'
import { useFakeClient } from '../__fixtures__/fake-client.js'
import { FakeGitHub } from '../__fixtures__/github-server.js'

const fake = new FakeGitHub()
let client: Client
useFakeClient(fake, 1, c => (client = c))

const answer = (body: string, type: string) =>
  fake.faults.push({
    path: /^\/repos\/[^/]+\/[^/]+$/,
    times: 1,
    status: 200,
    headers: { 'content-type': type },
    body
  })

const repository = () =>
  client.octokit.request('GET /repos/{owner}/{repo}', { owner: fake.owner, repo: fake.repo })

describe('success bodies', () => {
  it('parses JSON with JSON.parse: an integer past 2^53 is a number, not a BigInt', async () => {
    answer('{"id": 9007199254740993, "name": "r"}', 'application/json; charset=utf-8')
    const { data } = await repository()
    expect(typeof data.id).toBe('number')
    expect(data.name).toBe('r')
  })

  it('parses the answer of a retried attempt too', async () => {
    fake.faults.push({ path: /^\/repos\/[^/]+\/[^/]+$/, times: 1, status: 500, body: {} })
    answer('{"id": 7}', 'application/json')
    expect((await repository()).data).toEqual({ id: 7 })
    expect(fake.requests).toHaveLength(2)
  })

  it('keeps a JSON body that does not parse as its text', async () => {
    answer('{"id": ', 'application/json')
    expect((await repository()).data).toBe('{"id": ')
  })

  it('reads text as text and other types as bytes', async () => {
    answer('plain words', 'text/plain')
    expect((await repository()).data).toBe('plain words')
    answer('raw', 'application/octet-stream')
    const { data } = await repository()
    expect(data).toBeInstanceOf(ArrayBuffer)
    expect(Buffer.from(data as unknown as ArrayBuffer).toString()).toBe('raw')
  })

  it("leaves a caller's unparsed body (the download's) a stream", async () => {
    answer('{"id": 1}', 'application/json')
    const { data } = await client.octokit.request('GET /repos/{owner}/{repo}', {
      owner: fake.owner,
      repo: fake.repo,
      request: { parseSuccessResponseBody: false }
    })
    expect(data).toBeInstanceOf(ReadableStream)
  })
})
