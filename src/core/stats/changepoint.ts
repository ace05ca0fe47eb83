/**
 * Change-point attribution: where in the history did the level shift, if anywhere?
 *
 * Pure and deterministic: the permutation test draws from a generator seeded by a hash of the
 * samples, so the same history always gives the same answer, whichever machine computes it.
 */
import { recentSlowdown } from './recent.js'
import { residualMad } from './residuals.js'
import { median } from './summary.js'

// Bound once: the hot loops then call plain functions, not a global's property (the global
// object costs a lookup per call in a sandboxed context, such as the test runner's).
const { abs, floor } = Math

/**
 * Significance level for reporting a shift. The scan and the recent test each get a share, and
 * a shift is reported when either is under its share, so together they stay under ALPHA (a
 * union bound). The shares sum to 4.5%, not 5%: the 0.5% left over is margin, so that the
 * combination measures at or under 5% on every row of the trials (bench/changepoint.md),
 * not only on average.
 */
export const ALPHA = 0.05
/** The shares' sum: a union bound on the false-shift rate of independent runs, per check. */
export const ALPHA_UNION = 0.045
/** The scan over every split gets most of it... */
export const SCAN_ALPHA = 0.035
/** ...and the recent slow-down test (recent.ts), tried only when the scan finds nothing, 1%. */
export const RECENT_ALPHA = 0.01

/**
 * Location: among splits whose |z| is within this of the largest (same direction), the one
 * whose two medians fit the samples best is reported. The standardized statistic favours
 * balanced splits, so a few old-level values sitting high can pull the largest |z| a run or
 * two early; a two-level fit does not have that pull. The p-value is unchanged.
 */
export const NEAR_MAX = 0.5

/** Samples required on each side of a split. */
export const MIN_SIDE = 3

/**
 * Below this, no split with 3 samples a side can reach p < 0.05. With 7 samples the most
 * extreme arrangement (the 3 oldest or the 3 newest all below or all above the rest) arises by
 * chance in 1 ordering of 10, so p = 0.1 at best; with 8, a clean 4-4 split gives 2/70 ≈ 0.029
 * (both counted over every ordering of 7 and 8 ranks).
 */
export const MIN_SAMPLES = 8

export const DEFAULT_PERMUTATIONS = 9999

/**
 * Each p-value is per check; consecutive checks are many tests. Over `checks` consecutive checks
 * of a flat, independent `history`-run history (one new run each), the share that see at least
 * one false shift, measured by `npm run trials` (bench/changepoint.md prints it again).
 */
export const CONSECUTIVE_FALSE_SHIFTS = { checks: 20, history: 30, rate: 0.25 } as const

export interface ChangePointOptions {
  /** Smallest |shift|, in the samples' unit, worth reporting; smaller ones read as no shift. */
  minShift: number
  /**
   * Also smallest |shift| in MADs of the residuals around that split (`min-shift: 2.5mad`):
   * the spread without the step, so a real step does not raise its own threshold.
   */
  minShiftMads?: number
  /** Random permutations for the p-value; the smallest possible p is 1 / (1 + permutations). */
  permutations?: number
  /** Refine the scan's location (NEAR_MAX); false gives the largest |z| itself (for trials). */
  refine?: boolean
  /** Ask the recent slow-down test when the scan finds nothing; false: the scan alone (trials). */
  recent?: boolean
  /**
   * Trials only (the action never sets it): the scan's p for its largest |z| from a permutation
   * distribution computed once (`largestZ` over many orderings) instead of fresh shuffles, so
   * that seeded trials can run hundreds of thousands of tests. Valid for untied samples only.
   */
  scanP?: (largest: number, n: number) => number
  /**
   * Only the outcome is wanted (the backtest's earlier positions): the shuffles stop once p can
   * no longer fall under SCAN_ALPHA. The kind, split and shift are those of the full test; the
   * p of a `not-significant` result is then a lower bound (still >= SCAN_ALPHA).
   */
  outcomeOnly?: boolean
}

/** Which test found the split: every split (`scan`) or the newest 3-5 runs (`recent`). */
export type ChangeMethod = 'scan' | 'recent'

/** The most extreme split of the history. */
export interface Split {
  method: ChangeMethod
  /** Index, in the oldest-first input, of the first sample after the split. */
  index: number
  /** Hodges-Lehmann estimate of after minus before; negative is a speed-up. */
  shift: number
  /** Median before the split. */
  before: number
  /** Median from the split on. */
  after: number
  /** Standardized Mann-Whitney U at the split; positive when later samples rank higher. */
  z: number
  /**
   * scan: permutation p-value of the largest |z| over all splits, so corrected for trying
   * them all. recent: the exact one-sided p of the newest 3, 4 or 5, times 3 for the looks.
   */
  p: number
}

