// action.yml and the README's Inputs and Outputs tables describe one interface: the same
// names, and for inputs the same defaults. A README default written as one code span
// (`300`) must equal action.yml's default exactly; one written in words ("the repository's
// default branch", "same as `window`") is computed at run time, so action.yml's default
// must be empty.
//
// The product contract (shared/spec/ACTION.md, beside the repository) may be ahead of the
// action: its gaps (names it lists that action.yml lacks, names not in it, defaults that
// differ) are listed in __tests__/contract-gaps.txt, and any other difference fails, a gap
// closed without its line removed too, so action.yml, the README and the contract cannot drift
// together unnoticed. Its absence is a broken build only where it is asked for: `.ci/run` sets
// REQUIRE_CONTRACT=1 (the contract lives beside the repository there); on GitHub's CI, and in a
// lone clone, there is no contract and the comparison is skipped.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { stepOutputs } from '../src/render/metrics.js'
import { judge } from '../src/core/verdict/rubric.js'
import { cli } from '../src/cli/command.js'
import { runnerInputs } from '../__fixtures__/run-action.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const CONTRACT = join(root, '..', 'shared', 'spec', 'ACTION.md')

interface Entry {
  name: string
  /** action.yml: the default as a string, '' when none. README: the cell's text. */
  default: string
}

function fromActionYml(text: string): { inputs: Entry[]; outputs: Entry[] } {
  const action = parse(text) as {
    inputs?: Record<string, { default?: unknown } | null>
    outputs?: Record<string, unknown>
  }
  const inputs = Object.entries(action.inputs ?? {}).map(([name, spec]) => ({
    name,
    default: spec?.default === undefined || spec.default === null ? '' : String(spec.default)
  }))
  const outputs = Object.keys(action.outputs ?? {}).map(name => ({ name, default: '' }))
  return { inputs, outputs }
}

/** The rows of the first table under the Markdown heading `title`, as cells. */
function tableUnder(markdown: string, title: string): string[][] {
  const lines = markdown.split('\n')
  const start = lines.findIndex(l => new RegExp(`^#{1,4}\\s+${title}\\b`, 'i').test(l))
  if (start < 0) return []
  const rows: string[][] = []
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,4}\s/.test(line)) break
    if (!line.trim().startsWith('|')) {
      if (rows.length > 0) break
      continue
    }
    const cells = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map(c => c.trim())
    rows.push(cells)
  }
  return rows.slice(2) // the header row and the |---| row
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map(m => m[1])

/** One entry per name: a cell such as "`ci-low`, `ci-high`" names two. */
function fromTable(rows: string[][]): Entry[] {
  return rows.flatMap(([names = '', value = '']) =>
    codeSpans(names).map(name => ({ name, default: value }))
  )
}

function fromMarkdown(text: string): { inputs: Entry[]; outputs: Entry[] } {
  return {
    inputs: fromTable(tableUnder(text, 'Inputs')),
    outputs: fromTable(tableUnder(text, 'Outputs'))
  }
}

/** What a README default cell says the action.yml default is: a literal, or computed (''). */
function literalDefault(cell: string): string {
  const only = /^`([^`]*)`$/.exec(cell.trim())
  return only ? only[1] : ''
}

const names = (entries: Entry[]): string[] => entries.map(e => e.name)
const missingFrom = (a: Entry[], b: Entry[]): string[] =>
  names(a).filter(n => !names(b).includes(n))

const action = fromActionYml(readFileSync(join(root, 'action.yml'), 'utf8'))
const readme = fromMarkdown(readFileSync(join(root, 'README.md'), 'utf8'))
/** The checked-in gaps: lines that are neither blank nor `#` comments, sorted. */
const KNOWN_GAPS = readFileSync(join(root, '__tests__', 'contract-gaps.txt'), 'utf8')
  .split('\n')
  .map(line => line.trim())
  .filter(line => line && !line.startsWith('#'))
  .sort()

