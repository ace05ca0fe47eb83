import { describe, expect, it } from '@jest/globals'
import { computeStats, conclusive, decide } from '../src/core/verdict/rubric.js'
import { renderSummary } from '../src/render/summary.js'
import { outsideCode } from '../__fixtures__/markdown.js'
import { certainty, failureMessage, headline, overLine, sparkline } from '../src/render/wording.js'
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
  // The review's example: median 342.5, 8 of 10 runs over, 97% interval 290-360 s.
  const review = [280, 290, 330, 335, 340, 345, 350, 355, 360, 365]

  it('counts the runs over the budget, compared as the verdict is, and whether that decides', () => {
    // 8 of 10 over decides (the confident rule, in every mode), though the two-sided interval
    // of the median printed beside it still includes the budget: both said, no contradiction.
    expect(overLine(report(review))).toBe(
      '8 of 10 runs over the 300 s budget (conclusive: 8 of 10 on one side decide, which a median at the budget shows in at most 5.5% of checks; the two-sided 97% interval of the median, 290-360 s, still includes the budget)'
    )
    expect(overLine(report([300, 300.0004, 300.0006]))).toBe('1 of 3 runs over the 300 s budget')
    expect(overLine(report([]))).toBeUndefined()
  })

  it('a breach at 8 of 10 over is conclusive; at 7 of 10 it is not, said in counts', () => {
    const r = report(review)
    expect(r.verdict).toBe('breach')
    expect(certainty(r)).toBeUndefined()
    const seven = report([280, 290, 295, 335, 340, 345, 350, 355, 360, 365])
    expect(seven.verdict).toBe('breach')
    expect(certainty(seven)).toBe(
      'not conclusive: 7 of 10 runs over the budget and 3 within; 8 of 10 on one side decide'
    )
  })

  it('says the same of a pass', () => {
    const r = report([250, 260, 270, 280, 290, 295, 299, 305, 320, 340])
    expect(r.verdict).toBe('pass')
    expect(certainty(r)).toBe(
      'not conclusive: 3 of 10 runs over the budget and 7 within; 8 of 10 on one side decide'
    )
  })

  it('says nothing more when the runs decide and the interval lies wholly on one side', () => {
    const pass = report([100, 110, 120, 130, 140, 150, 160, 170, 180, 190])
    const breach = report([310, 320, 330, 340, 350, 360, 370, 380, 390, 400])
    expect([pass.verdict, breach.verdict]).toEqual(['pass', 'breach'])
    expect(certainty(pass)).toBeUndefined()
    expect(certainty(breach)).toBeUndefined()
    expect([conclusive(pass.stats, 300), conclusive(breach.stats, 300)]).toEqual([true, true])
    expect(overLine(breach)).toBe(
      '10 of 10 runs over the 300 s budget (conclusive: 8 of 10 on one side decide, which a median at the budget shows in at most 5.5% of checks)'
    )
  })

  it('counts a run at the budget as within', () => {
    const r = report([100, 110, 120, 130, 140, 150, 300, 300, 300.001, 400])
    expect(certainty(r)).toBeUndefined()
    const over = report([100, 110, 120, 130, 140, 150, 300, 300.001, 300.001, 400])
    expect(certainty(over)).toMatch(/^not conclusive: 3 of 10 runs over/)
  })

  it('under 5 samples never decides, and says the verdict rests on those runs', () => {
    for (let n = 1; n <= 6; n++) {
      const r = report(Array.from({ length: n }, (_, i) => 310 + i))
      expect(r.verdict).toBe('breach')
      if (n < 5)
        expect(certainty(r)).toBe(
          `not conclusive: the verdict rests on ${n} run${n === 1 ? '' : 's'}; at least 5, all on one side of the budget, are needed to decide`
        )
      // From 5, all on one side decide.
      else expect(certainty(r)).toBeUndefined()
    }
    expect(certainty(report([100, 200, 300, 400], 300, 10))).toBeUndefined()
  })

  it('the step fails with the numbers said once', () => {
    expect(failureMessage(report([140, 143, 150, 141, 144, 146, 139, 142, 147, 148], 140))).toBe(
      'Rolling median over budget: 143.5 s > 140 s over 10 runs'
    )
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
