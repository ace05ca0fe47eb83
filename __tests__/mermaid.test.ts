import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import {
  CHROMIUM,
  mermaidBlock,
  renderMermaid,
  renderSummaryPage
} from '../__fixtures__/mermaid.js'
import { judgeHistory, judgeWatched, withAttribution } from '../src/core/history/attribution.js'
import { renderMetricsSummary } from '../src/render/metrics.js'
import { computeStats, decide } from '../src/core/verdict/rubric.js'
import { renderSummary } from '../src/render/summary.js'
import type { Report, Sample } from '../src/core/types.js'

// CI installs Chromium and sets REQUIRE_CHROMIUM, so there this can never be skipped quietly.
const haveChromium = existsSync(CHROMIUM)
if (!haveChromium && process.env.REQUIRE_CHROMIUM)
  throw new Error(`REQUIRE_CHROMIUM is set but ${CHROMIUM} is missing`)
const maybe = haveChromium ? describe : describe.skip

function report(values: number[]): Report {
  const stats = computeStats(values)
  return {
    verdict: decide(stats, 300, 10),
    budget: 300,
    minRuns: 10,
    window: 10,
    stats,
    samples: values.map((value, i) => ({
      run_id: 9000 - i,
      run_number: 1000 - i,
      value,
      head_sha: 'a'.repeat(40),
      created_at: '2026-11-01T00:00:00Z',
      html_url: `https://github.com/o/r/actions/runs/${9000 - i}`,
      conclusion: 'success'
    })),
    skipped: [],
    source: 'o/r · chart.yml · main'
  }
}

