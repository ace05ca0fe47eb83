/**
 * `npm run trials` (second part): how attribution treats runner-image changes, over seeded
 * synthetic histories whose samples carry an `image-version`. Prints and writes
 * bench/environment.md. ENV_TRIALS overrides the 1,000 trials per row.
 */
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { resolve } from 'node:path'
import { format, resolveConfig } from 'prettier'
import {
  flatSeries,
  populationMad,
  stepSeries,
  type Noise
} from '../__fixtures__/changepoint-series.js'
import { rate } from '../__fixtures__/wilson.js'
import { attribute } from '../src/core/history/attribution.js'
import type { Sample } from '../src/core/types.js'

const TRIALS = Number(process.env.ENV_TRIALS ?? 1000)
const OUT = resolve(import.meta.dirname, '../bench/environment.md')
const OLD = '20261115.1'
const NEW = '20261122.1'

/** Samples newest first, as attribution takes them; the image is NEW from `imageAt` (oldest first). */
function history(values: number[], imageAt: number): Sample[] {
  return values
    .map((value, i) => ({
      run_id: i + 1,
      run_number: i + 1,
      value,
      head_sha: String(i).padStart(40, '0'),
      created_at: '',
      html_url: '',
      conclusion: 'success',
      environment: { 'runner-os': 'Linux', 'image-version': i >= imageAt ? NEW : OLD }
    }))
    .reverse()
}

interface Tally {
  shifts: number
  named: number
}

function tally(series: (trial: number) => number[], imageAt: number): Tally {
  const counts = { shifts: 0, named: 0 }
  for (let trial = 0; trial < TRIALS; trial++) {
    const { change } = attribute(history(series(trial), imageAt), 0)
    if (change.result.kind !== 'shift') continue
    counts.shifts++
    const shift = change.environment
    if (shift && 'value' in shift && shift.value['image-version']) counts.named++
  }
  return counts
}

/** A 3-MAD slow-down from `at`, the image changing at `at + offset`. */
function coincidingRow(noise: Noise, n: number, at: number, offset: number, where: string) {
  const step = 3 * populationMad(noise)
  const t = tally(trial => stepSeries(n, noise, 2e6 + trial, at, step), at + offset)
  const when =
    offset === 0 ? 'the same run' : `${Math.abs(offset)} runs ${offset < 0 ? 'before' : 'after'}`
  return `| ${noise} | ${n} | ${where} | ${when} | ${rate(t.shifts, TRIALS)} | ${rate(t.named, TRIALS)} | ${rate(t.named, t.shifts)} |`
}

/** No shift at all; the image changes in the middle. */
function flatRow(noise: Noise, n: number) {
  const t = tally(trial => flatSeries(n, noise, 3e6 + trial), n / 2)
  return `| ${noise} | ${n} | ${rate(t.shifts, TRIALS)} | ${rate(t.named, TRIALS)} |`
}

async function main(): Promise<string> {
  const load = loadavg()[0].toFixed(1)
  const started = performance.now()
  const coinciding = [
    coincidingRow('normal', 30, 15, 0, 'middle'),
    coincidingRow('skewed', 30, 15, 0, 'middle'),
    coincidingRow('skewed', 30, 25, 0, 'newest 5 after'),
    coincidingRow('skewed', 30, 15, -2, 'middle'),
    coincidingRow('skewed', 30, 15, 2, 'middle'),
    coincidingRow('skewed', 30, 15, 3, 'middle'),
    coincidingRow('skewed', 10, 5, 0, 'middle')
  ]
  const flat = [flatRow('normal', 30), flatRow('skewed', 30), flatRow('skewed', 10)]
  const seconds = ((performance.now() - started) / 1000).toFixed(0)
  const cpu = cpus()
  const text = `# Environment attribution: measured rates

Written by \`npm run trials\` (scripts/environment-trials.ts) in ${seconds} s on ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load} at the start.
${TRIALS} seeded trials per row, through \`attribute()\` as the action runs it (9,999 permutations, \`min-shift\` 0, p < 0.05).
Every sample records \`image-version\`; the image changes once, from ${OLD} to ${NEW}. Noise as in [changepoint.md](changepoint.md).
Intervals are 95% Wilson intervals over the trials.

## An image change where the level shifts

A slow-down of 3 × MAD from the split; the image changes at the split or near it. "Image named" is a shift
reported with \`change-environment\` naming \`image-version\` (the first run on the new image within two runs of
the first run after the split). At 3 runs away the image is outside that reach and is not named unless the
test puts the split a run or more off.

| noise | samples | split | image changes | shift reported | image named | image named, of shifts |
| --- | --- | --- | --- | --- | --- | --- |
${coinciding.join('\n')}

## An image change with no shift

Flat history, no shift anywhere; the image changes in the middle. A shift reported here is the test's own false
alarm (about 5% by design, see changepoint.md): the image change does not add to it, since the test reads only
the values. "Image named" is such a false alarm that also names the image.

| noise | samples | shift reported | image named |
| --- | --- | --- | --- |
${flat.join('\n')}
`
  return format(text, { ...(await resolveConfig(OUT)), filepath: OUT })
}

const text = await main()
writeFileSync(OUT, text)
process.stdout.write(text)
