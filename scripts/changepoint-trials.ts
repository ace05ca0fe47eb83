/**
 * `npm run trials`: every rate the README and docs/statistics.md quote, measured over seeded
 * synthetic histories, printed and written to bench/changepoint.md. One run, one seed set.
 * CP_TRIALS and CP_PERMUTATIONS override the 1,000 trials and 1,999 permutations per test
 * (the action uses 9,999; fewer keep the run near a few minutes on 2 shared cores, and
 * change each p by Monte Carlo noise only).
 */
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { format, resolveConfig } from 'prettier'
import {
  ALPHA,
  DEFAULT_PERMUTATIONS,
  RECENT_ALPHA,
  SCAN_ALPHA,
  doubledRanks,
  findChangePoint,
  type ChangePoint
} from '../src/core/stats/changepoint.js'
import {
  AR_FALSE_SHIFTS,
  AUTOCORRELATION_HIGH,
  lagOneAutocorrelation
} from '../src/core/stats/independence.js'
import { recentSlowdown } from '../src/core/stats/recent.js'
import { computeStats, decide, type DecideMode } from '../src/core/verdict/rubric.js'
import {
  arSeries,
  flatSeries,
  NOISES,
  normals,
  populationMad,
  stepSeries,
  uniforms,
  type Noise
} from '../__fixtures__/changepoint-series.js'
import { rate } from '../__fixtures__/wilson.js'

const TRIALS = Number(process.env.CP_TRIALS ?? 1000)
const PERMUTATIONS = Number(process.env.CP_PERMUTATIONS ?? 1999)
const OUT = resolve(import.meta.dirname, '../bench/changepoint.md')

/** The action as it was: the scan alone, its largest |z| as the location, at p < 0.05. */
const before = (values: number[]): ChangePoint =>
  findChangePoint(values, { minShift: 0, permutations: PERMUTATIONS, refine: false, recent: false })
/** The action now: the refined scan at SCAN_ALPHA, then the recent test at RECENT_ALPHA. */
const now = (values: number[]): ChangePoint =>
  findChangePoint(values, { minShift: 0, permutations: PERMUTATIONS })
const beforeFound = (r: ChangePoint) => r.kind !== 'too-few' && r.p < ALPHA
const nowFound = (r: ChangePoint) => r.kind === 'shift'

const pct = (x: number) => `${(x * 100).toFixed(1)}%`

// ---- False shifts ------------------------------------------------------------------------

interface Alarms {
  before: number
  now: number
  scanOnly: number
}

/** Flat histories: how often each version reports a shift (minShift 0: any size counts). */
function alarms(series: (seed: number) => number[]): Alarms {
  const counts = { before: 0, now: 0, scanOnly: 0 }
  for (let trial = 0; trial < TRIALS; trial++) {
    const values = series(trial + 1)
    const scan = before(values)
    if (beforeFound(scan)) counts.before++
    if (scan.kind !== 'too-few' && scan.p < SCAN_ALPHA) counts.scanOnly++
    // The recent test's p does not depend on the scan: the combination without a second scan.
    const recent = recentSlowdown(doubledRanks(values).doubled)
    const recentHit = recent.p < RECENT_ALPHA
    if ((scan.kind !== 'too-few' && scan.p < SCAN_ALPHA) || recentHit) counts.now++
  }
  return counts
}

// ---- 20 consecutive checks ---------------------------------------------------------------

/**
 * A flat, independent history checked 20 times in a row, one new run each time, over the
 * newest `history` samples: how often at least one check reports a shift.
 */
function consecutive(
  history: number,
  checks: number,
  trials: number
): { before: number; now: number } {
  const counts = { before: 0, now: 0 }
  for (let trial = 0; trial < trials; trial++) {
    const values = flatSeries(history + checks - 1, 'normal', 7e6 + trial)
    let hitBefore = false
    let hitNow = false
    for (let c = 0; c < checks && !(hitBefore && hitNow); c++) {
      const window = values.slice(c, c + history)
      const scan = before(window)
      if (beforeFound(scan)) hitBefore = true
      const recent = recentSlowdown(doubledRanks(window).doubled)
      if ((scan.kind !== 'too-few' && scan.p < SCAN_ALPHA) || recent.p < RECENT_ALPHA) hitNow = true
    }
    if (hitBefore) counts.before++
    if (hitNow) counts.now++
  }
  return counts
}