maybe('the summary chart in headless Chromium (mermaid-cli)', () => {
  it('renders the xychart of a breach to a PNG without error', async () => {
    const diagram = mermaidBlock(
      renderSummary(report([310, 320, 290, 305, 400, 280, 350, 301, 299, 330]))
    )
    expect(diagram).toMatch(/^%%\{init.*\}%%\nxychart-beta/)
    const png = join(mkdtempSync(join(tmpdir(), 'chart-')), 'chart.png')
    await renderMermaid(diagram ?? '', png)
    const bytes = readFileSync(png)
    expect(bytes.subarray(1, 4).toString()).toBe('PNG')
    expect(bytes.readUInt32BE(16)).toBeGreaterThan(300) // width
  }, 120_000)

  it('renders a history longer than the window, with the levels of a shift, to a PNG', async () => {
    // 16 runs, newest first: 6 near 200 s after 10 near 100 s; the window is the newest 10.
    const full = report([
      201, 198, 203, 199, 202, 197, 101, 99, 103, 98, 100, 102, 97, 104, 100, 99
    ])
    const judged = { ...full, samples: full.samples.slice(0, 10) }
    const md = renderSummary(withAttribution(judged, full.samples, 15))
    const diagram = mermaidBlock(md) ?? ''
    expect(diagram.match(/^ {2}bar \[/gm)).toHaveLength(2)
    expect(diagram.match(/^ {2}line \[/gm)).toHaveLength(2)
    const png = join(mkdtempSync(join(tmpdir(), 'chart-')), 'history.png')
    await renderMermaid(diagram, png)
    const bytes = readFileSync(png)
    expect(bytes.subarray(1, 4).toString()).toBe('PNG')
    expect(bytes.readUInt32BE(16)).toBeGreaterThan(300)
    if (process.env.KEEP_CHART) writeFileSync(process.env.KEEP_CHART, bytes)
  }, 120_000)

  it('renders the whole summary of a history whose runner image changed, to a PNG', async () => {
    // 16 runs, newest first: 6 near 200 s on a new runner image after 10 near 100 s on the old.
    const values = [201, 198, 203, 199, 202, 197, 101, 99, 103, 98, 100, 102, 97, 104, 100, 99]
    const full = report(values)
    const samples = full.samples.map((s, i) => ({
      ...s,
      head_sha: `${(9000 - i).toString(16)}`.padEnd(40, 'a'),
      environment: {
        'runner-os': 'Linux',
        'image-version': i < 6 ? '20261122.1' : '20261115.1',
        kind: 'v0.29.0'
      }
    }))
    const judged = {
      ...full,
      samples: samples.slice(0, 10),
      stats: computeStats(values.slice(0, 10))
    }
    const md = renderSummary(withAttribution(judged, samples, 15))
    expect(md).toContain('image-version ` 20261115.1 ` -> ` 20261122.1 `')
    expect(md).toContain('The window spans two runner images')
    const png =
      process.env.KEEP_SUMMARY ?? join(mkdtempSync(join(tmpdir(), 'chart-')), 'summary.png')
    await renderSummaryPage(md, png)
    const bytes = readFileSync(png)
    expect(bytes.subarray(1, 4).toString()).toBe('PNG')
    expect(bytes.readUInt32BE(16)).toBeGreaterThan(500)
  }, 180_000)

  it('renders the summary of 10 metrics (2 budgeted, 8 watched steps), every chart, to a PNG', async () => {
    // 16 runs each, newest first; the image pull and its step moved 35 s six runs ago.
    const runs = (level: (i: number) => number): Sample[] =>
      Array.from({ length: 16 }, (_, i) => ({
        run_id: 9000 - i,
        run_number: 1000 - i,
        value: level(i) + ((i * 7) % 5),
        head_sha: `${(9000 - i).toString(16)}`.padEnd(40, 'a'),
        created_at: '2026-11-01T00:00:00Z',
        html_url: `https://github.com/o/r/actions/runs/${9000 - i}`,
        conclusion: 'success',
        environment: { 'image-version': i < 6 ? '20261122.1' : '20261115.1' }
      }))
    const source = 'o/r · chart.yml · main'
    const rubric = (budget: number) => ({ budget, minRuns: 10, window: 10 })
    const judged = (name: string, budget: number | undefined, history: Sample[]) => ({
      name,
      report:
        budget === undefined
          ? judgeWatched(history, [], rubric(0), { match: [] }, source)
          : judgeHistory(
              history,
              [],
              rubric(budget),
              { minShift: budget * 0.05, match: [] },
              source
            )
    })
    const steps = [
      'checkout',
      'set-up-kind',
      'install-helm',
      'pull-images',
      'install-chart',
      'wait-for-ready',
      'run-smoke-tests'
    ]
    const metrics = [
      judged(
        'install-to-ready',
        300,
        runs(i => (i < 6 ? 305 : 270))
      ),
      judged(
        'image-pull',
        60,
        runs(i => (i < 6 ? 52 : 17))
      ),
      judged(
        'job',
        undefined,
        runs(i => (i < 6 ? 420 : 385))
      ),
      ...steps.map(step =>
        judged(
          step,
          undefined,
          runs(i => (step === 'pull-images' && i < 6 ? 50 : 15))
        )
      )
    ]
    const md = renderMetricsSummary(metrics)
    expect(md).toMatch(/^## ❌ breach: 10 metrics \(1 breach, 1 pass, 8 watched\)/)
    expect(md.match(/```mermaid/g)).toHaveLength(10)
    const png =
      process.env.KEEP_METRICS_SUMMARY ?? join(mkdtempSync(join(tmpdir(), 'chart-')), 'metrics.png')
    await renderSummaryPage(md, png, 2400)
    const bytes = readFileSync(png)
    expect(bytes.subarray(1, 4).toString()).toBe('PNG')
    expect(bytes.readUInt32BE(16)).toBeGreaterThan(500)
  }, 600_000)

  it('reports a broken diagram as an error, so the check above can fail', async () => {
    const png = join(mkdtempSync(join(tmpdir(), 'chart-')), 'broken.png')
    await expect(renderMermaid('xychart-beta\n  bar [1, 2\n  nonsense ]]]', png)).rejects.toThrow(
      /mmdc failed/
    )
  }, 120_000)
})
