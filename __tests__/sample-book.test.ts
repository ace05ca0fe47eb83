import { describe, expect, it } from '@jest/globals'
import {
  BOOK_SCHEMA,
  MAX_BOOK_BYTES,
  MAX_REASON_LENGTH,
  parseBook,
  SampleBook
} from '../src/core/history/sample-book.js'

const D1 = `sha256:${'1'.repeat(64)}`
const D2 = `sha256:${'2'.repeat(64)}`
const F = 'install_to_ready_seconds.txt'
const SCOPE = 'o/r\nchart.yml\nhelm-install-duration-{run_id}\ninstall_to_ready_seconds.txt'

/** The entries of a file this book wrote (a refused file fails the test). */
const entriesOf = (text: string) => {
  const parsed = parseBook(text, SCOPE)
  if ('reason' in parsed) throw new Error(parsed.reason)
  return parsed.value
}

const fileOf = (entries: unknown[], scope = SCOPE, environments: unknown[] = []) =>
  JSON.stringify({ schema: BOOK_SCHEMA, scope, environments, entries })

describe('the sample book', () => {
  it('answers only for the same artifact id, digest and run', () => {
    const book = new SampleBook([
      { run_id: 7, artifact_id: 70, digest: D1, file: F, value: 120, unknown: 'x' }
    ])
    expect(book.lookup({ id: 70, digest: D1 }, 7, F)).toMatchObject({ value: 120 })
    expect(book.lookup({ id: 70, digest: D2 }, 7, F)).toBeUndefined()
    expect(book.lookup({ id: 71, digest: D1 }, 7, F)).toBeUndefined()
    expect(book.lookup({ id: 70, digest: D1 }, 8, F)).toBeUndefined()
    expect(book.lookup({ id: 70 }, 7, F)).toBeUndefined()
  })

  it('learns only what carries a digest, values and content reasons alike', () => {
    const book = new SampleBook()
    book.learn({ id: 1 }, 1, F, { value: 5, unknown: 'no metadata.json in the artifact' })
    book.learn({ id: 2, digest: 'md5:abc' }, 2, F, {
      value: 5,
      unknown: 'no metadata.json in the artifact'
    })
    expect(book.learned).toBe(0)
    book.learn({ id: 3, digest: D1 }, 3, F, {
      value: 5,
      unknown: 'no metadata.json in the artifact'
    })
    book.learn({ id: 4, digest: D2 }, 4, F, {
      reason: 'no install_to_ready_seconds.txt in the artifact'
    })
    expect(book.learned).toBe(2)
    expect(book.lookup({ id: 4, digest: D2 }, 4, F)).toEqual({ reason: expect.any(String) })
  })

  it('learns no reason too long to store, so that it never writes an entry it would refuse', () => {
    const book = new SampleBook()
    const nested = `build/${'d/'.repeat(150)}install_to_ready_seconds.txt`
    book.learn({ id: 1, digest: D1 }, 1, F, { reason: `not at the top level (found ${nested})` })
    book.learn({ id: 2, digest: D2 }, 2, F, {
      value: 5,
      unknown: 'no metadata.json in the artifact'
    })
    expect(book.learned).toBe(1)
    expect(entriesOf(book.serialize(SCOPE, 10))).toHaveLength(1)
  })

  it('saves what it restored and learned, pruned to the newest lookback runs', () => {
    const book = new SampleBook([
      { run_id: 1, artifact_id: 10, digest: D1, file: F, value: 1, unknown: 'x' },
      {
        run_id: 2,
        artifact_id: 20,
        digest: D1,
        file: F,
        value: 2,
        environment: { 'image-version': '20261122.1' }
      }
    ])
    book.learn({ id: 30, digest: D2 }, 3, F, {
      value: 3,
      environment: { 'image-version': '20261122.1' }
    })
    const saved = entriesOf(book.serialize(SCOPE, 2))
    expect(saved).toEqual([
      {
        run_id: 3,
        artifact_id: 30,
        digest: D2,
        file: F,
        value: 3,
        environment: { 'image-version': '20261122.1' }
      },
      {
        run_id: 2,
        artifact_id: 20,
        digest: D1,
        file: F,
        value: 2,
        environment: { 'image-version': '20261122.1' }
      }
    ])
  })

  it.each([
    ['not JSON', '{', /not JSON/],
    ['another schema', JSON.stringify({ schema: 'x', scope: SCOPE, entries: [] }), /not a/],
    ['another scope', fileOf([], 'o/other'), /another repository/],
    ['no entries array', JSON.stringify({ schema: BOOK_SCHEMA, scope: SCOPE }), /entries/],
    [
      'a negative value',
      fileOf([{ run_id: 1, artifact_id: 1, digest: D1, file: F, unknown: 'x', value: -1 }]),
      /entry 0/
    ],
    [
      'a value over a year',
      fileOf([{ run_id: 1, artifact_id: 1, digest: D1, file: F, unknown: 'x', value: 1e308 }]),
      /entry 0/
    ],
    [
      'a value as text',
      fileOf([{ run_id: 1, artifact_id: 1, digest: D1, file: F, unknown: 'x', value: '5' }]),
      /entry 0/
    ],
    [
      'a fractional id',
      fileOf([{ run_id: 1.5, artifact_id: 1, digest: D1, unknown: 'x', value: 5 }]),
      /entry 0/
    ],
    [
      'a short digest',
      fileOf([{ run_id: 1, artifact_id: 1, digest: 'sha256:ab', unknown: 'x', value: 5 }]),
      /entry 0/
    ],
    [
      'both value and skip',
      fileOf([
        { run_id: 1, artifact_id: 1, digest: D1, file: F, unknown: 'x', value: 5, skip: 'x' }
      ]),
      /entry 0/
    ],
    ['neither value nor skip', fileOf([{ run_id: 1, artifact_id: 1, digest: D1 }]), /entry 0/],
    [
      'a reason too long',
      fileOf([
        { run_id: 1, artifact_id: 1, digest: D1, file: F, skip: 'x'.repeat(MAX_REASON_LENGTH + 1) }
      ]),
      /entry 0/
    ],
    [
      'an extra field',
      fileOf([{ run_id: 1, artifact_id: 1, digest: D1, file: F, unknown: 'x', value: 5, a: 1 }]),
      /entry 0/
    ],
    ['an entry that is an array', fileOf([[1, 1, D1, 5]]), /entry 0/],
    [
      'a value with no environment',
      fileOf([{ run_id: 1, artifact_id: 1, digest: D1, file: F, value: 5 }]),
      /entry 0/
    ],
    [
      'an environment index past the table',
      fileOf([{ run_id: 1, artifact_id: 1, digest: D1, file: F, value: 5, env: 1 }], SCOPE, [
        { kind: 'v1' }
      ]),
      /entry 0/
    ],
    [
      'a fractional environment index',
      fileOf([{ run_id: 1, artifact_id: 1, digest: D1, file: F, value: 5, env: 0.5 }], SCOPE, [
        { kind: 'v1' }
      ]),
      /entry 0/
    ],
    [
      'an environment that breaks the rules',
      fileOf([{ run_id: 1, artifact_id: 1, digest: D1, file: F, value: 5, env: 0 }], SCOPE, [
        { Kind: 'v1' }
      ]),
      /environment 0: .*not allowed/
    ],
    [
      'more environments than entries',
      fileOf([], SCOPE, [{ kind: 'v1' }]),
      /more environments than entries/
    ],
    [
      'no environments array',
      JSON.stringify({ schema: BOOK_SCHEMA, scope: SCOPE, entries: [] }),
      /environments/
    ]
  ])('rejects a whole file with %s', (_label, text, why) => {
    const parsed = parseBook(text, SCOPE)
    expect(parsed).toEqual({ reason: expect.stringMatching(why) })
  })

  it('stores each distinct environment once, and reads back what it stored', () => {
    const book = new SampleBook()
    const image = (version: string) => ({ 'image-version': version, 'runner-os': 'Linux' })
    for (let run = 1; run <= 300; run++)
      book.learn({ id: run, digest: D1.replace(/1{6}$/, String(run).padStart(6, '0')) }, run, F, {
        value: run,
        environment: image(run <= 150 ? '20261115.1' : '20261122.1')
      })
    const text = book.serialize(SCOPE, 1000)
    const stored = JSON.parse(text) as { environments: unknown[] }
    expect(stored.environments).toHaveLength(2)
    const entries = entriesOf(text)
    expect(entries).toHaveLength(300)
    expect(entries).toContainEqual(
      expect.objectContaining({ run_id: 7, environment: image('20261115.1') })
    )
    expect(entries).toContainEqual(
      expect.objectContaining({ run_id: 200, environment: image('20261122.1') })
    )
  })

  it('keeps a file of 1,000 runs, each with its own largest environment, under its cap', () => {
    const book = new SampleBook()
    const big = (run: number) =>
      Object.fromEntries(
        Array.from({ length: 8 }, (_, k) => [`${'k'.repeat(31)}${k}`, `${run}`.padEnd(64, 'v')])
      )
    for (let run = 1; run <= 1000; run++)
      book.learn({ id: run, digest: D1.replace(/1{6}$/, String(run).padStart(6, '0')) }, run, F, {
        value: run,
        environment: {
          ...big(run),
          'image-version': 'i'.repeat(64),
          'image-os': 'o'.repeat(64),
          'runner-os': 'r'.repeat(64),
          'runner-arch': 'a'.repeat(64),
          'runner-environment': 'e'.repeat(64)
        }
      })
    const text = book.serialize(SCOPE, 1000)
    expect(text.length).toBeLessThan(MAX_BOOK_BYTES)
    expect(entriesOf(text)).toHaveLength(1000)
  })

  it('reads a file it wrote', () => {
    const entries = [
      {
        run_id: 9,
        artifact_id: 90,
        digest: D1,
        file: F,
        value: 0,
        unknown: 'metadata.json is not JSON'
      },
      {
        run_id: 8,
        artifact_id: 80,
        digest: D2,
        file: F,
        skip: 'not a readable zip (end of central directory)'
      }
    ]
    expect(parseBook(fileOf(entries), SCOPE)).toEqual({ value: entries })
  })
})
