/**
 * `npm run trials`: false-alarm and detection rates of the change-point test, measured over
 * seeded synthetic histories, and its running time. Prints and writes bench/changepoint.md.
 * CP_TRIALS and CP_PERMUTATIONS override the 1,000 trials and 9,999 permutations.
 */
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { format, resolveConfig } from 'prettier'
import { DEFAULT_PERMUTATIONS, findChangePoint } from '../src/core/changepoint.js'
import {
  flatSeries,
  NOISES,
  populationMad,
  stepSeries,
  type Noise
} from '../__fixtures__/changepoint-series.js'
import { rate } from '../__fixtures__/wilson.js'

const TRIALS = Number(process.env.CP_TRIALS ?? 1000)
const PERMUTATIONS = Number(process.env.CP_PERMUTATIONS ?? DEFAULT_PERMUTATIONS)
const OUT = resolve(import.meta.dirname, '../bench/changepoint.md')
const options = { minShift: 0, permutations: PERMUTATIONS }

/** Normal two-sided p by the Abramowitz-Stegun 7.1.26 erf approximation (error < 1.5e-7). */
function twoSidedNormalP(z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const poly =
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
  return poly * Math.exp(-x * x)
}

interface FalseAlarm {
  corrected: number
  uncorrected: number
}

/** Flat series: how often a shift is reported, and how often the best split's own p < 0.05. */
function falseAlarms(n: number, noise: Noise): FalseAlarm {
  const counts = { corrected: 0, uncorrected: 0 }
  for (let trial = 0; trial < TRIALS; trial++) {
    const result = findChangePoint(flatSeries(n, noise, trial + 1), options)
    if (result.kind === 'shift') counts.corrected++
    if (result.kind !== 'too-few' && twoSidedNormalP(result.z) < 0.05) counts.uncorrected++
  }
  return counts
}

interface Detection {
  found: number
  exact: number
  near: number
}

/** A 3-MAD slow-down from index `at`: how often found (as a slow-down), and where. */
function detections(n: number, noise: Noise, at: number): Detection {
  const step = 3 * populationMad(noise)
  const counts = { found: 0, exact: 0, near: 0 }
  for (let trial = 0; trial < TRIALS; trial++) {
    const result = findChangePoint(stepSeries(n, noise, 1e6 + trial, at, step), options)
    if (result.kind !== 'shift' || result.shift <= 0) continue
    counts.found++
    if (result.index === at) counts.exact++
    if (Math.abs(result.index - at) <= 1) counts.near++
  }
  return counts
}

function detectionRow(noise: Noise, n: number, at: number, where: string): string {
  const d = detections(n, noise, at)
  return `| ${noise} | ${n} | ${where} (index ${at}) | ${rate(d.found, TRIALS)} | ${rate(d.exact, d.found)} | ${rate(d.near, d.found)} |`
}

/**
 * The smallest p a slow-down `after` runs old can get: those runs slower than every earlier
 * one. Ranks ignore by how much, so this bounds detection whatever the step's size. The
 * median over 25 seeded earlier histories, since their own wobble moves it a little.
 */
function bestCase(n: number, after: number): string {
  const slowed = Array.from({ length: after }, (_, i) => 1000 + i)
  const ps = Array.from({ length: 25 }, (_, seed) => {
    const result = findChangePoint(
      [...flatSeries(n - after, 'normal', seed + 1), ...slowed],
      options
    )
    return result.kind === 'too-few' ? 1 : result.p
  }).sort((a, b) => a - b)
  return ps[12].toFixed(4)
}

/** Median of 5 runs at the default 9,999 permutations, on skewed flat noise. */
function timing(n: number): string {
  const values = flatSeries(n, 'skewed', 1)
  findChangePoint(values, { minShift: 0 })
  const times = Array.from({ length: 5 }, () => {
    const start = performance.now()
    findChangePoint(values, { minShift: 0 })
    return performance.now() - start
  }).sort((a, b) => a - b)
  return `| ${n} | ${times[2].toFixed(1)} |`
}

async function main(): Promise<string> {
  const load = loadavg()[0].toFixed(1)
  const started = performance.now()
  const alarmRows: string[] = []
  const detectionRows: string[] = []
  for (const noise of NOISES) {
    for (const n of [10, 30]) {
      const fa = falseAlarms(n, noise)
      alarmRows.push(
        `| ${noise} | ${n} | ${rate(fa.corrected, TRIALS)} | ${rate(fa.uncorrected, TRIALS)} |`
      )
      detectionRows.push(detectionRow(noise, n, n / 2, 'middle'))
      detectionRows.push(detectionRow(noise, n, n - 3, 'newest 3 after'))
    }
  }
  const bestRows = [10, 20, 30, 100].map(
    n => `| ${n} | ${[3, 4, 5].map(after => bestCase(n, after)).join(' | ')} |`
  )
  const timingRows = [10, 30, 100, 300, 1000].map(timing)
  const seconds = ((performance.now() - started) / 1000).toFixed(0)
  const cpu = cpus()
  const mads = NOISES.map(noise => `${noise} ${populationMad(noise).toFixed(2)} s`).join(', ')
  const text = `# Change-point test: measured rates

Written by \`npm run trials\` (scripts/changepoint-trials.ts) in ${seconds} s on ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load} at the start (times are wall-clock).
${TRIALS} seeded trials per row, ${PERMUTATIONS} permutations per test, \`min-shift\` 0, significance p < 0.05.
Intervals are 95% Wilson intervals over the trials.

Noise: **normal** is 200 s ± 10 s; **skewed** is 180 s + 20 s · e^(0.8 Z) with 1 run in 20 slowed by a further 100–200 s,
closer to real install times. MAD of the noise: ${mads}.

## False alarms: flat series, no shift anywhere

"Uncorrected" is what testing only the most extreme split at its own p < 0.05 would report: the cost of trying every split.

| noise | samples | shift reported | uncorrected |
| --- | --- | --- | --- |
${alarmRows.join('\n')}

## Detection: a slow-down of 3 × MAD

Found means a slow-down reported (p < 0.05, positive shift). Located is among those found: the first run after the split is exactly the first slowed run, or within one run of it.

| noise | samples | step | found | located exactly | within ±1 |
| --- | --- | --- | --- | --- | --- |
${detectionRows.join('\n')}

## The newest runs: the best p a recent slow-down can get

When the newest 3, 4 or 5 runs are each slower than every earlier run (by any amount), this is the p-value the test gives (median over 25 seeded earlier histories): the most extreme arrangement the ranks allow. With only 3 runs after the split it never gets far below 0.05, whatever the history's length or the step's size, so a 3-run-old slow-down is reported only when those runs are the slowest of all, or nearly. A fourth slowed run changes that.

| samples | 3 newest | 4 newest | 5 newest |
| --- | --- | --- | --- |
${bestRows.join('\n')}

## Time per test (${DEFAULT_PERMUTATIONS} permutations, median of 5)

| samples | ms |
| --- | --- |
${timingRows.join('\n')}
`
  // Through Prettier, so the committed file passes `prettier --check`.
  return format(text, { ...(await resolveConfig(OUT)), filepath: OUT })
}

const text = await main()
writeFileSync(OUT, text)
process.stdout.write(text)
