import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import type { FakeRun } from '../__fixtures__/github-server.js'
import type { RunSpec } from '../__fixtures__/history.js'
import {
  GATE,
  INSTALL,
  RUNNER,
  WAIT,
  currentRun,
  laggingStep,
  runningJob,
  sixSteps
} from '../__fixtures__/jobs.js'
import { useFakeGitHub, type Scenario } from '../__fixtures__/scenario.js'
import { buildZip } from '../__fixtures__/zip.js'

/** Several metrics in one check, end to end: the bundled dist/index.js against the fake API. */
describe('several metrics through dist/index.js', () => {
  const { fake, run } = useFakeGitHub()

  /** A run whose one artifact holds one file per metric, beside metadata.json. */
  const recorded = (files: Record<string, number>): RunSpec => ({
    artifact: {
      zip: buildZip([
        ...Object.entries(files).map(([name, value]) => ({ name, data: `${value}\n` })),
        { name: 'metadata.json', data: '{"environment":{"runner-os":"Linux"}}' }
      ])
    }
  })

  const METRICS = `
- name: install-to-ready
  file: install_to_ready_seconds.txt
  budget: 300
- name: image-pull
  budget: 60
- name: chart-lint
`
  /** Ten runs: install 150-240 s (pass), image pull 61-70 s (breach), lint 5-14 s (watched). */
  const history = Array.from({ length: 10 }, (_, i) =>
    recorded({
      'install_to_ready_seconds.txt': 150 + i * 10,
      'image-pull.txt': 61 + i,
      'chart-lint.txt': 5 + i
    })
  )
  const downloads = () => fake.requests.filter(r => r.path.startsWith('/blob/')).length
  type Figures = Record<string, Record<string, number | string | null>>

  it('judges each metric on its own budget, the worst as the verdict, one download per run', async () => {
    // The runner passes action.yml's defaults as if given: they are no per-metric input.
    const inputs = { metrics: METRICS, budget: '300', file: 'install_to_ready_seconds.txt' }
    const r = await run(history, { inputs })
    expect(r.outputs.verdict).toBe('breach')
    expect(r.code).toBe(1)
    const metrics = JSON.parse(r.outputs.metrics) as Figures
    expect(Object.keys(metrics)).toEqual(['install-to-ready', 'image-pull', 'chart-lint'])
    expect(metrics['install-to-ready']).toMatchObject({
      verdict: 'pass',
      median: 195,
      count: 10,
      budget: 300
    })
    expect(metrics['image-pull']).toMatchObject({ verdict: 'breach', median: 65.5, budget: 60 })
    expect(metrics['chart-lint']).toMatchObject({ verdict: 'watched', median: 9.5, budget: null })
    // The scalar outputs describe the first metric listed.
    expect(r.outputs.median).toBe('195')
    expect(r.outputs.budget).toBe('300')
    // One listing of runs, one of artifacts, one download per run: never one per metric.
    expect(downloads()).toBe(10)
    expect(fake.apiCalls().filter(call => call.endsWith('/zip'))).toHaveLength(10)
    expect(fake.apiCalls()).toHaveLength(12)
    expect(r.annotations).toContainEqual({
      level: 'error',
      message: expect.stringMatching(
        /^Rolling median over budget: image-pull: breach: median 65.5 s > 60 s/
      )
    })
    expect(r.summary).toMatch(/^## ❌ breach: 3 metrics \(1 pass, 1 breach, 1 watched\)/)
    expect(r.summary).toContain(
      '| [install-to-ready](#metric-install-to-ready) | ✅ pass | 195 s | 300 s | 10 |'
    )
    expect(r.summary).toContain(
      '| [chart-lint](#metric-chart-lint) | 👀 watched | 9.5 s | watched | 10 |'
    )
    // A watched metric's detail is folded.
    expect(r.summary).toMatch(
      /<details><summary><a id="metric-chart-lint"><\/a>` chart-lint `: watched: median 9.5 s/
    )
  })

  it('a check of watched metrics only has verdict watched and never fails', async () => {
    const r = await run(history, {
      inputs: { metrics: '- name: image-pull\n- name: chart-lint\n' }
    })
    expect(r.code).toBe(0)
    expect(r.outputs.verdict).toBe('watched')
    const metrics = JSON.parse(r.outputs.metrics) as Figures
    expect(metrics['image-pull']).toMatchObject({ verdict: 'watched', budget: null, count: 10 })
  })

  it('a bad list fails at once naming the entry and the key, before any request', async () => {
    const cases: [string, RegExp][] = [
      [
        '- name: a\n  budgett: 3\n',
        /Input 'metrics' entry 1 \(a\): key 'budgett' is not a metric key/
      ],
      ['- name: a\n  budget: abc\n', /entry 1 \(a\): key 'budget' must be a positive number/],
      ['- name: a\n- name: a\n', /key 'name': two entries are named "a"/],
      [
        '- name: a\n  steps: Pull\n  value: x.txt\n',
        /entry 1 \(a\): key 'value' does not apply with 'steps'/
      ],
      [
        '- name: a\n  file: METADATA.json\n',
        /entry 1 \(a\): key 'file' collides with metadata.json/
      ],
      [
        '- name: a\n  file: x.txt\n- name: b\n  file: x.txt\n',
        /key 'file': two metrics read "x.txt"/
      ],
      [
        '- name: a\n  each-step: true\n  job: build\n  budget: 3\n',
        /key 'budget' does not apply with each-step/
      ],
      ['- name: [a\n', /Input 'metrics' is not valid YAML/],
      ['name: a\n', /Input 'metrics' must be a YAML list/]
    ]
    for (const [metrics, message] of cases) {
      const r = await run(history, { inputs: { metrics } })
      expect(r.code).toBe(1)
      expect(r.annotations).toContainEqual({
        level: 'error',
        message: expect.stringMatching(message)
      })
      expect(fake.apiCalls()).toHaveLength(0)
    }
  })

  it('a per-metric input beside metrics is an input error naming it', async () => {
    const r = await run(history, { inputs: { metrics: METRICS, budget: '200' } })
    expect(r.code).toBe(1)
    expect(r.annotations).toContainEqual({
      level: 'error',
      message: expect.stringContaining("Input 'budget' is given per metric when 'metrics' is set")
    })
  })

  it('without metrics, the outputs are as before, and metrics holds the one named default', async () => {
    const plain = await run(history)
    const single = await run(history, {
      inputs: { metrics: '- name: install\n  file: install_to_ready_seconds.txt\n  budget: 300\n' }
    })
    const { metrics: one, ...outputs } = plain.outputs
    const { metrics: listed, ...same } = single.outputs
    expect(same).toEqual(outputs)
    expect(Object.keys(JSON.parse(one) as Figures)).toEqual(['default'])
    expect((JSON.parse(one) as Figures).default).toEqual((JSON.parse(listed) as Figures).install)
    expect(plain.summary).toMatch(/^## ✅ pass: median 195 s <= 300 s budget over 10 runs/)
  })
})

describe('helm-rolling-report --metrics', () => {
  const REPORT = resolve(import.meta.dirname, '..', 'dist', 'report.js')
  const report = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>(done => {
      execFile(
        process.env.E2E_NODE ?? process.execPath,
        [REPORT, ...args],
        { env: { PATH: process.env.PATH ?? '' }, timeout: 15_000 },
        (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr })
      )
    })

  /** Downloaded artifacts, one folder per run, each holding both metrics' files. */
  const dir = mkdtempSync(join(tmpdir(), 'report-metrics-'))
  for (let i = 0; i < 3; i++) {
    const folder = join(dir, `helm-install-duration-${5000 - i}`)
    mkdirSync(folder)
    writeFileSync(
      join(folder, 'metadata.json'),
      JSON.stringify({ run_id: 5000 - i, run_number: 300 - i })
    )
    writeFileSync(join(folder, 'install_to_ready_seconds.txt'), `${200 + i}\n`)
    writeFileSync(join(folder, 'image-pull.txt'), `${70 + i}\n`)
  }
  const file = join(dir, 'metrics.yml')
  writeFileSync(
    file,
    '- name: install-to-ready\n  file: install_to_ready_seconds.txt\n  budget: 300\n- name: image-pull\n  budget: 60\n'
  )

  it('prints one line per metric and exits 1 when the worst breached', async () => {
    const r = await report(['--dir', dir, '--metrics', file, '--window', '3'])
    expect(r.code).toBe(1)
    expect(r.stdout.split('\n')).toEqual([
      '❌ breach: 2 metrics',
      '✅ install-to-ready  pass         median 201 s · budget 300 s · 3 runs',
      '❌ image-pull        breach       median 71 s · budget 60 s · 3 runs',
      ''
    ])
    const json = await report(['--dir', dir, '--metrics', file, '--window', '3', '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({
      verdict: 'breach',
      metrics: { 'image-pull': { verdict: 'breach', median: 71, count: 3, budget: 60 } }
    })
  })

  it('a bad list or an unreadable file is bad usage (exit 2)', async () => {
    const bad = join(dir, 'bad.yml')
    writeFileSync(bad, '- name: a\n  budget: soon\n')
    const r = await report(['--dir', dir, '--metrics', bad])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("--metrics entry 1 (a): key 'budget' must be a positive number")
    expect((await report(['--dir', dir, '--metrics', join(dir, 'none.yml')])).code).toBe(2)
  })
})

describe('metrics from job timings and artifacts in one check', () => {
  const { fake, run } = useFakeGitHub()

  /** 16 runs, newest first: the image pull 35 s slower in the newest 6; lint recorded. */
  const history: RunSpec[] = Array.from({ length: 16 }, (_, i) => ({
    jobs: [sixSteps((i < 6 ? 50 : 15) + (i % 3), 60 + ((i * 7) % 5))],
    artifact: {
      zip: buildZip([
        { name: 'chart-lint.txt', data: `${8 + (i % 4)}\n` },
        { name: 'metadata.json', data: '{"environment":{"runner-os":"Linux"}}' }
      ])
    }
  }))
  /** The check, this run's job running the step `running` (the action's own by default). */
  const check = (metrics: string, scenario: Scenario = {}, running = GATE) =>
    run(history, {
      ...scenario,
      inputs: { metrics, cache: 'false', window: '10', history: '16' },
      env: { RUNNER_NAME: RUNNER, ...scenario.env },
      amend: runs => {
        runs.unshift(currentRun([runningJob(sixSteps(51, 61), running)]) as FakeRun)
      }
    })
  const ownJobReads = () => fake.apiCalls().filter(c => c.includes('/runs/9100/jobs')).length

  /** Two span metrics, first the one ending at the wait; the image pull ends before it. */
  const SPANS = `
- name: install-to-ready
  steps: ${INSTALL} .. ${WAIT}
  budget: 100
- name: image-pull
  steps: Pull images
  budget: 40
`

  it('judges two step spans and one recorded value, each on its own budget, the worst as verdict', async () => {
    const r = await check(`${SPANS}
- name: chart-lint
  budget: 30
`)
    const metrics = JSON.parse(r.outputs.metrics) as Record<string, Record<string, unknown>>
    expect(metrics['install-to-ready']).toMatchObject({ verdict: 'pass', count: 10, budget: 100 })
    expect(metrics['image-pull']).toMatchObject({ verdict: 'breach', budget: 40 })
    expect(metrics['chart-lint']).toMatchObject({ verdict: 'pass', count: 10, budget: 30 })
    expect(r.outputs.verdict).toBe('breach')
    expect(r.code).toBe(1)
    // This run's own spans count, newest: its steps before the action's ended.
    expect(metrics['image-pull'].median).toBe(50.5)
    // One runs listing; each run's jobs read once for both spans; this run's jobs once.
    const calls = fake.apiCalls()
    expect(calls.filter(c => /\/actions\/workflows\/.*\/runs/.test(c))).toHaveLength(1)
    const jobReads = calls.filter(c => /\/runs\/\d+\/(attempts\/\d+\/)?jobs/.test(c))
    expect(new Set(jobReads).size).toBe(jobReads.length)
  })

  it('each-step names the one step whose time shifted, first among the job’s steps', async () => {
    const r = await check(`
- name: install-to-ready
  steps: ${INSTALL} .. ${WAIT}
  budget: 200
- name: install-steps
  job: install
  each-step: true
`)
    expect(r.code).toBe(0)
    const metrics = JSON.parse(r.outputs.metrics) as Record<string, Record<string, unknown>>
    // Six working steps: not Set up job, Complete job, Post ..., nor the action's own step.
    expect(Object.keys(metrics)).toEqual([
      'install-to-ready',
      'pull-images',
      'check-out',
      'set-up-kind',
      'install-chart',
      'wait-for-daemonset-ready',
      'run-smoke-tests'
    ])
    expect(metrics['pull-images']).toMatchObject({ verdict: 'watched', budget: null })
    expect(metrics['pull-images']['change-shift']).toBeGreaterThan(30)
    for (const step of ['check-out', 'set-up-kind', 'wait-for-daemonset-ready'])
      expect(metrics[step]['change-shift']).toBeNull()
    expect(r.outputs.verdict).toBe('pass')
    expect(r.summary).toMatch(
      /\| \[pull-images\]\(#metric-pull-images\) \| 👀 watched \| .* \| \+3\d s since/
    )
  })

  it('reads this run again while the API still shows its span’s last step running', async () => {
    // The first read of this run's jobs shows the wait running; the next one shows its end.
    const faults = [laggingStep(WAIT)]
    const r = await check(SPANS, { faults, env: { HELM_ROLLING_REREAD_MS: '50' } })
    // This run's install to ready (61 s + 30 s) is the newest sample, on the second read.
    const samples = JSON.parse(r.outputs.samples) as { run_id: number; value: number }[]
    expect(samples[0]).toMatchObject({ run_id: 9100, value: 91 })
    const metrics = JSON.parse(r.outputs.metrics) as Record<string, Record<string, unknown>>
    expect(metrics['install-to-ready']).toMatchObject({ verdict: 'pass', count: 10, median: 91.5 })
    expect(metrics['image-pull']).toMatchObject({ verdict: 'breach', median: 50.5 })
    expect(r.stdout).not.toContain('This run is not counted')
    expect(ownJobReads()).toBe(2)
  })

  it('leaves a span still running after the stated re-reads out of its metric, and says so', async () => {
    // The action runs during the wait: two metrics end in it, the image pull ended before.
    const r = await check(
      `${SPANS}
- name: wait
  steps: ${WAIT}
`,
      { env: { HELM_ROLLING_REREAD_MS: '50' } },
      WAIT
    )
    for (const name of ['install-to-ready', 'wait'])
      expect(r.stdout).toContain(
        `This run is not counted in metric ${name}: step "${WAIT}" has not ended before this step`
      )
    const metrics = JSON.parse(r.outputs.metrics) as Record<string, Record<string, unknown>>
    // Judged on the ten newest earlier runs alone (with this run's 91 s it would be 91.5).
    expect(JSON.parse(r.outputs.samples)).not.toContainEqual(
      expect.objectContaining({ run_id: 9100 })
    )
    expect(metrics['install-to-ready']).toMatchObject({ verdict: 'pass', count: 10, median: 92 })
    expect(metrics.wait).toMatchObject({ count: 10, median: 30 })
    // The image pull ended before this step: this run's 51 s still counts there.
    expect(metrics['image-pull']).toMatchObject({ verdict: 'breach', median: 50.5 })
    expect(r.outputs.verdict).toBe('breach')
    // The first read and three more, for all the metrics together.
    expect(ownJobReads()).toBe(4)
  })
})
