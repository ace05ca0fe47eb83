import { describe, expect, it } from '@jest/globals'
import { readConfig } from '../src/core/inputs/config.js'
import { environmentAround } from '../src/core/history/environment-change.js'
import {
  environmentFromMetadata,
  keyValue,
  parseEnvironmentLines,
  parseMatchKeys,
  runnerEnvironment,
  validateEnvironment
} from '../src/core/history/environment.js'
import { matches, matchHistory } from '../src/core/history/matching.js'
import { outputStrings } from '../src/render/outputs.js'
import { matchLine, shiftCause, spanLine } from '../src/render/environment.js'
import { renderSummary } from '../src/render/summary.js'
import { judge } from '../src/core/verdict/rubric.js'
import type { Sample, MatchSummary } from '../src/core/types.js'
import { valueCounts, varyingKeys } from '../src/core/history/variation.js'

const sample = (id: number, environment?: Record<string, string>, value = 100): Sample => ({
  run_id: id,
  run_number: id,
  value,
  head_sha: 'a'.repeat(40),
  created_at: '2026-11-01T00:00:00Z',
  html_url: `https://github.com/o/r/actions/runs/${id}`,
  conclusion: 'success',
  ...(environment ? { environment } : { environmentProblem: 'no metadata.json in the artifact' })
})

describe('the environment input', () => {
  it('reads key=value lines, trimmed, blank lines ignored', () => {
    expect(
      parseEnvironmentLines(' kind = v0.29.0 \r\n\nnode-image=kindest/node:v1.34.0\n')
    ).toEqual({
      value: { kind: 'v0.29.0', 'node-image': 'kindest/node:v1.34.0' }
    })
    expect(parseEnvironmentLines('')).toEqual({ value: {} })
    expect(parseEnvironmentLines('note=a=b')).toEqual({ value: { note: 'a=b' } })
  })

  it.each([
    ['kind', /line 1 "kind" is not key=value/],
    [
      'kind=v1\nimage-version=x',
      /line 2 "image-version=x" sets image-version, a key the runner records itself/
    ],
    ['Kind=v1', /line 1 "Kind=v1" has a key that is not 1 to 32/],
    [`${'k'.repeat(33)}=v`, /has a key that is not 1 to 32/],
    ['kind=', /has a value that is not 1 to 64 printable ASCII/],
    [`kind=${'v'.repeat(65)}`, /has a value that is not 1 to 64/],
    ['kind=v\u00e9', /has a value that is not 1 to 64/],
    ['kind=a\tb', /has a value that is not/],
    ['kind=1\nkind=2', /line 2 "kind=2" sets kind a second time/],
    [
      Array.from({ length: 9 }, (_, i) => `k${i}=v`).join('\n'),
      /line 9 "k8=v" is past the 8-entry limit/
    ]
  ])('refuses %j, naming the line', (text, why) => {
    expect(parseEnvironmentLines(text)).toEqual({ reason: expect.stringMatching(why) })
  })

  it('is an input error that names the input and the line', () => {
    const inputs: Record<string, string> = {
      'github-token': 't',
      repository: 'o/r',
      workflow: 'chart.yml'
    }
    expect(() => readConfig(name => ({ ...inputs, environment: 'kind' })[name] ?? '', {})).toThrow(
      `Input 'environment' line 1 "kind" is not key=value`
    )
    expect(() => readConfig(name => ({ ...inputs, match: 'Image' })[name] ?? '', {})).toThrow(
      /Input 'match' names "Image"/
    )
    const config = readConfig(
      name => ({ ...inputs, match: 'image-version, kind\nkind' })[name] ?? '',
      {}
    )
    expect(config.match).toEqual(['image-version', 'kind'])
    expect(config.environment).toEqual({})
  })

  it('takes the runner keys from its variables, leaving out what is unset or unusable', () => {
    expect(
      runnerEnvironment({
        RUNNER_OS: 'Linux',
        RUNNER_ARCH: 'ARM64',
        RUNNER_ENVIRONMENT: 'self-hosted',
        ImageOS: '',
        ImageVersion: 'x\ny'
      })
    ).toEqual({ 'runner-os': 'Linux', 'runner-arch': 'ARM64', 'runner-environment': 'self-hosted' })
    expect(parseMatchKeys('')).toEqual({ value: [] })
  })
})

