import { describe, expect, it } from '@jest/globals'
import { readMetrics } from '../src/app/metrics-input.js'
import { judgeHistory, judgeWatched } from '../src/core/history/attribution.js'
import { sharedPages } from '../src/core/history/samples.js'
import { MAX_METRICS } from '../src/core/inputs/metrics.js'
import type { NamedReport, Sample } from '../src/core/types.js'
import { worstVerdict } from '../src/core/verdict/rubric.js'
import { metricsOutput, renderMetricsSummary } from '../src/render/metrics.js'
import { MAX_SUMMARY_BYTES } from '../src/render/summary.js'

const sample = (i: number, value: number): Sample => ({
  run_id: 5000 - i,
  run_number: 900 - i,
  value,
  head_sha: `${i}`.padStart(40, 'a'),
  created_at: '2026-11-01T00:00:00Z',
  html_url: `https://github.com/o/r/actions/runs/${5000 - i}`,
  conclusion: 'success',
  environment: { 'runner-os': 'Linux', 'image-version': `2026111${i % 3}.1` }
})

describe('the metrics input', () => {
  it('reads the list: file defaults to <name>.txt, no budget is watched, steps entries keep their keys', async () => {
    const metrics = await readMetrics(`
- name: install-to-ready
  file: install_to_ready_seconds.txt
  budget: 300
  min-shift: 10
  match: [image-os, k8s]
- name: chart-lint
  value: lint_seconds.txt
- name: image-pull
  job: install
  steps: Pull images
  budget: 60.5
- name: every-step
  job: install
  each-step: true
  match: runner-labels
`)
    expect(metrics).toEqual([
      {
        name: 'install-to-ready',
        source: { kind: 'artifact', file: 'install_to_ready_seconds.txt' },
        budget: 300,
        minShift: 10,
        match: ['image-os', 'k8s']
      },
      {
        name: 'chart-lint',
        source: { kind: 'artifact', file: 'chart-lint.txt', value: 'lint_seconds.txt' },
        match: []
      },
      {
        name: 'image-pull',
        source: { kind: 'steps', eachStep: false, job: 'install', steps: 'Pull images' },
        budget: 60.5,
        match: []
      },
      {
        name: 'every-step',
        source: { kind: 'steps', eachStep: true, job: 'install' },
        match: ['runner-labels']
      }
    ])
  })

  it.each([
    ['- name: Install\n', /entry 1 \("?Install"?\)?: key 'name' must be 1 to 64 lowercase/],
    [
      '- name: a\n  steps: Pull\n  match: image-os\n',
      /key 'match' names "image-os", which job timings cannot carry/
    ],
    ['- name: a\n  each-step: true\n', /key 'each-step' needs a 'job'/],
    ['- name: a\n  each-step: yes please\n  job: b\n', /key 'each-step' must be true or false/],
    ['- name: a\n  job: b\n  file: x.txt\n', /key 'file' does not apply with 'job'/],
    ['- name: a\n  file: ../x.txt\n', /key 'file' must be a relative path/],
    ['- name: a\n  budget: 1.2345\n', /key 'budget' has more than 3 decimals/],
    ['- name: a\n  min-shift: -1\n', /key 'min-shift' must be a number of seconds >= 0/],
    ['- a\n', /entry 1: must be a mapping/],
    ['[]\n', /must be a YAML list/],
    [
      '- &a {name: a}\n- *a\n- *a\n- *a\n- *a\n- *a\n- *a\n- *a\n- *a\n- *a\n- *a\n- *a\n',
      /is not valid YAML: Excessive alias count/
    ]
  ])('refuses %j naming the entry and the key', async (text, message) => {
    await expect(readMetrics(text)).rejects.toThrow(message)
  })

  it(`holds at most ${MAX_METRICS} entries`, async () => {
    const text = Array.from({ length: MAX_METRICS + 1 }, (_, i) => `- name: m${i}\n`).join('')
    await expect(readMetrics(text)).rejects.toThrow(`holds ${MAX_METRICS + 1} entries, over 50`)
  })
})

