/**
 * The one fetch every API request goes through, in process over real HTTP on loopback: the
 * token only to the API's origin (redirects included), and body caps. Two servers on two
 * ports are two origins.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  afterRequestsSent,
  BodyTooLarge,
  guardedFetch,
  requestsSent
} from '../src/github/transport.js'

type Handler = (request: IncomingMessage, response: ServerResponse) => void

interface Origin {
  url: string
  /** The Authorization header of each request, by path. */
  seen: { path: string; authorization?: string }[]
  server: Server
}

async function origin(handler: Handler): Promise<Origin> {
  const seen: Origin['seen'] = []
  const server = createServer((request, response) => {
    seen.push({ path: request.url ?? '', authorization: request.headers.authorization })
    handler(request, response)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, seen, server }
}

const CAP = 1024
let api: Origin
let other: Origin
let fetchApi: typeof fetch

beforeAll(async () => {
  other = await origin((_, response) => response.end('elsewhere'))
  api = await origin((request, response) => {
    const path = request.url ?? ''
    const redirects: Record<string, string> = {
      '/away': `${other.url}/blob`,
      '/home': '/landed',
      '/loop': '/loop'
    }
    if (redirects[path]) response.writeHead(302, { location: redirects[path] }).end()
    else if (path === '/declared')
      response.writeHead(200, { 'content-length': String(CAP + 1) }).end('x'.repeat(CAP + 1))
    else response.end('x'.repeat(path === '/big' ? CAP + 1 : CAP))
  })
  fetchApi = guardedFetch(globalThis.fetch, { apiUrl: api.url, maxBodyBytes: CAP })
})
afterAll(() => {
  api.server.close()
  other.server.close()
})

const auth = { headers: { authorization: 'token SECRET' } }

describe('guardedFetch', () => {
  it('drops the token on a redirect to another origin, and follows it', async () => {
    const response = await fetchApi(`${api.url}/away`, auth)
    expect(await response.text()).toBe('elsewhere')
    expect(api.seen.at(-1)).toEqual({ path: '/away', authorization: 'token SECRET' })
    expect(other.seen.at(-1)).toEqual({ path: '/blob', authorization: undefined })
  })

  it('keeps the token on a redirect within the API origin', async () => {
    await fetchApi(`${api.url}/home`, auth)
    expect(api.seen.slice(-2)).toEqual([
      { path: '/home', authorization: 'token SECRET' },
      { path: '/landed', authorization: 'token SECRET' }
    ])
  })

  it('never sends the token to another origin asked directly', async () => {
    await fetchApi(`${other.url}/direct`, auth)
    expect(other.seen.at(-1)).toEqual({ path: '/direct', authorization: undefined })
  })

  it("hands a `redirect: 'manual'` caller the redirect itself, unfollowed", async () => {
    const before = other.seen.length
    const response = await fetchApi(`${api.url}/away`, { ...auth, redirect: 'manual' })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe(`${other.url}/blob`)
    expect(other.seen).toHaveLength(before)
  })

  it('reads a body up to the cap, and refuses one past it, declared or not', async () => {
    expect((await (await fetchApi(`${api.url}/fits`)).text()).length).toBe(CAP)
    await expect(fetchApi(`${api.url}/big`)).rejects.toBeInstanceOf(BodyTooLarge)
    await expect(fetchApi(`${api.url}/declared`)).rejects.toThrow(/cap/)
  })

  it('stops after a few redirects', async () => {
    await expect(fetchApi(`${api.url}/loop`)).rejects.toThrow('more than 5 redirects')
  })

  it('says when requests are on the wire, and waits for the next one', async () => {
    // Its own request first: the count must not depend on what earlier tests sent.
    const start = requestsSent()
    await fetchApi(`${api.url}/fits`)
    const before = requestsSent()
    expect(before).toBe(start + 1)
    await expect(afterRequestsSent(before)).resolves.toBeUndefined()
    let next = false
    const waiting = afterRequestsSent(before + 1).then(() => (next = true))
    await new Promise(resolve => setImmediate(resolve))
    expect(next).toBe(false)
    await fetchApi(`${api.url}/fits`)
    await waiting
    expect(next).toBe(true)
  })
})
