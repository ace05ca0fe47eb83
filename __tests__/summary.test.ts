import { describe, expect, it } from '@jest/globals'
import { computeStats, decide } from '../src/core/stats.js'
import { renderSummary } from '../src/render/summary.js'
import { outsideCode } from '../__fixtures__/markdown.js'
import { certainty, headline, sparkline } from '../src/render/wording.js'
import type { Report, Sample, Skip } from '../src/core/types.js'

function sample(i: number, value: number, extra: Partial<Sample> = {}): Sample {
  return {
    run_id: 500 + i,
    run_number: 70 + i,
    value,
    head_sha: 'abcdef1234567890abcdef1234567890abcdef12',
    created_at: '2026-11-01T10:20:30Z',
    html_url: `https://github.com/o/r/actions/runs/${500 + i}`,
    conclusion: 'success',
    ...extra
  }
}

function report(
  values: number[],
  budget = 300,
  minRuns = values.length,
  skipped: Skip[] = []
): Report {
  const stats = computeStats(values)
  return {
    verdict: decide(stats, budget, minRuns),
    budget,
    minRuns,
    window: 10,
    stats,
    samples: values.map((v, i) => sample(values.length - i, v)),
    skipped,
    source: 'o/r · chart.yml · main'
  }
}

describe('headline', () => {
  it('states pass with median, budget and count', () => {
    expect(headline(report([140, 151]))).toBe('pass: median 145.5 s <= 300 s budget over 2 runs')
  })
  it('states breach with the comparison flipped', () => {
    expect(headline(report([310, 320, 330]))).toBe(
      'breach: median 320 s > 300 s budget over 3 runs'
    )
  })
  it('states what is missing when insufficient', () => {
    expect(headline(report([100, 200, 300, 400], 300, 10))).toBe(
      'insufficient: need >= 10 runs, have 4 (median 250 s, budget 300 s)'
    )
  })
})

describe('certainty', () => {
  it('flags a pass whose interval reaches past the budget', () => {
    expect(certainty(report([250, 260, 270, 280, 290, 295, 299, 305, 320, 340]))).toMatch(
      /^marginal pass: the 97% interval 260-320 s/
    )
  })
  it('flags a breach whose interval includes the budget as likely noise', () => {
    expect(certainty(report([280, 295, 301, 302, 303, 305, 310, 320, 330, 340]))).toMatch(
      /^breach, but .* includes the budget: likely noise/
    )
  })
  it('says nothing when the verdict is clear', () => {
    expect(certainty(report([100, 110, 120, 130, 140, 150, 160, 170, 180, 190]))).toBeUndefined()
  })
})

describe('sparkline', () => {
  it('maps the lowest to the lowest bar and the highest to the highest', () => {
    expect(sparkline([1, 5, 9])).toBe('▁▅█')
  })
  it('draws a flat line for equal values', () => {
    expect(sparkline([3, 3])).toBe('▄▄')
  })
})

describe('renderSummary', () => {
  const md = renderSummary(
    report([140, 151, 120], 300, 3, [
      {
        run_id: 9,
        run_number: 5,
        html_url: 'https://github.com/o/r/actions/runs/9',
        reason: '<img src=x onerror=alert(1)> [x](javascript:alert(1))'
      }
    ])
  )
  it('opens with the rubric banner', () => {
    expect(md.split('\n')[0]).toBe('## ✅ pass: median 140 s <= 300 s budget over 3 runs')
  })
  it('links each run and its commit', () => {
    expect(md).toContain(
      '| [#73](https://github.com/o/r/actions/runs/503) | [`abcdef1`](https://github.com/o/r/commit/abcdef1234567890abcdef1234567890abcdef12) | 2026-11-01 10:20 | ` success ` | 140 |'
    )
  })
  it('draws the samples oldest first against the budget', () => {
    expect(md).toMatch(/```mermaid\n%%\{init: .*plotColorPalette.*\}%%\nxychart-beta\n/)
    expect(md).toContain('  bar [120, 151, 140]')
    expect(md).toContain('  line [300, 300, 300]')
  })
  it('lists skipped runs in a collapsed block with escaped reasons', () => {
    expect(md).toContain('<details><summary>1 run skipped</summary>')
    expect(outsideCode(md)).not.toContain('<img')
    expect(outsideCode(md)).not.toContain('](javascript')
    expect(md).toContain('| ` <img src=x onerror=alert(1)> [x](javascript:alert(1)) ` |')
  })
  it('does not link a URL with markup characters', () => {
    const bad = report([1, 2, 3])
    bad.samples[0].html_url = 'https://x/)[y](javascript:alert(1)'
    expect(renderSummary(bad)).not.toContain('javascript:alert(1))')
  })
})

describe('the summary always fits, and reads well raw', () => {
  const astral = (i: number) => String.fromCodePoint(0x1f600 + (i % 64)).repeat(300)
  const skips = (n: number, reason: (i: number) => string): Skip[] =>
    Array.from({ length: n }, (_, i) => ({
      run_id: 1000 + i,
      run_number: i,
      html_url: `https://github.com/o/r/actions/runs/${1000 + i}`,
      reason: reason(i)
    }))

  it('stays within 1,000,000 bytes for 1,000 reasons of 300 astral-plane characters each', () => {
    const md = renderSummary(report([140, 151, 120], 300, 3, skips(1000, astral)))
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(1_000_000)
    expect(md.split('\n')[0]).toBe('## ✅ pass: median 140 s <= 300 s budget over 3 runs')
    expect(md).toContain('<summary>1000 runs skipped</summary>')
    expect(md).toContain('…and 900 more runs: the `skipped` output lists them all.')
    // No astral character cut in two.
    expect(md).not.toContain('\uFFFD')
    expect(md.match(/\p{Cs}/gu)).toBeNull()
  })

  it('stays within the cap for the largest report the action makes', () => {
    const many = Array.from({ length: 1000 }, (_, i) => 100 + (i % 50))
    const big = report(
      many,
      300,
      1000,
      skips(1000, i => `${'`|<'.repeat(100)}${astral(i)}`)
    )
    big.window = 1000
    // Run URLs come from the API: a long one that passes the link rule is linked twice a row.
    const url = `https://github.com/o/r/actions/runs/1/${'a'.repeat(5000)}`
    big.samples = big.samples.map(s => ({ ...s, conclusion: astral(0), html_url: url }))
    big.history = big.samples
    big.source = astral(1)
    const md = renderSummary(big)
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(1_000_000)
    expect(md.startsWith('## ')).toBe(true)
    expect(md).toMatch(/\n…the rest of this summary is left out: GitHub shows none over 1 MiB\.\n$/)
  })

  it('shows untrusted text as written, in code spans, with no entity soup', () => {
    const md = renderSummary(
      report([140, 151, 120], 300, 3, [
        ...skips(1, () => 'install_to_ready_seconds.txt: content is not one non-negative number'),
        ...skips(1, () => 'a `b` and ``c`` | d \\| e')
      ])
    )
    expect(md).toContain('` install_to_ready_seconds.txt: content is not one non-negative number `')
    expect(md).not.toMatch(/&#\d+;/)
    expect(md).toContain('<sub>` o/r · chart.yml · main ` · window')
    // The fence is longer than any backtick run inside; `|` cannot end the table cell.
    expect(md).toContain('| ``` a `b` and ``c`` \\| d \\\u200b\\| e ``` |')
  })
})