describe('judging several metrics', () => {
  it('the worst budgeted verdict is the check verdict; watched only gives watched', () => {
    expect(worstVerdict(['pass', 'insufficient', 'watched'])).toBe('insufficient')
    expect(worstVerdict(['pass', 'inconclusive', 'insufficient'])).toBe('inconclusive')
    expect(worstVerdict(['insufficient', 'breach', 'pass'])).toBe('breach')
    expect(worstVerdict(['pass', 'watched'])).toBe('pass')
    expect(worstVerdict(['watched', 'watched'])).toBe('watched')
  })

  it("a watched metric's smallest shift is 5% of its own median, and it never fails", () => {
    // 20 runs at 100 s, then 10 at 104 s: a 4 s shift, under 5% of the ~101 s median.
    const small = [...Array(10).fill(104), ...Array(20).fill(100)].map((v: number, i) =>
      sample(i, v + (i % 3) * 0.1)
    )
    const rubric = { minRuns: 10, window: 10 }
    const watched = judgeWatched(small, [], rubric, { match: [] }, 'o/r')
    expect(watched.verdict).toBe('watched')
    expect(watched.budget).toBeNull()
    expect(watched.change?.minShift).toBeCloseTo(0.05 * (watched.stats.median ?? 0))
    expect(watched.change?.result.kind).not.toBe('shift')
    // The same runs with a 1 s min-shift: the shift is found.
    const told = judgeWatched(small, [], rubric, { minShift: 1, match: [] }, 'o/r')
    expect(told.change?.result.kind).toBe('shift')
  })

  it('one listing read by many cursors requests each page once', async () => {
    let requested = 0
    const source: AsyncIterator<number[]> = {
      next: async () => {
        requested++
        return requested <= 3
          ? { done: false, value: [requested] }
          : { done: true, value: undefined }
      }
    }
    const pages = sharedPages(source)
    const read = async () => {
      const cursor = pages()
      const seen: number[] = []
      for (let page = await cursor.next(); !page.done; page = await cursor.next())
        seen.push(...page.value)
      return seen
    }
    expect(await Promise.all([read(), read(), read()])).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3]
    ])
    expect(requested).toBe(4)
  })
})

describe('the summary and outputs of several metrics', () => {
  const report = (name: string, budget: number | undefined, history: Sample[]): NamedReport => ({
    name,
    report:
      budget === undefined
        ? judgeWatched(
            history,
            [],
            { minRuns: 10, window: 10 },
            { match: [] },
            'o/r · chart.yml · main'
          )
        : judgeHistory(
            history,
            [],
            { budget, minRuns: 10, window: 10 },
            { minShift: 5, match: [] },
            'o/r · chart.yml · main'
          )
  })

  it('the metrics output has every figure under the outputs’ own names, numbers or null', () => {
    const history = Array.from({ length: 12 }, (_, i) => sample(i, 100 + (i % 4)))
    const output = metricsOutput([report('a', 300, history), report('b', undefined, history)])
    expect(output.a).toEqual({
      verdict: 'pass',
      conclusive: true,
      median: 101,
      count: 10,
      budget: 300,
      'ci-low': expect.any(Number),
      'ci-high': expect.any(Number),
      mad: 1,
      'change-run-id': null,
      'change-sha': null,
      'change-shift': null,
      'change-p': null,
      'change-method': null,
      'change-environment': null
    })
    expect(output.b).toMatchObject({ verdict: 'watched', budget: null, conclusive: false })
  })

  it('stays under 1,000,000 bytes with 50 metrics over a history of 1,000 runs', () => {
    const history = Array.from({ length: 1000 }, (_, i) =>
      sample(i, 100 + (i % 17) + (i < 40 ? 30 : 0))
    )
    const metrics = Array.from({ length: 50 }, (_, i) =>
      report(`metric-${i}`, i % 2 ? 120 : undefined, history)
    )
    const text = renderMetricsSummary(metrics)
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_SUMMARY_BYTES)
    // The table lists them all, and every metric still has its detail.
    for (let i = 0; i < 50; i++) expect(text).toContain(`<a id="metric-metric-${i}"></a>`)
    expect(text.match(/^\| \[metric-/gm)).toHaveLength(50)
  })
})
