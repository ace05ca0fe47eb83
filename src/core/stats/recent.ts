/**
 * The recent slow-down test: are the newest 3, 4 or 5 samples slower than the rest? The
 * scan over every split (changepoint.ts) is weak there, since a split with 3 samples on one
 * side is one of many it corrects for. This asks only the three questions a gate cares
 * about at a first breach, one-sided, and corrects for asking three (Bonferroni).
 *
 * Exact at any n: the null distribution of the newest k's rank sum is counted by dynamic
 * programming over the mid-ranks actually observed, so ties are handled exactly (the
 * distribution is conditional on the tie pattern: every k-subset of the n mid-ranks equally
 * likely, as under exchangeable runs). No random numbers; no normal approximation.
 */

/** How many newest samples are tested against the rest. */
export const RECENT_SIZES = [3, 4, 5] as const

export interface RecentLook {
  /** Newest samples tested. */
  size: number
  /** One-sided exact p that the newest `size` rank this high or higher, uncorrected. */
  p: number
}

export interface RecentResult {
  /** The look with the smallest p (the smallest size on a tie). */
  best: RecentLook
  /** min(1, looks × best.p): Bonferroni across the looks. */
  p: number
  looks: RecentLook[]
}

/**
 * Doubled mid-ranks of the samples, oldest first (changepoint.ts `doubledRanks`), in; the
 * exact one-sided test of the newest 3, 4 and 5 against the rest out. Needs at least 3
 * samples more than the largest look (8 when the largest is 5).
 */
export function recentSlowdown(doubled: Int32Array): RecentResult {
  const n = doubled.length
  const largest = RECENT_SIZES[RECENT_SIZES.length - 1]
  if (n < largest + 3) throw new RangeError(`needs at least ${largest + 3} samples`)
  const counts = subsetSumCounts(doubled, largest)
  const looks = RECENT_SIZES.map(size => {
    let observed = 0
    for (let i = n - size; i < n; i++) observed += doubled[i]
    return { size, p: upperTail(counts[size], observed) }
  })
  const best = looks.reduce((a, b) => (b.p < a.p ? b : a))
  return { best, p: Math.min(1, looks.length * best.p), looks }
}

/**
 * counts[j][s]: how many j-subsets of the items have doubled-rank sum s, for j up to `most`.
 * Each item is either in a subset or not (a 0/1 knapsack count, largest j first so each item
 * is used once). The counts are at most C(2^21, 5) < 2^53 for the sizes used, so exact.
 */
function subsetSumCounts(doubled: Int32Array, most: number): Float64Array[] {
  const top = 2 * doubled.length * most
  const counts = Array.from({ length: most + 1 }, () => new Float64Array(top + 1))
  counts[0][0] = 1
  let reach = 0
  for (const rank of doubled) {
    reach += rank
    for (let j = most; j >= 1; j--) {
      const from = counts[j - 1]
      const to = counts[j]
      for (let s = Math.min(reach, top); s >= rank; s--) to[s] += from[s - rank]
    }
  }
  return counts
}

/** P(S >= observed) when every subset counted in `distribution` is equally likely. */
function upperTail(distribution: Float64Array, observed: number): number {
  let total = 0
  let tail = 0
  for (let s = 0; s < distribution.length; s++) {
    total += distribution[s]
    if (s >= observed) tail += distribution[s]
  }
  return tail / total
}
