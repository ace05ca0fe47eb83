import { describe, expect, it } from '@jest/globals'
import { arSeries, flatSeries, stepSeries } from '../__fixtures__/changepoint-series.js'
import {
  AR_FALSE_SHIFTS,
  AUTOCORRELATION_HIGH,
  AUTOCORRELATION_MIN_SAMPLES,
  lagOneAutocorrelation
} from '../src/core/stats/independence.js'
import { attribute, withAttribution } from '../src/core/history/attribution.js'
import { residualMad, stepResiduals } from '../src/core/stats/residuals.js'
import type { Sample } from '../src/core/types.js'
import { independenceLine, minShiftPhrase } from '../src/render/change.js'
import { renderSummary } from '../src/render/summary.js'
import { judge } from '../src/core/verdict/rubric.js'
import type { Change } from '../src/core/types.js'

const change = (autocorrelation: number | null, count = 30): Change => ({
  result: { kind: 'too-few', n: 0, needed: 8 },
  count,
  minShift: 15,
  autocorrelation
})

describe('lagOneAutocorrelation', () => {
  it('needs 20 samples', () => {
    expect(AUTOCORRELATION_MIN_SAMPLES).toBe(20)
    expect(lagOneAutocorrelation(flatSeries(19, 'normal', 1))).toBeNull()
    expect(lagOneAutocorrelation(flatSeries(20, 'normal', 1))).not.toBeNull()
  })

  it('is high for a slow drift, negative for alternation, null when all tied', () => {
    const drift = Array.from({ length: 30 }, (_, i) => 200 + i)
    expect(lagOneAutocorrelation(drift)).toBeGreaterThan(0.85)
    const alternating = Array.from({ length: 30 }, (_, i) => (i % 2 ? 210 : 190) + i / 100)
    expect(lagOneAutocorrelation(alternating)).toBeLessThan(-0.3)
    expect(lagOneAutocorrelation(Array(30).fill(200))).toBeNull()
  })

  it('uses ranks: one 10-minute outlier moves it no more than the slowest ordinary run', () => {
    const values = flatSeries(30, 'normal', 4)
    const slowest = values.indexOf(Math.max(...values))
    const outlier = values.map((v, i) => (i === slowest ? v + 600 : v))
    expect(lagOneAutocorrelation(outlier)).toBe(lagOneAutocorrelation(values))
  })

  it('separates drifting runners from independent ones on seeded histories', () => {
    const share = (phi: number) =>
      Array.from({ length: 200 }, (_, seed) =>
        lagOneAutocorrelation(arSeries(30, phi, seed + 1))
      ).filter(r => r !== null && r >= AUTOCORRELATION_HIGH).length / 200
    // bench/changepoint.md: 2.8% of independent histories of 30 are warned, 67% at phi 0.5.
    expect(share(0)).toBeLessThan(0.08)
    expect(share(0.5)).toBeGreaterThan(0.5)
  })
})

describe('on the residuals around the fitted step', () => {
  const samples = (values: number[]): Sample[] =>
    values
      .map((value, i) => ({
        run_id: i + 1,
        run_number: i + 1,
        value,
        head_sha: '',
        created_at: '',
        html_url: '',
        conclusion: 'success'
      }))
      .reverse()

  it("takes each side's own median out, or the whole median without a step", () => {
    expect(stepResiduals([1, 2, 3, 10, 11, 12], 3)).toEqual([-1, 0, 1, -1, 0, 1])
    expect(stepResiduals([1, 2, 3, 10, 11, 12])).toEqual([-5.5, -4.5, -3.5, 3.5, 4.5, 5.5])
    // The step does not widen the spread: MAD 1 around the step, 4.5 around one median.
    expect(residualMad([1, 2, 3, 10, 11, 12], 3)).toBe(1)
    expect(residualMad([1, 2, 3, 10, 11, 12])).toBe(4.5)
  })

  it('does not read a real step on independent runs as dependence (the raw ranks do)', () => {
    let raw = 0
    let residual = 0
    for (let seed = 1; seed <= 100; seed++) {
      const values = stepSeries(30, 'normal', seed, 20, 3 * 6.75)
      if ((lagOneAutocorrelation(values) ?? 0) >= AUTOCORRELATION_HIGH) raw++
      const { change } = attribute(samples(values), 0)
      if ((change.autocorrelation ?? 0) >= AUTOCORRELATION_HIGH) residual++
    }
    // bench/changepoint.md measures both over many more histories.
    expect(raw).toBeGreaterThan(50)
    expect(residual).toBeLessThan(10)
  })
})

