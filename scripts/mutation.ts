/**
 * `npm run mutation`: breaks one rule at a time (scripts/mutants.ts) and shows that the tests
 * named for it fail. Each file is restored afterwards, dist/ too.
 *
 * Why it runs in minutes rather than hours: each mutant runs only its named test files, one
 * jest run a file, stopping at the first file that kills it, with no coverage; only a mutant
 * named for an end-to-end test rebuilds, and then only the action's bundle (unminified: the
 * same code, faster to build). A baseline run of every named file on the unmutated tree comes
 * first, so a test that fails anyway is reported as such rather than counted as a kill; a
 * suite that fails to run (the mutant does not compile) is an error too, never a kill.
 *
 * ONLY=regex runs the mutants whose description matches (e.g. ONLY='cache|listing').
 * JOBS=n gives jest n workers (default 1: CI machines here have two cores).
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MUTANTS, type Mutant } from './mutants.js'

interface JestJson {
  numFailedTests: number
  numFailedTestSuites: number
  numTotalTests: number
  testResults: {
    name: string
    message: string
    assertionResults: { status: string; fullName: string }[]
  }[]
}

const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null
const jobs = process.env.JOBS ?? '1'
const scratch = mkdtempSync(join(tmpdir(), 'helm-rolling-mutation-'))
const report = join(scratch, 'jest.json')
const testPath = (name: string) => `__tests__/${name}.test.ts`
const needsBundle = (m: Mutant) => m.bundle ?? m.tests.some(t => /^(e2e\.|bundle$)/.test(t))
// Ctrl-C reaches jest too; the run stops after it, and the files and dist/ are restored.
let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (interrupted = true))
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`

/** Runs jest on the files; the parsed --json report, or null when jest wrote none. */
function jest(files: string[], extra: string[]): JestJson | null {
  rmSync(report, { force: true })
  // The binaries themselves, not npx: npm's start-up is a second or two a mutant.
  spawnSync(
    'node_modules/.bin/jest',
    [
      '--coverage=false',
      `--maxWorkers=${jobs}`,
      '--json',
      `--outputFile=${report}`,
      ...extra,
      ...files
    ],
    {
      stdio: 'ignore',
      env: { ...process.env, NODE_OPTIONS: '--experimental-vm-modules', NODE_NO_WARNINGS: '1' }
    }
  )
  return existsSync(report) ? (JSON.parse(readFileSync(report, 'utf8')) as JestJson) : null
}

const failedTests = (r: JestJson) =>
  r.testResults.flatMap(file =>
    file.assertionResults
      .filter(a => a.status === 'failed')
      .map(
        a => `${file.name.replace(/^.*__tests__\//, '').replace(/\.test\.ts$/, '')} › ${a.fullName}`
      )
  )
/** Suites that failed without a failed test: they did not run (a compile error, say). */
const brokenSuites = (r: JestJson) =>
  r.testResults.filter(f => f.message && !f.assertionResults.some(a => a.status === 'failed'))

/** The action's bundle alone, unminified, into dist/ (the e2e tests run dist/index.js). */
function buildBundle(): boolean {
  const built = spawnSync(
    'node_modules/.bin/ncc',
    ['build', 'src/index.ts', '-o', 'dist', '--quiet'],
    {
      stdio: 'ignore'
    }
  )
  return built.status === 0
}

/** Checks every mutant before anything runs: a stale pattern is the script's error. */
function checkList(mutants: Mutant[]): string[] {
  return mutants.flatMap(m => {
    const problems: string[] = []
    const text = existsSync(m.file) ? readFileSync(m.file, 'utf8') : ''
    if (text.split(m.from).length !== 2)
      problems.push(`${m.what}: the pattern is not found exactly once in ${m.file}`)
    if (m.tests.length === 0) problems.push(`${m.what}: names no test`)
    for (const t of m.tests)
      if (!existsSync(testPath(t))) problems.push(`${m.what}: no ${testPath(t)}`)
    return problems
  })
}

/**
 * What the mutants run, unmutated: the files some mutant runs whole, in one jest run, and each
 * file that mutants only grep, in a run of its own with their patterns joined.
 */
function baselineRuns(mutants: Mutant[]): { files: string[]; grep?: string }[] {
  const whole = new Set<string>()
  const greps = new Map<string, Set<string>>()
  for (const m of mutants)
    for (const t of m.tests) {
      if (!m.grep) whole.add(t)
      else greps.set(t, (greps.get(t) ?? new Set()).add(m.grep))
    }
  const grepped = [...greps].filter(([t]) => !whole.has(t))
  return [
    ...(whole.size > 0 ? [{ files: [...whole].sort() }] : []),
    ...grepped.map(([t, g]) => ({ files: [t], grep: [...g].map(p => `(${p})`).join('|') }))
  ]
}

