import { describe, expect, it } from '@jest/globals'
import { computeStats, decide, mad, median, medianInterval } from '../src/core/stats.js'

describe('median', () => {
  it('takes the middle value of an odd count', () => {
    expect(median([300, 100, 200])).toBe(200)
  })
  it('averages the two middle values of an even count', () => {
    expect(median([100, 140, 151, 200])).toBe(145.5)
  })
  it('is null for no values', () => {
    expect(median([])).toBeNull()
  })
  it('does not reorder its input', () => {
    const values = [3, 1, 2]
    median(values)
    expect(values).toEqual([3, 1, 2])
  })
})

describe('mad', () => {
  it('is the median distance from the median', () => {
    // median 3; distances 2,1,0,1,97 -> median 1
    expect(mad([1, 2, 3, 4, 100])).toBe(1)
  })
})

describe('medianInterval', () => {
  it('uses the 2nd and 9th smallest of 10 samples, at about 98%', () => {
    const ci = medianInterval([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])
    expect(ci).toEqual({ low: 2, high: 9, level: expect.closeTo(0.9785, 3) })
  })
  it('uses the extremes of 6 samples (96.9%)', () => {
    expect(medianInterval([1, 2, 3, 4, 5, 6])).toEqual({
      low: 1,
      high: 6,
      level: expect.closeTo(0.96875, 4)
    })
  })
  it('gives nothing below 6 samples, where even the extremes cover less than 95%', () => {
    expect(medianInterval([1, 2, 3, 4, 5])).toBeNull()
  })
  it('narrows with more samples and keeps at least 95% coverage', () => {
    const values = Array.from({ length: 50 }, (_, i) => i + 1)
    const ci = medianInterval(values)
    expect(ci?.level).toBeGreaterThanOrEqual(0.95)
    expect(ci?.low).toBe(18)
    expect(ci?.high).toBe(33)
  })
})

describe('decide', () => {
  const stats = (values: number[]) => computeStats(values)
  it('passes when the median equals the budget', () => {
    expect(decide(stats([300, 300, 300]), 300, 3)).toBe('pass')
  })
  it('breaches just over the budget', () => {
    expect(decide(stats([300.5, 300.5, 300.5]), 300, 3)).toBe('breach')
  })
  it('is insufficient below min-runs, whatever the median', () => {
    expect(decide(stats([900]), 300, 2)).toBe('insufficient')
  })
  it('never compares an empty median with the budget', () => {
    expect(decide(stats([]), 300, 0)).toBe('insufficient')
  })
})
