/**
 * `npm run trials` (second part): the `decide` modes per window, written to bench/decide.md.
 *
 * The confident rule reads only how many runs are over the budget, so on independent runs
 * every figure follows from P(a run is over) alone: the rates at the budget are binomial sums,
 * and how soon a regression fails is a chain over the window's over/within pattern (the
 * 2^window patterns, every probability summed: exact up to window 20; above, seeded draws).
 * Rubric compares the median itself, so its figures are seeded trials on normal noise.
 */
import { resolve } from 'node:path'
import { CONFIDENT_ALPHA, confidentCount } from '../src/core/stats/summary.js'
import { computeStats, decide, type DecideMode } from '../src/core/verdict/rubric.js'
import { normals, uniforms } from '../__fixtures__/changepoint-series.js'
import { loadNow, meanSe, pct, pctSe, progress, provenance, writeMarkdown } from './trials-lib.js'

const OUT = resolve(import.meta.dirname, '../bench/decide.md')
const SCALE = Number(process.env.TRIALS_SCALE ?? 1)
const trials = (n: number) => Math.max(1, Math.round(n * SCALE))

/** Windows published; the chain is exact up to EXACT_UP_TO. */
const WINDOWS = [5, 6, 7, 8, 9, 10, 12, 15, 20, 25, 30]
const EXACT_UP_TO = 20
/** The short table: every window from the rule's fewest runs to this. */
const CONFIDENT_MIN_SHOWN = 5
const EVERY_UP_TO = 50
/** Runs after a regression within which it should fail. */
const HORIZON = 40
/** Over the budget by this many MADs (normal noise). */
const REGRESSIONS = [0.5, 1, 2]
/** A healthy pipeline: this many MADs under the budget. */
const HEALTHY = 3
const OUTLIERS = 0.05

/** MAD of a standard normal: a median d MADs over the budget has P(over) = Φ(d · this). */
const NORMAL_MAD = 0.6744897501960817

/** Φ, the standard normal distribution function (Abramowitz-Stegun 7.1.26 on erf; < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * z)
  const poly =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  const erf = 1 - poly * Math.exp(-z * z)
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2
}

/** P(X = i) for X ~ Bin(n, p), i = 0..n. */
function binomial(n: number, p: number): Float64Array {
  const out = new Float64Array(n + 1)
  out[0] = 1
  for (let trial = 0; trial < n; trial++)
    for (let i = trial + 1; i >= 0; i--) out[i] = out[i] * (1 - p) + (i > 0 ? out[i - 1] * p : 0)
  return out
}

/** The confident verdict from the count over, of n, with k needed. */
const verdictOf = (over: number, n: number, k: number) =>
  over >= k ? 'breach' : n - over >= k ? 'pass' : 'inconclusive'

/**
 * With the true median at the budget: P(a check fails), P(the verdict changes between two
 * consecutive checks) and P(the step's status changes). Consecutive windows share n - 1 runs;
 * one run leaves and one arrives, each over with probability 1/2: summed exactly.
 */
function atBudget(n: number, k: number) {
  const fail = binomial(n, 0.5).reduce((sum, q, over) => sum + (over >= k ? q : 0), 0)
  let verdict = 0
  let status = 0
  binomial(n - 1, 0.5).forEach((q, shared) => {
    for (const left of [0, 1])
      for (const arrived of [0, 1]) {
        const a = verdictOf(shared + left, n, k)
        const b = verdictOf(shared + arrived, n, k)
        if (a !== b) verdict += q / 4
        if ((a === 'breach') !== (b === 'breach')) status += q / 4
      }
  })
  return { fail, verdict, status }
}

/** P(a check is inconclusive) when each run is over with probability `over`. */
function inconclusive(n: number, k: number, over: number): number {
  return binomial(n, over).reduce(
    (sum, q, c) => sum + (verdictOf(c, n, k) === 'inconclusive' ? q : 0),
    0
  )
}

