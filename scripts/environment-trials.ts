/**
 * `npm run trials` (third part): how attribution treats runner-image changes, over seeded
 * synthetic histories whose samples carry an `image-version`. Prints and writes
 * bench/environment.md. The test runs as the action's (`findChangePoint`, then
 * `environmentAround` and `changePace` at its split, as `attribute` calls them), with the
 * scan's p from the tabulated permutation distribution (trials-lib.ts). TRIALS_SCALE scales
 * the trial counts.
 */
import { resolve } from 'node:path'
import { SCAN_ALPHA, RECENT_ALPHA, findChangePoint } from '../src/core/stats/changepoint.js'
import { changePace, environmentAround } from '../src/core/history/environment-change.js'
import type { Sample } from '../src/core/types.js'
import {
  arSeries,
  flatSeries,
  populationMad,
  stepSeries,
  uniforms,
  type Noise
} from '../__fixtures__/changepoint-series.js'
import { loadNow, pctSe, progress, provenance, tableP, writeMarkdown } from './trials-lib.js'

const SCALE = Number(process.env.TRIALS_SCALE ?? 1)
const TRIALS = Math.max(1, Math.round(4000 * SCALE))
const OUT = resolve(import.meta.dirname, '../bench/environment.md')
const OLD = '20261115.1'
const NEW = '20261122.1'

/** Samples oldest first; `image(i)` names run i's image. */
function history(values: number[], image: (i: number) => string): Sample[] {
  return values.map((value, i) => ({
    run_id: i + 1,
    run_number: i + 1,
    value,
    head_sha: String(i).padStart(40, '0'),
    created_at: '',
    html_url: '',
    conclusion: 'success',
    environment: { 'runner-os': 'Linux', 'image-version': image(i) }
  }))
}

interface Tally {
  shifts: number
  named: number
}

/** Shifts reported, and of them those whose `change-environment` names the image. */
function tally(
  series: (trial: number) => number[],
  image: (trial: number, i: number) => string
): Tally {
  const counts = { shifts: 0, named: 0 }
  for (let trial = 0; trial < TRIALS; trial++) {
    const values = series(trial)
    const result = findChangePoint(values, { minShift: 0, scanP: tableP })
    if (result.kind !== 'shift') continue
    counts.shifts++
    const around = environmentAround(
      history(values, i => image(trial, i)),
      result.index
    )
    if ('value' in around && around.value['image-version']) counts.named++
  }
  return counts
}

/** One image change at `at + offset`; a 3-MAD slow-down from `at`. */
function coincidingRow(noise: Noise, n: number, at: number, offset: number, where: string) {
  const step = 3 * populationMad(noise)
  const t = tally(
    trial => stepSeries(n, noise, 2e6 + trial, at, step),
    (_, i) => (i >= at + offset ? NEW : OLD)
  )
  const when =
    offset === 0 ? 'the same run' : `${Math.abs(offset)} runs ${offset < 0 ? 'before' : 'after'}`
  return `| ${noise} | ${n} | ${where} | ${when} | ${pctSe(t.shifts, TRIALS)} | ${pctSe(t.named, TRIALS)} | ${pctSe(t.named, t.shifts)} |`
}

/** A new image every `every` runs at a random phase: the weekly image of daily runs. */
const periodic = (every: number) => (trial: number, i: number) =>
  `2026${String(Math.floor((i + Math.floor(uniforms(8e6 + trial)() * every)) / every)).padStart(4, '0')}.1`

/** Weekly images, daily runs: how often a shift, real or false, lands near an image change. */
function weeklyRow(label: string, series: (trial: number) => number[]) {
  const t = tally(series, periodic(7))
  return `| ${label} | ${pctSe(t.shifts, TRIALS)} | ${pctSe(t.named, t.shifts)} |`
}

/** changePace over the same weekly images: the share of possible splits near a change. */
function weeklyPace(n: number): string {
  let near = 0
  let of = 0
  for (let trial = 0; trial < TRIALS; trial++) {
    const pace = changePace(history(Array(n).fill(200), i => periodic(7)(trial, i)))
    near += pace.near
    of += pace.of
  }
  return `${((near / of) * 100).toFixed(1)}%`
}

async function main(): Promise<void> {
  const load = loadNow()
  const started = performance.now()
  const log = progress(started)
  const coinciding = [
    coincidingRow('normal', 30, 15, 0, 'middle'),
    coincidingRow('skewed', 30, 15, 0, 'middle'),
    coincidingRow('skewed', 30, 25, 0, 'newest 5 after'),
    coincidingRow('skewed', 30, 15, -2, 'middle'),
    coincidingRow('skewed', 30, 15, 2, 'middle'),
    coincidingRow('skewed', 30, 15, 3, 'middle'),
    coincidingRow('skewed', 10, 5, 0, 'middle')
  ]
  log('coinciding')
  const step = 3 * populationMad('normal')
  const weekly = [
    weeklyRow('a real 3-MAD slow-down at a random run', trial =>
      stepSeries(30, 'normal', 5e6 + trial, 8 + Math.floor(uniforms(6e6 + trial)() * 15), step)
    ),
    weeklyRow('independent runs, no shift (false shifts)', trial =>
      flatSeries(30, 'normal', 3e6 + trial)
    ),
    weeklyRow('drifting runs, AR(1) φ = 0.5, no shift (false shifts)', trial =>
      arSeries(30, 0.5, 4e6 + trial)
    )
  ]
  const pace = weeklyPace(30)
  log('weekly images')
  const text = `# Environment attribution: measured rates

${provenance('scripts/environment-trials.ts', started, load)}
${TRIALS.toLocaleString('en')} seeded trials per row through the action's own test (\`min-shift\` 0; the scan at p < ${SCAN_ALPHA}, the recent test at p < ${RECENT_ALPHA}, the scan's p from its tabulated permutation distribution as in [changepoint.md](changepoint.md)) and \`environmentAround\` at the split it reports. ± is one standard error.
Every sample records \`image-version\`. Noise as in [changepoint.md](changepoint.md).

## An image change where the level shifts

A slow-down of 3 × MAD from the split; the image changes once, from ${OLD} to ${NEW}, at the split or near it. "Image named" is a shift
reported with \`change-environment\` naming \`image-version\` (the first run on the new image within two runs of
the first run after the split). At 3 runs away the image is outside that reach and is named only when the
test puts the split a run or more off.

| noise | samples | split | image changes | shift reported | image named | image named, of shifts |
| --- | --- | --- | --- | --- | --- | --- |
${coinciding.join('\n')}

## Weekly images, daily runs: coincidence

A new image every 7 runs (at a random phase), 30 samples. Whatever moved the level, a shift lands within two runs of an image change this often; the summary says "the environment also changed there" with this history's own count of how many places a split can fall are that near a change, never that the image is the cause.

| history | shift reported | image named, of shifts |
| --- | --- | --- |
${weekly.join('\n')}

Of the places a split can fall in these histories, ${pace} lie within reach of an image change (\`changePace\`, averaged over the trials): the rate a shift placed without regard to the image would land near one.
`
  await writeMarkdown(OUT, text)
}

await main()