describe('action.yml and the README agree', () => {
  it('the README has Inputs and Outputs tables that this test can read', () => {
    expect(readme.inputs.length).toBeGreaterThan(0)
    expect(readme.outputs.length).toBeGreaterThan(0)
    expect(action.inputs.length).toBeGreaterThan(0)
    expect(action.outputs.length).toBeGreaterThan(0)
  })

  for (const kind of ['inputs', 'outputs'] as const) {
    it(`the same ${kind}`, () => {
      expect({
        [`${kind} in action.yml, not in the README`]: missingFrom(action[kind], readme[kind]),
        [`${kind} in the README, not in action.yml`]: missingFrom(readme[kind], action[kind])
      }).toEqual({
        [`${kind} in action.yml, not in the README`]: [],
        [`${kind} in the README, not in action.yml`]: []
      })
    })
  }

  it('action.yml declares every output the action writes, and only those', () => {
    const report = judge([], [], { budget: 300, minRuns: 1, window: 1 }, 's')
    const written = [
      ...Object.keys(stepOutputs(report, [{ name: 'default', report }])),
      // Written by the tracking issue's step (src/app/notify.ts), after the verdict's outputs.
      'issue-number'
    ]
    expect(written.sort()).toEqual(names(action.outputs).sort())
  })

  it('the same defaults', () => {
    const differ = action.inputs.flatMap(input => {
      const row = readme.inputs.find(r => r.name === input.name)
      if (!row || literalDefault(row.default) === input.default) return []
      return [
        `${input.name}: action.yml default ${JSON.stringify(input.default)}, ` +
          `README ${JSON.stringify(row.default)}`
      ]
    })
    expect(differ).toEqual([])
  })

  it('the runner fixture passes every input with action.yml’s default, as the runner does', () => {
    const fake = { token: 't0ken', owner: 'o', repo: 'r' }
    const passed = runnerInputs(fake, { window: '3' })
    expect(Object.keys(passed).sort()).toEqual(names(action.inputs).sort())
    for (const input of action.inputs) {
      if (input.name === 'window') continue
      const expected = input.default
        .replace('${{ github.token }}', fake.token)
        .replace('${{ github.repository }}', 'o/r')
      expect([input.name, passed[input.name]]).toEqual([input.name, expected])
    }
    expect(passed.window).toBe('3')
  })

  it('differs from the product contract only by the known gaps (__tests__/contract-gaps.txt)', () => {
    if (!existsSync(CONTRACT)) {
      if (process.env.REQUIRE_CONTRACT === '1')
        throw new Error(`REQUIRE_CONTRACT=1, but the contract ${CONTRACT} is missing`)
      console.log(`contract: ${CONTRACT} not found; nothing to compare`)
      return
    }
    const contract = fromMarkdown(readFileSync(CONTRACT, 'utf8'))
    expect(contract.inputs.length).toBeGreaterThan(0)
    expect(contract.outputs.length).toBeGreaterThan(0)
    expect(contractGaps(contract)).toEqual(KNOWN_GAPS)
  })
})

/**
 * Where action.yml departs from the contract, one line a gap: an input or output the contract
 * names and action.yml does not (not built yet), one action.yml has and the contract does not
 * (a rename shows as both), and a default that differs.
 */
function contractGaps(contract: { inputs: Entry[]; outputs: Entry[] }): string[] {
  const gaps: string[] = []
  for (const kind of ['inputs', 'outputs'] as const) {
    const one = kind.slice(0, -1)
    for (const name of missingFrom(contract[kind], action[kind]))
      gaps.push(`${one} not built yet: ${name}`)
    for (const name of missingFrom(action[kind], contract[kind]))
      gaps.push(`${one} not in the contract: ${name}`)
  }
  const inputNames = names(contract.inputs)
  for (const input of action.inputs) {
    const spec = contract.inputs.find(c => c.name === input.name)
    if (spec && contractDefault(spec.default, inputNames) !== input.default)
      gaps.push(
        `input default differs: ${input.name} (contract ${JSON.stringify(spec.default)}, ` +
          `action.yml ${JSON.stringify(input.default)})`
      )
  }
  return gaps.sort()
}

/**
 * The contract's default as action.yml must declare it: a code span is a literal, unless it is
 * a formula of other inputs (`max(window, min(30, lookback))`), computed at run time ('').
 */
function contractDefault(cell: string, inputNames: string[]): string {
  const literal = literalDefault(cell)
  const formula = inputNames.some(name => new RegExp(`\\b${name}\\b`).test(literal))
  return formula && !literal.startsWith('${{') ? '' : literal
}

describe('the operator command’s exit codes', () => {
  // Its --help and its reference text (the README, or a docs/ page) name the same codes.
  const pages = [
    join(root, 'README.md'),
    ...(existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')) : [])
      .filter(name => name.endsWith('.md'))
      .map(name => join(root, 'docs', name))
  ]
  const reference = pages.map(page => readFileSync(page, 'utf8')).join('\n')
  const words = [
    '0 pass, insufficient or inconclusive',
    '1 breach',
    '2 bad usage',
    '3 the check could not run'
  ]

  it.each(words)('"%s" in --help and in the reference', async phrase => {
    const help = (await cli(['--help'], {})).stdout.replace(/\s+/g, ' ')
    expect(help).toContain(phrase)
    expect(reference.replace(/\s+/g, ' ')).toContain(phrase)
  })
})