// ---- Detection of a 3-MAD step ----------------------------------------------------------

interface Located {
  found: number
  exact: number
  near: number
}
const located = (): Located => ({ found: 0, exact: 0, near: 0 })

function tally(counts: Located, result: ChangePoint, found: boolean, at: number): void {
  if (!found || result.kind === 'too-few' || result.shift <= 0) return
  counts.found++
  if (result.index === at) counts.exact++
  if (Math.abs(result.index - at) <= 1) counts.near++
}

function stepDetections(n: number, noise: Noise, at: number): { before: Located; now: Located } {
  const step = 3 * populationMad(noise)
  const counts = { before: located(), now: located() }
  for (let trial = 0; trial < TRIALS; trial++) {
    const values = stepSeries(n, noise, 1e6 + trial, at, step)
    const old = before(values)
    tally(counts.before, old, beforeFound(old), at)
    const fresh = now(values)
    tally(counts.now, fresh, nowFound(fresh), at)
  }
  return counts
}

// ---- The first breach --------------------------------------------------------------------

/** The review's scenario: median 270 s, MAD 10 s (normal), budget 300 s, window 10. */
const LEVEL = 270
const MAD = 10
const SIGMA = MAD / 0.6744897501960817
const BUDGET = 300
const WINDOW = 10
const SHIFTED = LEVEL + 4 * MAD

/**
 * 40 runs at 270 s, then runs at 310 s (+4 MAD) until the window's verdict breaches (or 40
 * slow runs). Returns the series and how many slow runs it took.
 */
function toFirstBreach(seed: number, mode: DecideMode): { values: number[]; slow: number } {
  const normal = normals(uniforms(seed))
  const values = Array.from({ length: 40 }, () => LEVEL + SIGMA * normal())
  let slow = 0
  while (slow < 40) {
    values.push(SHIFTED + SIGMA * normal())
    slow++
    const stats = computeStats(values.slice(-WINDOW))
    if (decide(stats, BUDGET, WINDOW, mode) === 'breach') break
  }
  return { values, slow }
}

function firstBreach(history: number): { before: Located; now: Located; slow: number } {
  const counts = { before: located(), now: located(), slow: 0 }
  for (let trial = 0; trial < TRIALS; trial++) {
    const { values, slow } = toFirstBreach(5000 + trial, 'rubric')
    counts.slow += slow
    const recent = values.slice(-history)
    const at = history - slow
    const old = before(recent)
    tally(counts.before, old, beforeFound(old), at)
    const fresh = now(recent)
    tally(counts.now, fresh, nowFound(fresh), at)
  }
  return counts
}

// ---- Decide modes ------------------------------------------------------------------------

/**
 * True median exactly at the budget, independent runs: over 20 consecutive checks (one new
 * run each), how often the verdict changes from one check to the next, and how often the
 * step's status (failed or not) does.
 */
function flips(mode: DecideMode): {
  verdict: number
  status: number
  failing: number
  pairs: number
  checks: number
} {
  const counts = { verdict: 0, status: 0, failing: 0, pairs: 0, checks: 0 }
  for (let trial = 0; trial < TRIALS; trial++) {
    const normal = normals(uniforms(9e6 + trial))
    const values = Array.from({ length: WINDOW + 19 }, () => BUDGET + SIGMA * normal())
    let last: string | undefined
    for (let c = 0; c < 20; c++) {
      const verdict = decide(computeStats(values.slice(c, c + WINDOW)), BUDGET, WINDOW, mode)
      counts.checks++
      if (verdict === 'breach') counts.failing++
      if (last !== undefined) {
        counts.pairs++
        if (verdict !== last) counts.verdict++
        if ((verdict === 'breach') !== (last === 'breach')) counts.status++
      }
      last = verdict
    }
  }
  return counts
}