describe('metadata.json read back', () => {
  const read = (metadata: unknown) => environmentFromMetadata({ value: JSON.stringify(metadata) })

  it('accepts the built-in keys and up to 8 workflow keys, sorted', () => {
    const environment = { 'runner-os': 'Linux', 'image-version': '20261122.1', kind: 'v0.29.0' }
    expect(read({ environment })).toEqual({
      environment: { 'image-version': '20261122.1', kind: 'v0.29.0', 'runner-os': 'Linux' }
    })
  })

  it.each([
    ['no environment', { run_id: 1 }, /has no environment \(recorded before v1.0.0\)/],
    ['an array', [], /is not a JSON object/],
    ['an environment array', { environment: [] }, /environment is not an object/],
    ['a nested value', { environment: { kind: { a: 1 } } }, /environment value of kind is not/],
    ['a number value', { environment: { kind: 1 } }, /environment value of kind is not/],
    [
      '9 workflow keys',
      { environment: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, 'v'])) },
      /9 workflow keys, over 8/
    ],
    [
      '10,000 keys',
      { environment: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 'v'])) },
      /environment has 10000 keys, over 13/
    ],
    [
      'a prototype key',
      JSON.parse('{"environment":{"__proto__":"x"}}') as unknown,
      /key "__proto__" is not allowed/
    ]
  ])('leaves the environment unknown with %s', (_label, metadata, why) => {
    expect(read(metadata)).toEqual({ unknown: expect.stringMatching(why) })
  })

  it('never reads an inherited key, and caps a long reason', () => {
    const environment = validateEnvironment({ constructor: 'v1' })
    expect(environment).toEqual({ value: { constructor: 'v1' } })
    expect(keyValue({}, 'constructor')).toBeUndefined()
    expect(keyValue({}, 'toString')).toBeUndefined()
    const long = environmentFromMetadata({ reason: 'x'.repeat(500) })
    expect('unknown' in long && long.unknown.length).toBe(201)
  })
})

describe('variation, matching and the shift', () => {
  const image = (version: string, more: Record<string, string> = {}) => ({
    'runner-os': 'Linux',
    'image-version': version,
    ...more
  })

  it('finds the keys that vary among known environments, absence included', () => {
    const samples = [
      sample(3, image('B')),
      sample(2, image('A', { kind: 'v1' })),
      sample(1),
      sample(0, image('A'))
    ]
    expect(varyingKeys(samples)).toEqual(['image-version', 'kind'])
    expect(valueCounts(samples, 'image-version')).toEqual([
      { value: 'A', runs: 2 },
      { value: 'B', runs: 1 }
    ])
    expect(spanLine(samples)).toBe(
      'The window spans two runner images: A (2 runs), B (1 run); two values of kind: (not set) (2 runs), v1 (1 run); 1 run with no recorded environment'
    )
    expect(spanLine([sample(1, image('A')), sample(0, image('A'))])).toBeUndefined()
  })

  it('matches on the named keys only; an unknown environment never matches', () => {
    const reference = image('B', { kind: 'v1' })
    expect(
      matches(sample(1, image('B', { kind: 'v1' })), reference, ['image-version', 'kind'])
    ).toBe(true)
    expect(matches(sample(1, image('B')), reference, ['image-version'])).toBe(true)
    expect(matches(sample(1, image('B')), reference, ['image-version', 'kind'])).toBe(false)
    expect(matches(sample(1), reference, ['image-version'])).toBe(false)
    expect(matches(sample(1), reference, [])).toBe(false)
    expect(matches(sample(1, image('B')), undefined, ['image-version'])).toBe(false)
  })

  it('keeps the matching samples and counts what each key costs', () => {
    const history = [
      sample(5, image('B', { kind: 'v1' })),
      sample(4, image('B', { kind: 'v2' })),
      sample(3, image('A', { kind: 'v1' })),
      sample(2),
      sample(1, image('B', { kind: 'v1' }))
    ]
    const { history: kept, match } = matchHistory(history, ['image-version', 'kind'])
    expect(kept.map(s => s.run_id)).toEqual([5, 1])
    expect(match).toEqual({
      keys: ['image-version', 'kind'],
      reference: image('B', { kind: 'v1' }),
      read: 5,
      matched: 2,
      unknown: 1,
      dropped: [
        { key: 'image-version', matched: 3 },
        { key: 'kind', matched: 3 }
      ]
    })
    expect(matchLine(match as MatchSummary, 3)).toBe(
      'Like for like on image-version=B, kind=v1: 2 of 5 samples read match; 3 from other environments left out (1 with none recorded). Too few to judge (min-runs 3); 5 without match, with image-version dropped 3, with kind dropped 3. Other environments are never pooled in: wait for more runs like this one, or raise history (up to lookback)'
    )
    expect(matchHistory(history, [])).toEqual({ history })
    // The newest sample's environment unknown: nothing can match, and the line says why.
    const blind = matchHistory([sample(9), ...history], ['kind'])
    expect(blind.history).toEqual([])
    expect(matchLine(blind.match as MatchSummary, 1)).toMatch(
      /^Like for like on kind \(the newest sample has no recorded environment, so none can match\): 0 of 6/
    )
  })

  it('names the keys that changed within two runs of the split, with both values', () => {
    const oldestFirst = ['A', 'A', 'A', 'A', 'B', 'B', 'B', 'B'].map((v, i) => sample(i, image(v)))
    // The first run on B (position 4) is within two runs of the first run after the split.
    for (const index of [2, 3, 4, 5, 6])
      expect(environmentAround(oldestFirst, index)).toEqual({
        value: { 'image-version': ['A', 'B'] }
      })
    // Three runs away is too far.
    expect(environmentAround(oldestFirst, 1)).toEqual({ value: {} })
    expect(environmentAround(oldestFirst, 7)).toEqual({ value: {} })
    const gap = [...oldestFirst]
    gap[5] = sample(5)
    expect(environmentAround(gap, 4)).toEqual({
      reason: '1 of the 6 runs around the shift have no recorded environment'
    })
    const dropped = oldestFirst.map((s, i) => (i >= 4 ? sample(i, { 'runner-os': 'Linux' }) : s))
    expect(environmentAround(dropped, 4)).toEqual({ value: { 'image-version': ['A', null] } })
  })

  it('words each case of commit and environment', () => {
    const changed = { value: { 'image-version': ['A', 'B'] as [string, string] } }
    const constant = { value: {} }
    expect(shiftCause(changed, true)).toBe(
      'same commit on either side; the environment also changed there: image-version A -> B'
    )
    expect(shiftCause(changed, false)).toBe(
      'the environment also changed there: image-version A -> B; so did the commit'
    )
    // With the history's pace: how often a split lands that near a change by coincidence.
    expect(shiftCause(changed, false, { near: 9, of: 25 })).toBe(
      'the environment also changed there: image-version A -> B (by coincidence alone: 9 of the 25 places a split can fall in this history are as near a change); so did the commit'
    )
    expect(shiftCause(constant, false)).toBe(
      'the commit changed there, the recorded environment did not'
    )
    expect(shiftCause(constant, true)).toBe('same commit and recorded environment on either side')
    // Counts and what changed together; never a cause.
    for (const text of [shiftCause(changed, true), shiftCause(constant, true)])
      expect(text).not.toMatch(/cause|runner|cluster|network/)
    expect(shiftCause({ reason: 'x' }, true)).toBeUndefined()
    expect(shiftCause(undefined, false)).toBeUndefined()
  })
})