export type ChangePoint =
  | { kind: 'too-few'; n: number; needed: number }
  | ({ kind: 'none'; reason: 'not-significant' } & Split)
  | ({ kind: 'none'; reason: 'below-min-shift'; minShift: number } & Split)
  | ({ kind: 'shift' } & Split)

/**
 * Samples oldest first in; the single most likely level shift, tested, out. The scan over
 * every split speaks first; only when it reports nothing is the recent slow-down test asked.
 */
export function findChangePoint(
  values: readonly number[],
  options: ChangePointOptions
): ChangePoint {
  const n = values.length
  if (n < MIN_SAMPLES) return { kind: 'too-few', n, needed: MIN_SAMPLES }
  if (!values.every(Number.isFinite)) throw new RangeError('samples must be finite numbers')
  if (n > 2 ** 21) throw new RangeError('at most 2^21 samples')
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS
  if (!Number.isInteger(permutations) || permutations < 0)
    throw new RangeError('permutations must be a whole number >= 0')
  const ranks = doubledRanks(values)
  const stopAt = options.outcomeOnly ? SCAN_ALPHA : undefined
  const split = bestSplit(values, ranks, permutations, options, stopAt)
  const threshold = (at: Split) => minShiftAt(values, at, options)
  const large = Math.abs(split.shift) >= threshold(split)
  if (split.p < SCAN_ALPHA && large) return { kind: 'shift', ...split }
  // A recent test that overrode a significant scan would move a well-located step; so it
  // speaks only when the scan found nothing.
  const recent = options.recent === false ? undefined : recentSplit(values, ranks)
  if (
    recent &&
    recent.p < RECENT_ALPHA &&
    recent.shift > 0 &&
    Math.abs(recent.shift) >= threshold(recent)
  )
    return { kind: 'shift', ...recent }
  if (split.p >= SCAN_ALPHA) return { kind: 'none', reason: 'not-significant', ...split }
  return { kind: 'none', reason: 'below-min-shift', minShift: threshold(split), ...split }
}

/** The smallest shift reported at this split, in seconds: the larger of the two thresholds. */
function minShiftAt(values: readonly number[], split: Split, options: ChangePointOptions): number {
  const mads = options.minShiftMads
  if (mads === undefined) return options.minShift
  return Math.max(options.minShift, mads * residualMad(values, split.index))
}

function bestSplit(
  values: readonly number[],
  { doubled, tieSum }: { doubled: Int32Array; tieSum: number },
  permutations: number,
  options: ChangePointOptions,
  stopAt?: number
): Split {
  const scale = splitScales(values.length, tieSum)
  // A constant series has no spread in ranks: every split is equally (un)remarkable.
  if (scale === null) return splitAt(values, MIN_SIDE, 0, 1, 'scan')
  const observed = scan(doubled, scale)
  const p = options.scanP
    ? options.scanP(observed.max, values.length)
    : permutationP(doubled, scale, observed.max, permutations, hashSamples(values), stopAt)
  const refine = options.refine ?? true
  const k = refine ? refineLocation(values, doubled, scale, observed) : observed.k
  return splitAt(values, k, zAt(doubled, scale, k), p, 'scan')
}

/**
 * The newest 3, 4 or 5 against the rest, as a split. Where more than one look is significant,
 * the one whose two medians fit best (as the scan's location); else the smallest p.
 */
function recentSplit(
  values: readonly number[],
  { doubled, tieSum }: { doubled: Int32Array; tieSum: number }
): Split {
  const result = recentSlowdown(doubled)
  const n = values.length
  const looks = result.looks.length
  const significant = result.looks.filter(l => l.p * looks < RECENT_ALPHA)
  const look = significant.length
    ? significant.reduce((a, b) =>
        fitCost(values, n - b.size) < fitCost(values, n - a.size) ? b : a
      )
    : result.best
  const size = look.size
  const p = Math.min(1, looks * look.p)
  const scale = splitScales(n, tieSum)
  return splitAt(values, n - size, scale ? zAt(doubled, scale, n - size) : 0, p, 'recent')
}