function slowRunsToFail(mode: DecideMode): {
  mean: number
  median: number
  p90: number
  never: number
} {
  const runs = Array.from({ length: TRIALS }, (_, trial) => toFirstBreach(5000 + trial, mode))
  const failed = runs.filter(r => r.slow < 40 || decided(r.values, mode))
  const counts = failed.map(r => r.slow).sort((a, b) => a - b)
  return {
    mean: counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length),
    median: counts[counts.length >> 1] ?? NaN,
    p90: counts[Math.floor(counts.length * 0.9)] ?? NaN,
    never: TRIALS - failed.length
  }
}
const decided = (values: number[], mode: DecideMode) =>
  decide(computeStats(values.slice(-WINDOW)), BUDGET, WINDOW, mode) === 'breach'

// ---- Independence ------------------------------------------------------------------------

/** How often the interval of the median of 10 covers the true median (200 s), by phi. */
function coverage(phi: number): number {
  let hits = 0
  for (let trial = 0; trial < TRIALS; trial++) {
    const stats = computeStats(arSeries(10, phi, 3e6 + trial))
    if (stats.ciLow !== null && stats.ciHigh !== null && stats.ciLow <= 200 && stats.ciHigh >= 200)
      hits++
  }
  return hits / TRIALS
}

/** How often 30 samples' lag-1 autocorrelation reaches the warning threshold, by phi. */
function warned(phi: number): number {
  let hits = 0
  for (let trial = 0; trial < TRIALS; trial++) {
    const r = lagOneAutocorrelation(arSeries(30, phi, 4e6 + trial))
    if (r !== null && r >= AUTOCORRELATION_HIGH) hits++
  }
  return hits / TRIALS
}

// ---- Timing ------------------------------------------------------------------------------

/** Median of 5 runs of the whole test at the action's 9,999 permutations, skewed flat noise. */
function timing(n: number): string {
  const values = flatSeries(n, 'skewed', 1)
  findChangePoint(values, { minShift: 0 })
  const time = (f: () => void) =>
    Array.from({ length: 5 }, () => {
      const start = performance.now()
      f()
      return performance.now() - start
    }).sort((a, b) => a - b)[2]
  const whole = time(() => findChangePoint(values, { minShift: 0 }))
  const recent = time(() => recentSlowdown(doubledRanks(values).doubled))
  return `| ${n} | ${whole.toFixed(1)} | ${recent.toFixed(2)} |`
}

/**
 * Budgets 100.0 to 600.0 in steps of 0.1 whose middle pair budget ± 0.01 would breach compared
 * unrounded (the median's binary value over the budget) while printing equal, and now.
 */
function boundaryCases(): { unrounded: number; now: number; of: number } {
  const counts = { unrounded: 0, now: 0, of: 0 }
  for (let tenths = 1000; tenths <= 6000; tenths++) {
    const budget = tenths / 10
    // Integers over 100: the doubles nearest budget - 0.01 and + 0.01, as parsed from text.
    const stats = computeStats([(tenths * 10 - 1) / 100, (tenths * 10 + 1) / 100])
    counts.of++
    if ((stats.median ?? 0) > budget) counts.unrounded++
    if (decide(stats, budget, 2) === 'breach') counts.now++
  }
  return counts
}

const binomial = (n: number, k: number): number => {
  let c = 1
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i
  return c
}

