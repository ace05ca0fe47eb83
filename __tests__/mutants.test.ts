/**
 * The mutation list (scripts/mutants.ts) kept in step with the code, on every run of the
 * suite rather than only when `npm run mutation` runs: a pattern moved or renamed by a change
 * fails here, naming the mutant, instead of silently guarding nothing.
 */
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { MUTANTS } from '../scripts/mutants.js'

describe('the mutation list', () => {
  it.each(MUTANTS.map(m => [m.what, m] as const))('%s: the pattern occurs once', (_what, m) => {
    expect(existsSync(m.file)).toBe(true)
    expect(readFileSync(m.file, 'utf8').split(m.from)).toHaveLength(2)
    expect(m.to).not.toBe(m.from)
  })

  it.each(MUTANTS.map(m => [m.what, m] as const))('%s: names test files that exist', (_what, m) => {
    expect(m.tests.length).toBeGreaterThan(0)
    for (const t of m.tests) expect(existsSync(`__tests__/${t}.test.ts`)).toBe(true)
  })

  it('has one mutant per description', () => {
    const names = MUTANTS.map(m => m.what)
    expect(new Set(names).size).toBe(names.length)
  })
})