function splitAt(
  values: readonly number[],
  k: number,
  z: number,
  p: number,
  method: ChangeMethod
): Split {
  const before = values.slice(0, k)
  const after = values.slice(k)
  return {
    method,
    index: k,
    shift: hodgesLehmann(before, after),
    before: median(before) as number,
    after: median(after) as number,
    z,
    p
  }
}

/**
 * The scan's statistic, the largest |z| over every split, for doubled ranks (`doubledRanks`):
 * what the trials tabulate over many orderings for `scanP`. Null when every sample is tied.
 */
export function largestZ(doubled: Int32Array, tieSum: number): number | null {
  const scale = splitScales(doubled.length, tieSum)
  return scale === null ? null : scan(doubled, scale).max
}

/**
 * Mid-ranks, doubled so ties stay integers (ranks 2 and 3 tied are 2.5 each, stored as 5),
 * and T = Σ(t³ - t) over tie groups for the variance correction.
 */
export function doubledRanks(values: readonly number[]): { doubled: Int32Array; tieSum: number } {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b])
  const doubled = new Int32Array(values.length)
  let tieSum = 0
  for (let start = 0; start < order.length;) {
    let end = start
    while (end + 1 < order.length && values[order[end + 1]] === values[order[start]]) end++
    // Positions start..end hold ranks start+1..end+1; their mean, doubled, is start + end + 2.
    for (let i = start; i <= end; i++) doubled[order[i]] = start + end + 2
    const t = end - start + 1
    tieSum += t * t * t - t
    start = end + 1
  }
  return { doubled, tieSum }
}

/**
 * For each split k, 1 / (2·sd) of the rank sum of the first k under "no shift", with the
 * tie-corrected variance k(N-k)/12 · ((N+1) - T/(N(N-1))). Ties are the same in every
 * permutation, so this is computed once. Null when every sample is tied.
 */
function splitScales(n: number, tieSum: number): Float64Array | null {
  const spread = n + 1 - tieSum / (n * (n - 1))
  if (!(spread > 1e-9)) return null
  const scale = new Float64Array(n)
  for (let k = MIN_SIDE; k <= n - MIN_SIDE; k++)
    scale[k] = 1 / (2 * Math.sqrt(((k * (n - k)) / 12) * spread))
  return scale
}

/**
 * The split with the largest |z|, the earliest on a tie. With doubled ranks the centred sum
 * 2W - k(N+1) is an exact integer, so the same arrangement always gives the same float.
 */
function scan(doubled: Int32Array, scale: Float64Array): { k: number; z: number; max: number } {
  const n = doubled.length
  let sum = 0
  let best = { k: MIN_SIDE, z: 0, max: -1 }
  for (let k = 1; k <= n - MIN_SIDE; k++) {
    sum += doubled[k - 1]
    if (k < MIN_SIDE) continue
    const centred = sum - k * (n + 1)
    const size = abs(centred) * scale[k]
    // Before ranking high means after ranking low: z is signed as after minus before.
    if (size > best.max) best = { k, z: -centred * scale[k], max: size }
  }
  return best
}

/** Signed z at split k (after minus before), as scan() computes it. */
function zAt(doubled: Int32Array, scale: Float64Array, k: number): number {
  let sum = 0
  for (let i = 0; i < k; i++) sum += doubled[i]
  return -(sum - k * (doubled.length + 1)) * scale[k]
}

/**
 * Among the splits within NEAR_MAX of the largest |z|, in its direction, the one whose two
 * medians fit the samples best: the least total absolute deviation of each side from its own
 * median (the scan's own split on a tie). Only where the scan points, never whether: the
 * p-value stays the scan's.
 */
function refineLocation(
  values: readonly number[],
  doubled: Int32Array,
  scale: Float64Array,
  observed: { k: number; z: number; max: number }
): number {
  const n = values.length
  const direction = observed.z < 0 ? -1 : 1
  let best = { k: observed.k, cost: fitCost(values, observed.k) }
  for (let k = MIN_SIDE; k <= n - MIN_SIDE; k++) {
    if (k === observed.k || direction * zAt(doubled, scale, k) < observed.max - NEAR_MAX) continue
    const cost = fitCost(values, k)
    if (cost < best.cost) best = { k, cost }
  }
  return best.k
}

/** Σ|x - median| over each side of split k: how well two levels fit the samples there. */
function fitCost(values: readonly number[], k: number): number {
  return [values.slice(0, k), values.slice(k)].reduce((total, side) => {
    const m = median(side) as number
    return side.reduce((sum, v) => sum + Math.abs(v - m), total)
  }, 0)
}