async function main(): Promise<string> {
  const load = loadavg()[0].toFixed(1)
  const started = performance.now()
  const log = (what: string) =>
    process.stderr.write(`${((performance.now() - started) / 1000).toFixed(0)} s: ${what}\n`)
  const quoted: Record<string, string> = {}

  // False shifts, independent and AR(1).
  const alarmRows: string[] = []
  let iidMax = 0
  for (const noise of NOISES)
    for (const n of [10, 20, 30, 50]) {
      const a = alarms(seed => flatSeries(n, noise, seed))
      alarmRows.push(
        `| ${noise} | independent | ${n} | ${rate(a.before, TRIALS)} | ${rate(a.scanOnly, TRIALS)} | ${rate(a.now, TRIALS)} |`
      )
      if (noise === 'skewed' && n === 30) quoted.iid30 = pct(a.now / TRIALS)
      iidMax = Math.max(iidMax, a.now / TRIALS)
    }
  log('independent false shifts')
  const arRates: Record<string, number> = {}
  for (const phi of [0.3, 0.5])
    for (const n of [10, 20, 30, 50]) {
      const a = alarms(seed => arSeries(n, phi, 2e6 + seed))
      arRates[`${phi}:${n}`] = a.now / TRIALS
      alarmRows.push(
        `| normal | AR(1) φ = ${phi} | ${n} | ${rate(a.before, TRIALS)} | ${rate(a.scanOnly, TRIALS)} | ${rate(a.now, TRIALS)} |`
      )
    }
  log('AR false shifts')

  const CHECKS = 20
  const CONSECUTIVE_TRIALS = Math.max(1, Math.round(TRIALS / 2))
  const consecutiveRows = [10, 30].map(h => {
    const c = consecutive(h, CHECKS, CONSECUTIVE_TRIALS)
    if (h === 30) quoted.consecutive30 = pct(c.now / CONSECUTIVE_TRIALS)
    return `| ${h} | ${rate(c.before, CONSECUTIVE_TRIALS)} | ${rate(c.now, CONSECUTIVE_TRIALS)} |`
  })
  log('consecutive checks')

  // Detection of a 3-MAD step, before and now.
  const detectionRows: string[] = []
  for (const noise of NOISES)
    for (const n of [10, 30])
      for (const [at, where] of [
        [n / 2, 'middle'],
        [n - 3, 'newest 3']
      ] as const) {
        const d = stepDetections(n, noise, at)
        detectionRows.push(
          `| ${noise} | ${n} | ${where} | ${rate(d.before.found, TRIALS)} | ${rate(d.now.found, TRIALS)} | ${rate(d.before.exact, d.before.found)} | ${rate(d.now.exact, d.now.found)} | ${rate(d.before.near, d.before.found)} | ${rate(d.now.near, d.now.found)} |`
        )
      }
  log('3-MAD detection')
  const recentRows = [10, 20, 30, 50].map(n => {
    const d = stepDetections(n, 'normal', n - 3)
    quoted[`recent${n}`] = `${pct(d.before.found / TRIALS)} -> ${pct(d.now.found / TRIALS)}`
    return `| ${n} | ${rate(d.before.found, TRIALS)} | ${rate(d.now.found, TRIALS)} | ${(3 / binomial(n, 3)).toPrecision(2)} |`
  })
  log('recent gain')

  // The first breach, by history.
  const breachRows = [10, 20, 30].map(h => {
    const b = firstBreach(h)
    if (h === 30) {
      quoted.breach30 = `${pct(b.now.found / TRIALS)} of the time, the exact run ${pct(b.now.exact / b.now.found)}, within one ${pct(b.now.near / b.now.found)}`
      quoted.breach30before = `${pct(b.before.found / TRIALS)}, exact ${pct(b.before.exact / b.before.found)}, within one ${pct(b.before.near / b.before.found)}`
    }
    if (h === 10) quoted.breach10 = pct(b.now.found / TRIALS)
    quoted.slowToBreach = (b.slow / TRIALS).toFixed(1)
    return `| ${h} | ${(b.slow / TRIALS).toFixed(1)} | ${rate(b.before.found, TRIALS)} | ${rate(b.now.found, TRIALS)} | ${rate(b.before.exact, b.before.found)} | ${rate(b.now.exact, b.now.found)} | ${rate(b.before.near, b.before.found)} | ${rate(b.now.near, b.now.found)} |`
  })
  log('first breach')

  // Decide modes.
  const decideRows = (['rubric', 'confident'] as const).map(mode => {
    const f = flips(mode)
    const s = slowRunsToFail(mode)
    quoted[`flip-${mode}`] = pct(f.status / f.pairs)
    quoted[`slow-${mode}`] =
      `${s.mean.toFixed(1)} (median ${s.median}${s.never ? `; ${s.never} of ${TRIALS} trials not within 40` : ''})`
    return `| ${mode} | ${rate(f.verdict, f.pairs)} | ${rate(f.status, f.pairs)} | ${rate(f.failing, f.checks)} | ${s.mean.toFixed(1)} | ${s.median} | ${s.p90} | ${s.never} |`
  })
  log('decide modes')

  // Independence.
  const coverageRows = [0, 0.3, 0.5].map(phi => `| ${phi} | ${pct(coverage(phi))} |`)
  const warnRows = [0, 0.3, 0.5].map(phi => {
    const rates = phi === 0 ? '–' : `${pct(arRates[`${phi}:30`])}`
    return `| ${phi} | ${pct(warned(phi))} | ${rates} |`
  })
  const table = AR_FALSE_SHIFTS.map(
    a =>
      `φ ${a.phi}: src/core/stats/independence.ts says ${pct(a.rate)}, measured ${pct(arRates[`${a.phi}:${a.n}`])}`
  ).join('; ')
  log('independence')

  const boundary = boundaryCases()
  const timingRows = [10, 30, 100, 300, 1000].map(timing)
  log('timing')
  const seconds = ((performance.now() - started) / 1000).toFixed(0)
  const cpu = cpus()
  const mads = NOISES.map(noise => `${noise} ${populationMad(noise).toFixed(2)} s`).join(', ')
  const text = `# Change-point test and verdict: measured rates

Written by \`npm run trials\` (scripts/changepoint-trials.ts) in ${seconds} s on ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load} at the start (times are wall-clock).
${TRIALS} seeded trials per row (20 consecutive checks: ${CONSECUTIVE_TRIALS}), ${PERMUTATIONS} permutations per scan (the action uses ${DEFAULT_PERMUTATIONS}; fewer only coarsen each p), \`min-shift\` 0.
Intervals are 95% Wilson intervals over the trials.

**Before** is the action as it was: the scan over every split at p < ${ALPHA}, located at its largest |z|.
**Now** is the scan at p < ${SCAN_ALPHA}, located by the two-level fit among near-maximal splits, then, only when the scan finds nothing, the exact recent slow-down test (newest 3, 4, 5 against the rest, Bonferroni × 3) at p < ${RECENT_ALPHA.toFixed(2)}.

Noise: **normal** is 200 s ± 10 s; **skewed** is 180 s + 20 s · e^(0.8 Z) with 1 run in 20 slowed by a further 100–200 s,
closer to real install times. MAD of the noise: ${mads}. **AR(1)** is normal noise where each run keeps φ of the last run's deviation (runners drift), same 10 s spread.

## False shifts: flat histories, no shift anywhere

"Scan at ${SCAN_ALPHA}" is the scan's share of the now-combination. Independent runs are what the rates assume; the AR rows show what drifting runners do to them.

| noise | runs | samples | before | scan at ${SCAN_ALPHA} | now |
| --- | --- | --- | --- | --- | --- |
${alarmRows.join('\n')}

## 20 consecutive checks of a flat independent history

Chance that at least one of 20 checks in a row (one new run each) reports a shift, by history length.

| history | before | now |
| --- | --- | --- |
${consecutiveRows.join('\n')}

## Detection: a slow-down of 3 × MAD

Found: a slow-down reported (positive shift). Located, among those found: the reported first run after the split is exactly the first slow run, or within one run of it.

| noise | samples | step | found before | found now | exact before | exact now | within ±1 before | within ±1 now |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${detectionRows.join('\n')}

### The recent test's gain: a 3-MAD step in the newest 3 runs (normal noise)

The last column is the smallest p the recent test can give for 3 runs (3 / C(n, 3), when they are the 3 slowest of all): exact, no simulation.

| samples | found before | found now | best recent p |
| --- | --- | --- | --- |
${recentRows.join('\n')}

## The first breach: does attribution find the commit when the gate trips?

Median 270 s, MAD 10 s, budget 300 s, window 10 (rubric). After 40 runs at 270 s the level rises to 310 s (+4 MAD); at the first check whose verdict is breach, attribution runs over the newest \`history\` samples.

| history | slow runs to the breach (mean) | found before | found now | exact before | exact now | within ±1 before | within ±1 now |
| --- | --- | --- | --- | --- | --- | --- | --- |
${breachRows.join('\n')}

## Decide modes

**Flips**: the true median exactly at the 300 s budget (MAD 10 s, independent runs), 20 consecutive checks of a window of 10, one new run each: how often the verdict changes from one check to the next, how often the step's status (failed or not) changes, and the share of checks that fail. **Slow runs to fail**: the first-breach scenario above (270 s -> 310 s, +4 MAD); "never" counts trials not failing within 40 slow runs.

| decide | verdict changes | status flips | checks failing | slow runs to fail (mean) | median | 90th percentile | never |
| --- | --- | --- | --- | --- | --- | --- | --- |
${decideRows.join('\n')}

At n = 10 the interval is the 2nd to 9th smallest (97.9%): a confident pass needs 9 of 10 runs within budget, a confident breach 9 of 10 over.

## The boundary in floating point

Budgets 100.0 to 600.0 in steps of 0.1 (${boundary.of}), middle pair budget ± 0.01, which prints as the budget: compared unrounded, ${boundary.unrounded} breach; compared at the printed 3 decimals, as now, ${boundary.now}.

## Independence

The interval of the median of 10 samples covers the true median (a 97.9% interval for independent runs):

| φ | coverage |
| --- | --- |
${coverageRows.join('\n')}

The summary reports the lag-1 autocorrelation of the history's ranks from 20 samples and warns from ${AUTOCORRELATION_HIGH}. Over 30 samples:

| φ | histories warned | false shifts now |
| --- | --- | --- |
${warnRows.join('\n')}

The warning's figures (${table}).

## Time per test (${DEFAULT_PERMUTATIONS} permutations, median of 5)

| samples | whole test, ms | recent test alone, ms |
| --- | --- | --- |
${timingRows.join('\n')}

## Closing note

On independent runs the combination reports a false shift in at most ${pct(iidMax)} of flat histories of 10 to 50 samples (skewed noise, 30 samples: ${quoted.iid30}), but drifting runners inflate it: ${pct(arRates['0.3:30'])} at φ = 0.3 and ${pct(arRates['0.5:30'])} at φ = 0.5 over 30 samples. Over 20 consecutive checks of a flat 30-sample history, ${quoted.consecutive30} see at least one false shift. At the first breach (${quoted.slowToBreach} slow runs on average) the default history of 30 finds the shift ${quoted.breach30} (before this change: ${quoted.breach30before}); a history of 10 finds it ${quoted.breach10} of the time. Detection of a 3-MAD step in the newest 3 runs, before -> now: ${quoted.recent10} at 10 samples (where the recent test cannot reach p < ${RECENT_ALPHA} and the scan's share is smaller), ${quoted.recent20} at 20, ${quoted.recent30} at 30 and ${quoted.recent50} at 50. With the true median at the budget, the step's status flips on ${quoted['flip-rubric']} of consecutive checks in rubric mode and ${quoted['flip-confident']} in confident mode; after a real +4 MAD shift, rubric fails after ${quoted['slow-rubric']} slow runs and confident after ${quoted['slow-confident']}.
`
  // Through Prettier, so the committed file passes `prettier --check`.
  return format(text, { ...(await resolveConfig(OUT)), filepath: OUT })
}

const text = await main()
writeFileSync(OUT, text)
process.stdout.write(text)
