import { describe, expect, it } from '@jest/globals'
import {
  attribute,
  judgeHistory,
  splitCommits,
  withAttribution
} from '../src/core/history/attribution.js'
import { renderText } from '../src/cli/text.js'
import { changeLines } from '../src/render/change.js'
import { outputStrings, outputValues } from '../src/render/outputs.js'
import { renderSummary } from '../src/render/summary.js'
import { judge } from '../src/core/verdict/rubric.js'
import type { Report, Sample } from '../src/core/types.js'

const sha = (id: number) => id.toString(16).padEnd(40, '0')

/** Run ids count down from 600 (newest); run numbers from 420. */
function history(valuesNewestFirst: number[], extra: (i: number) => Partial<Sample> = () => ({})) {
  return valuesNewestFirst.map((value, i): Sample => ({
    run_id: 600 - i,
    run_number: 420 - i,
    value,
    head_sha: sha(600 - i),
    created_at: '2026-11-01T10:00:00Z',
    html_url: `https://github.com/o/r/actions/runs/${600 - i}`,
    conclusion: 'success',
    ...extra(i)
  }))
}

/** 6 runs near 220 s (newest) after 10 near 182 s: the step is at run #410, id 590. */
const STEP = [221, 219, 222, 218, 220, 223, 181, 183, 182, 180, 184, 182, 181, 183, 185, 179]

function reportOf(samples: Sample[], window = 10, minShift = 15): Report {
  const judged = judge(samples.slice(0, window), [], { budget: 300, minRuns: window, window }, 's')
  return withAttribution(judged, samples, minShift)
}

describe('attribute', () => {
  it('maps the split to the first run after it and the last run before it', () => {
    const { change, history: read } = attribute(history(STEP), 15)
    expect(change.result).toMatchObject({ kind: 'shift', index: 10, before: 182, after: 220.5 })
    expect(change.count).toBe(16)
    expect(change.firstAfter).toMatchObject({ run_id: 595, run_number: 415 })
    expect(change.lastBefore).toMatchObject({ run_id: 594, run_number: 414 })
    expect(read).toHaveLength(16)
  })

  it('ranks the current run against the rest of the history, and only the current run', () => {
    const samples = history([230, ...STEP.slice(1)], i => (i === 0 ? { current: true } : {}))
    expect(attribute(samples, 15).standing).toEqual({
      value: 230,
      slowerThan: 15,
      fasterThan: 0,
      ties: 0,
      of: 15
    })
    expect(attribute(history(STEP), 15).standing).toBeUndefined()
  })

  it('names no run when there are too few samples', () => {
    const { change } = attribute(history([1, 2, 3, 4, 5, 6, 7]), 0)
    expect(change.result.kind).toBe('too-few')
    expect(change.firstAfter).toBeUndefined()
    expect(splitCommits(change)).toBeUndefined()
  })

  it('judgeHistory: the verdict on the newest window, attribution over all it read', () => {
    const rubric = { budget: 200, minRuns: 6, window: 6 }
    const report = judgeHistory(history(STEP), [], rubric, { minShift: 15, match: [] }, 's')
    // The newest 6 (near 220 s) breach a 200 s budget; all 16 have a median near 182 s.
    expect(report.samples.map(s => s.value)).toEqual(STEP.slice(0, 6))
    expect([report.stats.median, report.verdict]).toEqual([220.5, 'breach'])
    expect(report.history).toHaveLength(16)
  })

  it('keeps the verdict on the window while attributing over the history', () => {
    const report = reportOf(history(STEP), 6)
    expect(report.samples).toHaveLength(6)
    expect(report.stats.median).toBe(220.5)
    expect(report.history).toHaveLength(16)
    expect(report.change?.result.kind).toBe('shift')
  })
})

describe('change outputs', () => {
  it('give the run, commit, shift and p of a shift', () => {
    const values = outputValues(reportOf(history(STEP)))
    expect(values['change-run-id']).toBe(595)
    expect(values['change-sha']).toBe(sha(595))
    expect(values['change-shift']).toBe(38.5)
    // A permutation estimate, (1 + hits) / (1 + 9,999): not pinned, but bounded. It is at
    // least the smallest value the estimate can take, and the step is a complete separation
    // of 6 runs from 10, whose exact chance at that split alone is 2 / C(16, 6) = 1 / 4,004;
    // an estimate of 0.01 or more would need 100 hits among 9,999 permutations.
    const p = Number(values['change-p'])
    expect(p).toBeGreaterThanOrEqual(1 / 10_000)
    expect(p).toBeLessThan(0.01)
    // Seeded by the samples: the same history gives the same p.
    expect(outputValues(reportOf(history(STEP)))['change-p']).toBe(values['change-p'])
  })

  it('are empty without a shift: flat, below min-shift, or no attribution at all', () => {
    const empty = { 'change-run-id': '', 'change-sha': '', 'change-shift': '', 'change-p': '' }
    const flat = [200, 201, 199, 200, 202, 198, 200, 201, 199, 200, 201, 200]
    expect(outputStrings(reportOf(history(flat)))).toMatchObject(empty)
    expect(outputStrings(reportOf(history(STEP), 10, 50))).toMatchObject(empty)
    const plain = judge(history(STEP), [], { budget: 300, minRuns: 10, window: 16 }, 's')
    expect(outputStrings(plain)).toMatchObject(empty)
  })
})