interface ToFail {
  /** P(failed within HORIZON runs). */
  within: number
  /** Mean runs to the first failure, among those that failed within HORIZON. */
  mean: number
  /** Standard errors; zero where exact. */
  withinSe: number
  meanSe: number
}

/**
 * The window starts full of healthy runs (over with probability `before`); then every new run
 * is over with probability `after`. Exact: the probability of each over/within pattern of
 * the window, carried run by run; a pattern with k or more over fails and leaves the chain.
 */
function exactToFail(n: number, k: number, before: number, after: number): ToFail {
  const size = 1 << n
  const full = size - 1
  const ones = new Uint8Array(size)
  for (let m = 1; m < size; m++) ones[m] = ones[m >> 1] + (m & 1)
  let now = new Float64Array(size)
  for (let m = 0; m < size; m++) now[m] = before ** ones[m] * (1 - before) ** (n - ones[m])
  let next = new Float64Array(size)
  let within = 0
  let weighted = 0
  for (let run = 1; run <= HORIZON; run++) {
    next.fill(0)
    for (let m = 0; m < size; m++) {
      const q = now[m]
      if (q === 0) continue
      const shifted = (m << 1) & full
      next[shifted] += q * (1 - after)
      next[shifted | 1] += q * after
    }
    for (let m = 0; m < size; m++)
      if (ones[m] >= k && next[m] > 0) {
        within += next[m]
        weighted += run * next[m]
        next[m] = 0
      }
    ;[now, next] = [next, now]
  }
  return { within, mean: weighted / within, withinSe: 0, meanSe: 0 }
}

/** The same by seeded draws, for windows too wide to enumerate. */
function drawnToFail(n: number, k: number, before: number, after: number, count: number): ToFail {
  const uniform = uniforms(0xdec1de + n)
  const runs: number[] = []
  for (let t = 0; t < count; t++) {
    const window: number[] = Array.from({ length: n }, () => (uniform() < before ? 1 : 0))
    let over = window.reduce((a, b) => a + b, 0)
    for (let run = 1; run <= HORIZON; run++) {
      const arrived = uniform() < after ? 1 : 0
      over += arrived - (window.shift() as number)
      window.push(arrived)
      if (over >= k) {
        runs.push(run)
        break
      }
    }
  }
  const within = runs.length / count
  const mean = runs.reduce((a, b) => a + b, 0) / Math.max(1, runs.length)
  const variance = runs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, runs.length - 1)
  return {
    within,
    mean,
    withinSe: Math.sqrt((within * (1 - within)) / count),
    meanSe: Math.sqrt(variance / Math.max(1, runs.length))
  }
}

function toFail(n: number, k: number, before: number, after: number): ToFail {
  return n <= EXACT_UP_TO
    ? exactToFail(n, k, before, after)
    : drawnToFail(n, k, before, after, trials(200_000))
}

const shown = (f: ToFail) =>
  `${pct(f.within)}${f.withinSe ? ` ± ${(f.withinSe * 100).toFixed(1)}` : ''}; ${f.mean.toFixed(1)}${f.meanSe ? ` ± ${f.meanSe.toFixed(2)}` : ''}`

// ---- Rubric, and confident on values, by seeded trials at window 10 ------------------------

/** Normal noise with median `level` MADs from a 300 s budget (MAD 10 s). */
function draw(normal: () => number, level: number): number {
  return 300 + 10 * level + (10 / NORMAL_MAD) * normal()
}

/** Median at the budget, 20 consecutive checks of window 10: status flips, checks failing. */
function valueFlips(mode: DecideMode, count: number) {
  const c = { status: 0, pairs: 0, failing: 0, checks: 0 }
  for (let t = 0; t < count; t++) {
    const normal = normals(uniforms(9e6 + t))
    const values = Array.from({ length: 29 }, () => draw(normal, 0))
    let last: boolean | undefined
    for (let check = 0; check < 20; check++) {
      const failed =
        decide(computeStats(values.slice(check, check + 10)), 300, 10, mode) === 'breach'
      c.checks++
      if (failed) c.failing++
      if (last !== undefined) {
        c.pairs++
        if (failed !== last) c.status++
      }
      last = failed
    }
  }
  return c
}