/** Does any split of this arrangement reach `threshold`? Stops at the first that does. */
function reaches(doubled: Int32Array, scale: Float64Array, threshold: number): boolean {
  const n = doubled.length
  let sum = 0
  for (let k = 1; k <= n - MIN_SIDE; k++) {
    sum += doubled[k - 1]
    if (k < MIN_SIDE) continue
    // Same arithmetic as scan(): an identical arrangement, the same size.
    if (abs(sum - k * (n + 1)) * scale[k] >= threshold) return true
  }
  return false
}

/**
 * (1 + permutations whose largest |z| reaches the observed) / (1 + permutations): the chance,
 * were there no shift anywhere, of some split at least this extreme. Taking the maximum over
 * splits in every permutation is what corrects for having tried them all. With `stopAt`, the
 * shuffles end once the p-value is sure to be at least that: the same seed draws the same
 * shuffles, so the answer to "is p under stopAt?" is the full test's.
 */
function permutationP(
  doubled: Int32Array,
  scale: Float64Array,
  observed: number,
  permutations: number,
  seed: number,
  stopAt?: number
): number {
  const next = sfc32(seed)
  const work = Int32Array.from(doubled)
  const threshold = observed - 1e-12
  const enough = stopAt === undefined ? Infinity : stopAt * (1 + permutations) - 1
  let hits = 0
  for (let i = 0; i < permutations; i++) {
    shuffle(work, next)
    if (reaches(work, scale, threshold) && ++hits >= enough) break
  }
  return (1 + hits) / (1 + permutations)
}

/** FNV-1a over the length and each value's float64 bytes: equal histories, equal seeds. */
export function hashSamples(values: readonly number[]): number {
  const view = new DataView(new ArrayBuffer(8))
  let hash = 0x811c9dc5
  const mix = (byte: number): void => {
    hash = Math.imul(hash ^ byte, 0x01000193)
  }
  view.setFloat64(0, values.length)
  for (let b = 0; b < 8; b++) mix(view.getUint8(b))
  for (const value of values) {
    // -0 === 0, so they must hash alike.
    view.setFloat64(0, value === 0 ? 0 : value)
    for (let b = 0; b < 8; b++) mix(view.getUint8(b))
  }
  return hash >>> 0
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 32-bit outputs, unsigned. */
export function sfc32(seed: number): () => number {
  // Fixed words from π and e around the seed; the first outputs are discarded to mix them.
  let a = 0x243f6a88
  let b = 0xb7e15162
  let c = 0x9e3779b9
  let d = seed | 0
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 15; i++) next()
  return next
}

/**
 * A uniform integer in [0, bound), by Lemire's multiply-and-reject: the high word of
 * word × bound, drawn again while the low word falls in the 2^32 mod bound values that would
 * favour some results. The product is exact in a double while bound <= 2^21.
 */
export function below(bound: number, next: () => number): number {
  let product = next() * bound
  if (product >>> 0 < bound) {
    const biased = (0x100000000 - bound) % bound
    while (product >>> 0 < biased) product = next() * bound
  }
  // The high word: below bound <= 2^21.
  return floor(product / 0x100000000)
}

/** Fisher–Yates, in place. */
function shuffle(array: Int32Array, next: () => number): void {
  for (let i = array.length - 1; i > 0; i--) {
    const j = below(i + 1, next)
    const held = array[i]
    array[i] = array[j]
    array[j] = held
  }
}

/** Hodges-Lehmann shift: the median of every difference after_j - before_i. */
export function hodgesLehmann(before: readonly number[], after: readonly number[]): number {
  const differences = new Float64Array(before.length * after.length)
  let i = 0
  for (const a of after) for (const b of before) differences[i++] = a - b
  return median(differences) as number
}

/** Where a value stands among earlier samples. */
export interface Standing {
  value: number
  /** Earlier samples faster (smaller) than the value: it is slower than these. */
  slowerThan: number
  /** Earlier samples slower (larger) than the value. */
  fasterThan: number
  ties: number
  of: number
}

/** This run's value against the history (which should not include this run). */
export function rankAgainst(value: number, history: readonly number[]): Standing {
  let slowerThan = 0
  let fasterThan = 0
  for (const h of history) {
    if (h < value) slowerThan++
    else if (h > value) fasterThan++
  }
  const of = history.length
  return { value, slowerThan, fasterThan, ties: of - slowerThan - fasterThan, of }
}
