import { describe, expect, it } from '@jest/globals'
import { doubledRanks, findChangePoint, RECENT_ALPHA } from '../src/core/stats/changepoint.js'
import { recentSlowdown } from '../src/core/stats/recent.js'
import { flatSeries, populationMad, uniforms } from '../__fixtures__/changepoint-series.js'

/**
 * An independent check of the exact p: every k-subset of positions, enumerated, with ranks
 * counted directly (below + half the ties, plus one) rather than by the code under test.
 */
function bruteForceP(values: number[], k: number): number {
  const n = values.length
  const rank = values.map(
    v => values.filter(w => w < v).length + (values.filter(w => w === v).length + 1) / 2
  )
  const observed = rank.slice(n - k).reduce((a, b) => a + b, 0)
  let total = 0
  let hits = 0
  const pick = (from: number, left: number, sum: number): void => {
    if (left === 0) {
      total++
      if (sum >= observed - 1e-9) hits++
      return
    }
    for (let i = from; i <= n - left; i++) pick(i + 1, left - 1, sum + rank[i])
  }
  pick(0, k, 0)
  return hits / total
}

describe('recentSlowdown: the exact rank-sum distribution', () => {
  it('matches brute-force enumeration at small n, with and without ties', () => {
    const uniform = uniforms(5)
    for (let trial = 0; trial < 60; trial++) {
      const n = 8 + (trial % 7)
      // Half the series on a coarse grid, so ties are common.
      const grid = trial % 2 === 0 ? 1 : 10
      const values = Array.from({ length: n }, () => Math.round(uniform() * 10 * grid) / grid)
      const result = recentSlowdown(doubledRanks(values).doubled)
      for (const look of result.looks)
        expect(look.p).toBeCloseTo(bruteForceP(values, look.size), 12)
      const smallest = Math.min(...result.looks.map(l => l.p))
      expect(result.p).toBeCloseTo(Math.min(1, 3 * smallest), 12)
    }
  })

  it('gives 1 / C(n, k) when the newest k are the slowest of all', () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 10, 11, 12]
    const looks = recentSlowdown(doubledRanks(values).doubled).looks
    expect(looks[0]).toEqual({ size: 3, p: 1 / 120 })
  })

  it('is one-sided: the newest runs being fastest is no slow-down', () => {
    const values = [10, 11, 12, 13, 14, 15, 16, 1, 2, 3]
    expect(recentSlowdown(doubledRanks(values).doubled).p).toBe(1)
  })

  it('stays exact and quick at 1,000 samples', () => {
    const values = flatSeries(1000, 'skewed', 3)
    const result = recentSlowdown(doubledRanks(values).doubled)
    expect(result.p).toBeGreaterThan(0)
    expect(result.p).toBeLessThanOrEqual(1)
  })
})

describe('findChangePoint with the recent test', () => {
  it('finds a 3-MAD step in the newest 3 runs of a 30-sample history the scan misses', () => {
    // Seeded histories where the scan alone finds nothing; the recent test finds the step.
    const step = 3 * populationMad('normal')
    let shown = 0
    for (let seed = 1; seed <= 40 && shown < 3; seed++) {
      const values = flatSeries(30, 'normal', seed).map((v, i) => (i >= 27 ? v + step : v))
      const scan = findChangePoint(values, { minShift: 0, permutations: 999, recent: false })
      const both = findChangePoint(values, { minShift: 0, permutations: 999 })
      if (scan.kind === 'shift' || both.kind !== 'shift') continue
      // The look that fits best may take in one old run that sits high.
      expect(both).toMatchObject({ method: 'recent' })
      expect([26, 27]).toContain(both.index)
      expect(both.p).toBeLessThan(RECENT_ALPHA)
      expect(both.shift).toBeGreaterThan(0)
      shown++
    }
    expect(shown).toBe(3)
  })

  it('names the first of the newest 3 slow runs in 30, which the scan alone misses', () => {
    const older = [
      214, 212, 195, 197, 211, 189, 196, 204, 211, 201, 203, 197, 204, 202, 186, 206, 185, 217, 200,
      197, 200, 199, 209, 207, 209, 207, 187
    ]
    const values = [...older, 221, 219, 213]
    const scan = findChangePoint(values, { minShift: 0, recent: false })
    expect(scan).toMatchObject({ kind: 'none', reason: 'not-significant' })
    const result = findChangePoint(values, { minShift: 0 })
    expect(result).toMatchObject({ kind: 'shift', method: 'recent', index: 27 })
    // Bonferroni over the three looks, on the exact p of the newest 3.
    expect(result.kind === 'shift' && result.p).toBeCloseTo(3 * bruteForceP(values, 3), 12)
  })

  it('speaks only when the scan finds nothing', () => {
    const values = [
      ...Array(20)
        .fill(0)
        .map((_, i) => 200 + (i % 5)),
      260,
      261,
      262,
      263,
      264
    ]
    expect(findChangePoint(values, { minShift: 0 })).toMatchObject({
      kind: 'shift',
      method: 'scan',
      index: 20
    })
  })
})

describe('scan location', () => {
  // The example, newest first: 7 slow runs, then 23 near 270 with two high at 275.
  const newestFirst = [
    302, 312, 305, 306, 314, 307, 312, 275, 275, 265, 272, 268, 270, 262, 271, 266, 273, 269, 267,
    270, 264, 268, 271, 263, 269, 266, 270, 267, 265, 268
  ]
  const values = [...newestFirst].reverse()

  it('the largest |z| alone attributes it two runs early', () => {
    expect(findChangePoint(values, { minShift: 0, refine: false })).toMatchObject({
      kind: 'shift',
      index: 21
    })
  })

  it('refined, it names the first slow run', () => {
    const result = findChangePoint(values, { minShift: 0 })
    expect(result).toMatchObject({ kind: 'shift', method: 'scan', index: 23 })
    expect(values.length - (result.kind === 'shift' ? result.index : 0)).toBe(7)
  })
})