/** Healthy at 3 MAD under, then `over` MADs over: runs to the first failure within 40. */
function valueToFail(mode: DecideMode, over: number, count: number) {
  const runs: number[] = []
  for (let t = 0; t < count; t++) {
    const normal = normals(uniforms(5000 + t))
    const values = Array.from({ length: 10 }, () => draw(normal, -HEALTHY))
    for (let run = 1; run <= HORIZON; run++) {
      values.push(draw(normal, over))
      if (decide(computeStats(values.slice(-10)), 300, 10, mode) === 'breach') {
        runs.push(run)
        break
      }
    }
  }
  return { runs, count }
}

async function main(): Promise<void> {
  const load = loadNow()
  const started = performance.now()
  const log = progress(started)
  const healthyOver = OUTLIERS + (1 - OUTLIERS) * normalCdf(-HEALTHY * NORMAL_MAD)
  const beforeOver = normalCdf(-HEALTHY * NORMAL_MAD)

  const rows = WINDOWS.map(n => {
    const k = confidentCount(n) as number
    const b = atBudget(n, k)
    const regressions = REGRESSIONS.map(d => toFail(n, k, beforeOver, normalCdf(d * NORMAL_MAD)))
    return { n, k, b, regressions, healthy: inconclusive(n, k, healthyOver) }
  })
  const every = Array.from({ length: EVERY_UP_TO - CONFIDENT_MIN_SHOWN + 1 }, (_, i) => {
    const n = CONFIDENT_MIN_SHOWN + i
    const k = confidentCount(n) as number
    return { n, k, b: atBudget(n, k), healthy: inconclusive(n, k, healthyOver) }
  })
  log('confident, per window')
  // The rule as it was at window 10: the 2nd-to-9th interval on one side, 9 of 10.
  const old = {
    b: atBudget(10, 9),
    regressions: REGRESSIONS.map(d => toFail(10, 9, beforeOver, normalCdf(d * NORMAL_MAD))),
    healthy: inconclusive(10, 9, healthyOver)
  }
  const flipTrials = trials(10000)
  const failTrials = trials(10000)
  const byValues = (['rubric', 'confident'] as const).map(mode => ({
    mode,
    flips: valueFlips(mode, flipTrials),
    fails: REGRESSIONS.map(d => valueToFail(mode, d, failTrials))
  }))
  log('rubric and confident on values, window 10')

  const ten = rows.find(r => r.n === 10)
  const targets = ten && [
    `false fail per check at the budget ${pct(ten.b.fail, 2)} (target <= 6%)`,
    `status flips between consecutive checks ${pct(ten.b.status, 2)} (<= 4%)`,
    `a regression 1 MAD over fails within ${HORIZON} runs ${pct(ten.regressions[1].within, 2)} (>= 95%)`,
    `a pipeline ${HEALTHY} MAD under with ${pct(OUTLIERS, 0)} outliers inconclusive ${pct(ten.healthy, 2)} (<= 5%)`
  ]
  const worst = {
    fail: Math.max(...every.map(r => r.b.fail)),
    status: Math.max(...every.map(r => r.b.status)),
    regression: Math.min(...rows.map(r => r.regressions[1].within))
  }

  const text = `# \`decide\`: measured rates per window

${provenance('scripts/decide-trials.ts', started, load)}

**Confident** (\`decide: confident\`): breach when at least k(n) of the n runs are over the budget, pass when at least k(n) are within it (a run at the budget is within), else inconclusive; k(n) is the smallest k with P(Bin(n, 1/2) >= k) <= ${CONFIDENT_ALPHA}. It reads only how many runs are over, so on independent runs each figure below follows from the chance that one run is over, whatever the noise's shape: the columns at the budget are exact binomial sums; the regression columns are exact too up to window ${EXACT_UP_TO} (every over/within pattern of the window carried run by run) and seeded draws above (${trials(200_000).toLocaleString('en')} per cell, ± one standard error).

- **At the budget**: the true median exactly at the budget. "Fails" is the share of checks that breach (each a false fail); "verdict changes" and "status flips" compare consecutive checks, one new run each (status: failed or not).
- **Regression**: the window starts full of healthy runs (median ${HEALTHY} MAD under the budget, normal noise), then the median moves to 0.5, 1 or 2 MAD over the budget. Each cell: the share failing within ${HORIZON} runs; then the **mean slow runs to fail, among trials that failed within ${HORIZON}**.
- **Healthy, inconclusive**: median ${HEALTHY} MAD under the budget (normal noise) with ${pct(OUTLIERS, 0)} of runs slow outliers over the budget: the share of checks that are inconclusive.

| window n | breach needs | pass needs | fails at the budget | verdict changes | status flips | +0.5 MAD | +1 MAD | +2 MAD | healthy, inconclusive |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.map(r => `| ${r.n} | ${r.k} of ${r.n} over | ${r.k} of ${r.n} within | ${pct(r.b.fail, 2)} | ${pct(r.b.verdict, 2)} | ${pct(r.b.status, 2)} | ${r.regressions.map(shown).join(' | ')} | ${pct(r.healthy, 2)} |`).join('\n')}
| 10, as it was (9 of 10, the interval) | 9 of 10 over | 9 of 10 within | ${pct(old.b.fail, 2)} | ${pct(old.b.verdict, 2)} | ${pct(old.b.status, 2)} | ${old.regressions.map(shown).join(' | ')} | ${pct(old.healthy, 2)} |

Every window from ${CONFIDENT_MIN_SHOWN} to ${EVERY_UP_TO} (exact; the rule's count for any window up to 1,000 is re-derived from the binomial distribution by \`__tests__/stats.test.ts\`):

| window n | breach / pass need | fails at the budget | status flips | healthy, inconclusive |
| --- | --- | --- | --- | --- |
${every.map(r => `| ${r.n} | ${r.k} of ${r.n} | ${pct(r.b.fail, 2)} | ${pct(r.b.status, 2)} | ${pct(r.healthy, 2)} |`).join('\n')}

At window 10: ${targets?.join('; ')}. Over every window from ${CONFIDENT_MIN_SHOWN} to ${EVERY_UP_TO}: false fail at most ${pct(worst.fail, 2)}, status flips at most ${pct(worst.status, 2)}; in the first table a 1-MAD regression fails within ${HORIZON} runs at least ${pct(worst.regression, 1)} of the time.

## Rubric beside confident, on values (window 10)

Seeded trials on normal noise (MAD 10 s, budget 300 s; ${flipTrials.toLocaleString('en')} sequences of 20 checks at the budget, ${failTrials.toLocaleString('en')} regressions each), through \`decide\` as the action calls it; ± one standard error. The confident rows agree with the exact figures above within their errors.

| decide | status flips at the budget | checks failing at the budget | +0.5 MAD: failed within ${HORIZON}; mean slow runs, among those | +1 MAD | +2 MAD |
| --- | --- | --- | --- | --- | --- |
${byValues.map(v => `| ${v.mode} | ${pctSe(v.flips.status, v.flips.pairs)} | ${pctSe(v.flips.failing, v.flips.checks)} | ${v.fails.map(f => `${pctSe(f.runs.length, f.count)}; ${meanSe(f.runs, 1)}`).join(' | ')} |`).join('\n')}

Rubric fails on about half of the checks when the median sits on the budget, and its status flips often; confident fails on at most ${pct(CONFIDENT_ALPHA, 1)} there and flips rarely, and pays with a few more slow runs before a real regression fails.
`
  await writeMarkdown(OUT, text)
}

await main()