describe('min-shift in MADs, in words', () => {
  it('says the MADs as given, and the seconds they came to at a split held under it', () => {
    const given = { ...change(null), minShift: 0, minShiftMads: 2.5 }
    expect(minShiftPhrase(given, [1, 2, 3])).toBe('min-shift 2.5 MAD of the residuals')
    const below: Change = {
      ...given,
      result: {
        kind: 'none',
        reason: 'below-min-shift',
        minShift: 25,
        method: 'scan',
        index: 5,
        shift: 10,
        before: 200,
        after: 210,
        z: 3,
        p: 0.01
      }
    }
    expect(minShiftPhrase(below, [1, 2, 3])).toBe(
      'min-shift 2.5 MAD of the residuals (25 s at this split)'
    )
  })
})

describe('independenceLine', () => {
  it('reports the figure, and warns from the threshold with the measured rates', () => {
    expect(independenceLine(change(null))).toBeUndefined()
    expect(independenceLine(change(0.12))).toBe(
      'Lag-1 autocorrelation of the 30 runs around their median is 0.12'
    )
    expect(independenceLine(change(0.45))).toBe(
      `Lag-1 autocorrelation of the 30 runs around their median is 0.45: runs may not be independent. The shift test, the interval, \`conclusive\` and \`confident\` assume they are: in seeded trials over 30 flat runs, drifting runners (AR(1) φ 0.3 / 0.5) gave false shifts in ${AR_FALSE_SHIFTS.map(a => `${Math.round(a.rate * 100)}%`).join(' / ')} of histories, against 4.5% or less for independent runs`
    )
  })
})

describe('the summary', () => {
  const sample = (value: number, i: number) => ({
    run_id: 900 - i,
    run_number: 90 - i,
    value,
    head_sha: '',
    created_at: '2026-11-01T00:00:00Z',
    html_url: `https://github.com/o/r/actions/runs/${900 - i}`,
    conclusion: 'success'
  })
  const summaryOf = (values: number[]) => {
    const samples = values.map(sample)
    const rubric = { budget: 300, minRuns: 10, window: 10 }
    return renderSummary(
      withAttribution(judge(samples.slice(0, 10), [], rubric, 'o/r'), samples, 15)
    )
  }

  it('warns under the numbers when the runs drift, and gives min-shift in MADs', () => {
    // A slow zigzag drift: neighbours alike, no single step.
    const drift = Array.from({ length: 30 }, (_, i) => 200 + 10 * Math.sin(i / 3))
    const md = summaryOf(drift)
    expect(md).toMatch(
      /> \[!WARNING\]\n> Lag-1 autocorrelation of the 30 runs around their (median|two fitted levels) is 0\.\d\d: runs may not be independent/
    )
    expect(md).toMatch(/ · min-shift 15 s \(\d+(\.\d)? MAD\) · p-values are per check/)
  })

  it('reports a low figure in small print, and nothing under 20 samples', () => {
    const md = summaryOf(flatSeries(30, 'normal', 2))
    expect(md).toMatch(
      /<sub>Lag-1 autocorrelation of the 30 runs around their median is -?0\.\d\d<\/sub>/
    )
    expect(summaryOf(flatSeries(19, 'normal', 2))).not.toContain('autocorrelation')
  })
})