type Outcome = 'killed' | 'SURVIVED' | 'ERROR'

function runMutant(m: Mutant): { outcome: Outcome; detail: string } {
  const original = readFileSync(m.file, 'utf8')
  writeFileSync(
    m.file,
    original.replace(m.from, () => m.to)
  )
  try {
    const buildStarted = Date.now()
    if (needsBundle(m) && !buildBundle())
      return { outcome: 'ERROR', detail: 'the mutant did not build' }
    // The build's share of the mutant's time, to tell a slow build from slow tests.
    const built = needsBundle(m) ? `(bundle ${seconds(buildStarted)}) ` : ''
    const grep = m.grep ? ['--testNamePattern', m.grep] : []
    let total = 0
    // One file a run, not jest's --bail over them all: once a file fails with files left to
    // run, --bail exits before jest writes --outputFile, and a kill would read as an error.
    for (const t of m.tests) {
      const r = jest([testPath(t)], grep)
      if (!r) return { outcome: 'ERROR', detail: `jest wrote no report (${t})` }
      const failed = failedTests(r)
      if (failed.length > 0) return { outcome: 'killed', detail: `${built}${failed[0]}` }
      const broken = brokenSuites(r)
      if (broken.length > 0)
        return {
          outcome: 'ERROR',
          detail: `a suite did not run: ${broken[0].message.split('\n').find(l => l.trim()) ?? ''}`
        }
      total += r.numTotalTests
    }
    if (total === 0) return { outcome: 'ERROR', detail: 'no test ran (check grep)' }
    return { outcome: 'SURVIVED', detail: `${total} tests passed` }
  } finally {
    writeFileSync(m.file, original)
  }
}

function main(): number {
  const mutants = MUTANTS.filter(m => !only || only.test(m.what))
  const problems = checkList(mutants)
  if (problems.length > 0) {
    for (const p of problems) console.error(`ERROR    ${p}; update scripts/mutants.ts`)
    rmSync(scratch, { recursive: true, force: true })
    return 2
  }
  const started = Date.now()
  const bundled = mutants.some(needsBundle)
  const keep = join(scratch, 'dist')
  if (bundled) {
    cpSync('dist', keep, { recursive: true })
    // Until dist/ is restored it is not built from src/: an interrupted run must not leave a
    // mutated bundle that `npm test` would take as fresh.
    rmSync('dist/source.sha256')
  }
  try {
    if (bundled && !buildBundle()) {
      console.error('ERROR    the unmutated bundle did not build')
      return 2
    }
    const baseline = baselineRuns(mutants)
    let total = 0
    for (const { files, grep } of baseline) {
      const r = jest(files.map(testPath), grep ? ['--testNamePattern', grep] : [])
      const failed = r ? failedTests(r) : ['jest wrote no report']
      if (!r || failed.length > 0 || r.numFailedTestSuites > 0) {
        console.error(
          `ERROR    the baseline (the named tests, unmutated) fails: ${failed[0] ?? 'a suite did not run'}`
        )
        return 2
      }
      total += r.numTotalTests
    }
    console.log(`baseline: ${total} tests pass unmutated (${seconds(started)})`)
    const tally: Record<Outcome, number> = { killed: 0, SURVIVED: 0, ERROR: 0 }
    for (const m of mutants) {
      if (interrupted) {
        console.error('interrupted: files and dist/ restored')
        return 2
      }
      const at = Date.now()
      const { outcome, detail } = runMutant(m)
      tally[outcome]++
      console.log(
        `${outcome.padEnd(8)} ${m.what} [${m.tests.join(', ')}] ${seconds(at)}: ${detail}`
      )
    }
    console.log(
      `${mutants.length} mutants: ${tally.killed} killed, ${tally.SURVIVED} survived, ${tally.ERROR} errors, in ${seconds(started)}`
    )
    return tally.ERROR > 0 ? 2 : tally.SURVIVED > 0 ? 1 : 0
  } finally {
    if (bundled) {
      rmSync('dist', { recursive: true, force: true })
      cpSync(keep, 'dist', { recursive: true })
    }
    rmSync(scratch, { recursive: true, force: true })
  }
}

process.exitCode = main()