describe('the summary with a shift', () => {
  const md = renderSummary(reportOf(history(STEP)))
  const lines = md.split('\n')

  it('puts the change line under the banner, linking the run, the commit and the compare view', () => {
    // The p printed is the output's (bounded in "change outputs" above). The compare view
    // spans a run more either side: the split can be a run off.
    const p = outputValues(reportOf(history(STEP)))['change-p']
    expect(lines[2]).toBe(
      'Slower since about [#415](https://github.com/o/r/actions/runs/595) ' +
        `([\`2530000\`](https://github.com/o/r/commit/${sha(595)})) ±1 run: ` +
        `+38.5 s (182 s -> 220.5 s), p = ${p} · ` +
        `[compare \`2510000...2540000\`](https://github.com/o/r/compare/${sha(593)}...${sha(596)})`
    )
  })

  it('charts the whole history, the window in another colour, and the two levels', () => {
    expect(md).toContain('"plotColorPalette": "#b8c4d0, #4c78a8, #d62728, #ff7f0e"')
    expect(md).toContain(`  bar [179, 185, 183, 181, 182, 184, ${Array(10).fill(-330).join(', ')}]`)
    expect(md).toContain(
      `  bar [${Array(6).fill(-330).join(', ')}, 180, 182, 183, 181, 223, 220, 218, 222, 219, 221]`
    )
    expect(md).toContain(`  line [${[...Array(10).fill(182), ...Array(6).fill(220.5)].join(', ')}]`)
    expect(md).toContain(
      '<sub>grey bars: 6 older runs; blue bars: the window of the newest 10 · red line: the 300 s budget · orange line: the median before and after the shift</sub>'
    )
    // The MAD of these 16 samples is 3 s: 15 s is 5 of them.
    expect(md).toContain(
      '· window 10 · min-runs 10 · history 16 samples · min-shift 15 s (5.0 MAD) · p-values are per check: over 20 consecutive checks of a flat 30-run history, about 25% see at least one false shift</sub>'
    )
  })

  it('says a shift with one commit on both sides has the same commit there, naming no cause', () => {
    const same = renderSummary(reportOf(history(STEP, () => ({ head_sha: 'b'.repeat(40) }))))
    const line = same.split('\n')[2]
    expect(line).toMatch(
      /^Slower since about .* · the same commit ran on either side of the shift \(±1 run\)$/
    )
    expect(line).not.toMatch(/runner|cluster|not code|cause/)
    expect(same).not.toContain('/compare/')
  })

  it('links nothing whose URL has markup characters', () => {
    const bad = history(STEP, i =>
      i === 5 ? { html_url: 'https://x/)[y](javascript:alert(1)' } : {}
    )
    const text = renderSummary(reportOf(bad))
    expect(text).not.toContain('javascript:alert(1))')
    expect(text.split('\n')[2]).toMatch(/^Slower since about #415 \(`2530000`\) ±1 run: /)
  })
})

describe('the summary without a shift, and this run', () => {
  const withCurrent = history([260, ...STEP.slice(1)], i =>
    i === 0 ? { current: true, head_sha: 'c'.repeat(40) } : {}
  )

  it('says there is no shift in small print and keeps the single-series chart', () => {
    const flat = [200, 201, 199, 200, 202, 198, 200, 201, 199, 200]
    const md = renderSummary(reportOf(history(flat)))
    expect(md).toMatch(/<sub>No shift found \(p = [\d.]+\) · 10 runs tested<\/sub>/)
    expect(md).toContain('"plotColorPalette": "#4c78a8, #d62728"')
    expect(md).not.toContain('orange')
  })

  it('puts the standing after the change line, or first on a pull request', () => {
    const report = reportOf(withCurrent)
    const standing = 'This run, 260 s, is slower than all of the last 15'
    expect(renderSummary(report).split('\n\n').slice(1, 3)).toEqual([
      expect.stringMatching(/^Slower since /),
      standing
    ])
    expect(renderSummary(report, { standingFirst: true }).split('\n\n').slice(1, 3)).toEqual([
      standing,
      expect.stringMatching(/^Slower since /)
    ])
  })

  it('gives the same lines in the log and the terminal, as plain text', () => {
    const report = reportOf(withCurrent)
    expect(changeLines(report)).toEqual([
      'Slower since about #415 (2530000) ±1 run: +39 s (182 s -> 221 s), p = 0.001; compare 2510000...2540000',
      'This run, 260 s, is slower than all of the last 15'
    ])
    const text = renderText(report)
    for (const line of changeLines(report)) expect(text).toContain(`   ${line}\n`)
  })
})
