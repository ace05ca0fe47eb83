/**
 * What the seeded trials (`npm run trials`) share: the scan's permutation distribution,
 * tabulated once per history length so that a trial needs no shuffles of its own; rates with
 * their standard errors; and the Markdown file writer.
 */
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { format, resolveConfig } from 'prettier'
import { largestZ } from '../src/core/stats/changepoint.js'
import { uniforms } from '../__fixtures__/changepoint-series.js'

/** Random orderings tabulated per history length over 10 (10 and under: every ordering). */
export const NULL_ORDERINGS = Number(process.env.TRIALS_NULL ?? 300_000)

/** Largest history length whose orderings are all enumerated (10! = 3,628,800). */
const ENUMERATE_UP_TO = 10

const tables = new Map<number, Float64Array>()

/** Doubled ranks 2, 4, ..., 2n: an untied history's, in some order. */
function untiedRanks(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => 2 * (i + 1))
}

/** Every ordering of the ranks (Heap's algorithm), the scan's largest |z| of each. */
function enumerated(n: number): Float64Array {
  const ranks = untiedRanks(n)
  let total = 1
  for (let i = 2; i <= n; i++) total *= i
  const out = new Float64Array(total)
  const c = new Int32Array(n)
  let at = 0
  out[at++] = largestZ(ranks, 0) as number
  for (let i = 1; i < n;) {
    if (c[i] < i) {
      const j = i % 2 === 0 ? 0 : c[i]
      const held = ranks[j]
      ranks[j] = ranks[i]
      ranks[i] = held
      out[at++] = largestZ(ranks, 0) as number
      c[i]++
      i = 1
    } else {
      c[i] = 0
      i++
    }
  }
  return out
}

/** NULL_ORDERINGS seeded random orderings (Fisher-Yates), the largest |z| of each. */
function sampled(n: number): Float64Array {
  const uniform = uniforms(0x7ab1e + n)
  const ranks = untiedRanks(n)
  const out = new Float64Array(NULL_ORDERINGS)
  for (let t = 0; t < NULL_ORDERINGS; t++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(uniform() * (i + 1))
      const held = ranks[i]
      ranks[i] = ranks[j]
      ranks[j] = held
    }
    out[t] = largestZ(ranks, 0) as number
  }
  return out
}

/** The scan statistic over orderings of n untied samples, sorted ascending. */
export function nullTable(n: number): Float64Array {
  let table = tables.get(n)
  if (!table) {
    table = (n <= ENUMERATE_UP_TO ? enumerated(n) : sampled(n)).sort()
    tables.set(n, table)
  }
  return table
}

/** Whether n's table holds every ordering (its p-values are then exact). */
export const exactTable = (n: number): boolean => n <= ENUMERATE_UP_TO

/**
 * The permutation p of a largest |z|: the share of orderings at least as extreme, with the same
 * 1e-12 slack as the action's own count. The limit the action's 9,999 shuffles estimate.
 */
export function tableP(largest: number, n: number): number {
  const table = nullTable(n)
  const threshold = largest - 1e-12
  let low = 0
  let high = table.length
  while (low < high) {
    const mid = (low + high) >> 1
    if (table[mid] < threshold) low = mid + 1
    else high = mid
  }
  return (table.length - low) / table.length
}

/** `77.1% ± 0.3`: a rate and one standard error, in points. */
export function pctSe(hits: number, trials: number): string {
  if (trials === 0) return '–'
  const p = hits / trials
  const se = Math.sqrt((p * (1 - p)) / trials)
  return `${(p * 100).toFixed(1)}% ± ${(se * 100).toFixed(1)}`
}

/** `7.3 ± 0.02`: a mean and its standard error. */
export function meanSe(values: readonly number[], digits = 1): string {
  const n = values.length
  if (n === 0) return '–'
  const mean = values.reduce((a, b) => a + b, 0) / n
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1)
  return `${mean.toFixed(digits)} ± ${Math.sqrt(variance / n).toFixed(digits + 1)}`
}

/** `3.8%`. */
export const pct = (x: number, digits = 1): string => `${(x * 100).toFixed(digits)}%`

/** Seconds since `started`, for the progress lines on stderr. */
export function progress(started: number): (what: string) => void {
  return what =>
    process.stderr.write(`${((performance.now() - started) / 1000).toFixed(0)} s: ${what}\n`)
}

/** The first line of every bench file: what ran, where, how loaded. */
export function provenance(script: string, started: number, load: number): string {
  const cpu = cpus()
  const seconds = ((performance.now() - started) / 1000).toFixed(0)
  return `Written by \`npm run trials\` (${script}) in ${seconds} s on ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${load.toFixed(1)} at the start (times are wall-clock).`
}

export const loadNow = (): number => loadavg()[0]

/** Through Prettier, so the committed file passes `prettier --check`; also to stdout. */
export async function writeMarkdown(path: string, text: string): Promise<void> {
  const formatted = await format(text, { ...(await resolveConfig(path)), filepath: path })
  writeFileSync(path, formatted)
  process.stdout.write(formatted)
}
