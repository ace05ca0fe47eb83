import { describe, expect, it } from '@jest/globals'
import { arSeries, flatSeries } from '../__fixtures__/changepoint-series.js'
import {
  AUTOCORRELATION_HIGH,
  AUTOCORRELATION_MIN_SAMPLES,
  lagOneAutocorrelation
} from '../src/core/stats/independence.js'
import { withAttribution } from '../src/core/history/attribution.js'
import { independenceLine } from '../src/render/change.js'
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

describe('independenceLine', () => {
  it('reports the figure, and warns from the threshold with the measured rates', () => {
    expect(independenceLine(change(null))).toBeUndefined()
    expect(independenceLine(change(0.12))).toBe('Lag-1 autocorrelation of the 30 runs is 0.12')
    expect(independenceLine(change(0.45))).toBe(
      'Lag-1 autocorrelation of the 30 runs is 0.45: runs are not independent, so shifts are over-reported (seeded trials over 30 runs: 18% at 0.3 and 36% at 0.5, against 5% or less for independent runs)'
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
      /> \[!WARNING\]\n> Lag-1 autocorrelation of the 30 runs is 0\.\d\d: runs are not independent/
    )
    expect(md).toMatch(/ · min-shift 15 s \(\d+(\.\d)? MAD\)<\/sub>/)
  })

  it('reports a low figure in small print, and nothing under 20 samples', () => {
    const md = summaryOf(flatSeries(30, 'normal', 2))
    expect(md).toMatch(/<sub>Lag-1 autocorrelation of the 30 runs is -?0\.\d\d<\/sub>/)
    expect(summaryOf(flatSeries(19, 'normal', 2))).not.toContain('autocorrelation')
  })
})