describe('the samples output at window 1,000', () => {
  /** The five built-in keys and eight workflow keys named by `user`: the most a run records. */
  const allKeys = (user: (k: number) => string) => [
    'runner-os',
    'runner-arch',
    'runner-environment',
    'image-os',
    'image-version',
    ...Array.from({ length: 8 }, (_, k) => user(k))
  ]
  const report = (environmentOf: (i: number) => Record<string, string>) => {
    const samples = Array.from({ length: 1000 }, (_, i) => ({
      ...sample(9_000_000_000 + i, environmentOf(i), 123.456),
      run_number: 100_000 + i,
      html_url: `https://github.com/some-organisation/some-repository/actions/runs/${9_000_000_000 + i}`,
      created_at: '2026-11-22T10:00:00Z'
    }))
    return judge(samples, [], { budget: 300, minRuns: 10, window: 1000 }, 's')
  }

  it('stays far under 1 MB with realistic varying keys, and carries them', () => {
    const outputs = outputStrings(
      report(i => ({
        'image-version': `2026111${i % 5}.1`,
        'runner-os': 'Linux',
        'node-image': `kindest/node:v1.3${i % 3}.0`,
        'runner-name': `GitHub Actions ${i}`
      }))
    )
    expect(outputs.samples.length).toBeLessThan(400_000)
    const first = (JSON.parse(outputs.samples) as { environment: object }[])[1]
    expect(first.environment).toEqual({
      'image-version': '20261111.1',
      'node-image': 'kindest/node:v1.31.0',
      'runner-name': 'GitHub Actions 1'
    })
    expect(JSON.parse(outputs['environment-varies'])).toEqual([
      'image-version',
      'node-image',
      'runner-name'
    ])
  })

  it('keeps the job summary under 1 MB when all 13 keys vary with markup-only values', () => {
    const keys = allKeys(k => `k${k}`)
    const hostile = (i: number) => `${i}`.padEnd(64, '<')
    const full = report(i => Object.fromEntries(keys.map(key => [key, hostile(i)])))
    const summary = renderSummary({ ...full, history: full.samples })
    expect(summary.length).toBeLessThan(1_000_000)
    expect(summary).not.toContain('<<')
    // Escaped, no column fits the table's budget: the table leaves them out.
    const header = (text: string) => text.split('\n').find(l => l.startsWith('| Run |'))
    expect(header(summary)).toBe('| Run | Commit | Date (UTC) | Conclusion | Seconds |')
    const plain = report(i => Object.fromEntries(keys.map(key => [key, `v${i % 3}`])))
    expect(header(renderSummary({ ...plain, history: plain.samples }))).toBe(
      '| Run | Commit | Date (UTC) | Conclusion | image-os | image-version | runner-arch | runner-environment | Seconds |'
    )
  })

  it('stays under 512 KB when all 13 keys vary with 64-character values', () => {
    const keys = allKeys(k => `${'k'.repeat(31)}${k}`)
    const outputs = outputStrings(
      report(i => Object.fromEntries(keys.map(key => [key, `${i}`.padEnd(64, 'v')])))
    )
    const total = Object.values(outputs).reduce((sum, text) => sum + text.length, 0)
    expect(total).toBeLessThan(512 * 1024)
    // Built-in keys come first; the entries carry as many keys as fit.
    const entry = (JSON.parse(outputs.samples) as { environment: object }[])[0]
    expect(Object.keys(entry.environment)).toContain('image-version')
  })
})
