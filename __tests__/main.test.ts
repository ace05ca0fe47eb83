/**
 * run() and publish() in process, with `@actions/core` and the network modules mocked: these
 * point a failure at a function. The end-to-end suites, which run dist/index.js against the
 * fake GitHub API, stay the main proof.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '../__fixtures__/core.js'
import type { CheckOptions, MetricRule } from '../src/app/check.js'
import { judgeRead } from '../src/core/history/replay.js'
import type { Config } from '../src/core/inputs/config.js'
import {
  ghesRecordWarning,
  uploadFailure,
  type RecordRequest,
  type Recorded
} from '../src/github/record.js'
import { judge } from '../src/core/verdict/rubric.js'
import type { HistoryRead, Report, Sample } from '../src/core/types.js'
import { makeSample } from '../__fixtures__/run.js'

const readHistory =
  jest.fn<(client: unknown, options: CheckOptions & { depth?: number }) => Promise<HistoryRead>>()
const recordSample = jest.fn<(request: RecordRequest) => Promise<Recorded>>()
const preloadRecorder = jest.fn<() => void>()
const defaultBranch = jest.fn<() => Promise<string>>()

jest.unstable_mockModule('@actions/core', () => core)
// run() checks its metrics; with the inputs' one metric, that is one read of its history,
// judged as the real checkMetrics judges it. notify.ts reads a pull request's own samples
// with check(); not called here.
const checkMetrics = async (
  client: unknown,
  options: CheckOptions & { depth?: number },
  rules: MetricRule[]
) => {
  const read = await readHistory(client, { ...options, current: rules[0].current })
  const report = judgeRead(read, { rubric: options.rubric, history: options.history })
  return [{ name: rules[0].name, report, read }]
}
jest.unstable_mockModule('../src/app/check.js', () => ({
  readHistory,
  checkMetrics,
  check: jest.fn()
}))
// Only the upload is mocked; the wording beside it is the real one.
jest.unstable_mockModule('../src/github/record.js', () => ({
  ghesRecordWarning,
  uploadFailure,
  recordSample,
  preloadRecorder
}))
// The listing's own exports are stubs: the job-timings source imports them (e2e.jobs tests it).
jest.unstable_mockModule('../src/github/runs.js', () => ({
  defaultBranch,
  excludeReason: jest.fn(),
  listRuns: jest.fn()
}))

const { run, publish } = await import('../src/main.js')

const sample = makeSample

const rubric = { budget: 300, minRuns: 3, window: 3 }
const reportOf = (...values: number[]): Report =>
  judge(
    values.map((v, i) => sample(100 - i, v)),
    [{ run_id: 7, reason: 'artifact expired' }],
    rubric,
    'o/r · chart.yml · main'
  )

/** What the one read of the history gives: the runs newest first. */
const readOf = (...values: number[]): HistoryRead => ({
  samples: values.map((v, i) => sample(100 - i, v)),
  skipped: [{ run_id: 7, reason: 'artifact expired' }],
  source: 'o/r · chart.yml · main'
})

const config = (change: Partial<Config> = {}): Config => ({
  token: 't',
  owner: 'o',
  repo: 'r',
  workflow: 'chart.yml',
  conclusions: ['success', 'failure'],
  artifactName: 'helm-install-duration-{run_id}',
  file: 'install_to_ready_seconds.txt',
  window: 3,
  minRuns: 3,
  budget: 300,
  lookback: 50,
  history: 3,
  minShift: 15,
  decide: 'rubric',
  record: false,
  retentionDays: 90,
  allowForks: false,
  failOnBreach: true,
  failOnInsufficient: false,
  summary: true,
  cache: false,
  issue: false,
  issueLabels: ['rolling-median'],
  issueCloseAfter: 3,
  prComment: 'off',
  environment: {},
  match: [],
  ...change
})

const outputs = () => Object.fromEntries(core.setOutput.mock.calls)

describe('publish', () => {
  beforeEach(() => core.resetCore())

  it('a pass sets every output, logs the headline and skips, and writes the summary', async () => {
    await publish(reportOf(100, 120, 110), config())
    expect(outputs()).toMatchObject({ verdict: 'pass', median: '110', count: '3', budget: '300' })
    expect(JSON.parse(outputs().skipped as string)).toEqual([
      { run_id: 7, reason: 'artifact expired' }
    ])
    expect(core.info).toHaveBeenCalledWith('Skipped run 7: artifact expired')
    expect(core.info).toHaveBeenCalledWith(expect.stringMatching(/^pass: median 110 s <= 300 s/))
    expect(core.summaryText()).toMatch(/^## ✅ pass/)
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('a breach fails the step, saying the numbers once', async () => {
    await publish(reportOf(400, 500, 450), config())
    expect(outputs().verdict).toBe('breach')
    expect(core.setFailed).toHaveBeenCalledWith(
      'Rolling median over budget: 450 s > 300 s over 3 runs'
    )
  })

  it('a breach with fail-on-breach: false only reports', async () => {
    await publish(reportOf(400, 500, 450), config({ failOnBreach: false }))
    expect(outputs().verdict).toBe('breach')
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('insufficient warns by default and fails with fail-on-insufficient', async () => {
    await publish(reportOf(100), config())
    expect(core.warning).toHaveBeenCalledWith(
      expect.stringContaining('insufficient: need >= 3 runs, have 1')
    )
    expect(core.setFailed).not.toHaveBeenCalled()

    core.resetCore()
    await publish(reportOf(100), config({ failOnInsufficient: true }))
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining('need >= 3 runs, have 1'))
  })

  it('summary: false writes no job summary but still sets the outputs', async () => {
    await publish(reportOf(100, 120, 110), config({ summary: false }))
    expect(core.summary.addRaw).not.toHaveBeenCalled()
    expect(outputs().verdict).toBe('pass')
  })

  const straddling = [250, 260, 270, 280, 290, 295, 299, 310, 320, 330]
  const judged = (values: number[], decide: 'rubric' | 'confident', minRuns = values.length) =>
    judge(
      values.map((v, i) => sample(100 - i, v)),
      [],
      { budget: 300, minRuns, window: 10, decide },
      'o/r'
    )

  it('a pass with 3 of 10 over says it is not conclusive, in counts', async () => {
    await publish(judged(straddling, 'rubric'), config())
    expect(outputs()).toMatchObject({ verdict: 'pass', conclusive: 'false' })
    expect(core.notice).toHaveBeenCalledWith(
      'not conclusive: 3 of 10 runs over the budget and 7 within; 8 of 10 on one side decide'
    )
    expect(core.info).toHaveBeenCalledWith('3 of 10 runs over the 300 s budget')
  })

  it('confident: the same history is inconclusive, warns and never fails', async () => {
    await publish(judged(straddling, 'confident'), config())
    expect(outputs()).toMatchObject({ verdict: 'inconclusive', conclusive: 'false' })
    expect(core.warning).toHaveBeenCalledWith(
      'Rolling median inconclusive: median 292.5 s vs 300 s budget over 10 runs'
    )
    expect(core.setFailed).not.toHaveBeenCalled()
    expect(core.summaryText()).toMatch(/^## ❔ inconclusive/)
  })

  it('confident: breach at 8 of 10 over, pass at 8 of 10 within (at the budget is within)', async () => {
    await publish(judged([200, 210, 220, 230, 240, 250, 260, 270, 310, 320], 'confident'), config())
    expect(outputs()).toMatchObject({ verdict: 'pass', conclusive: 'true' })
    core.resetCore()
    // 7 over, and 3 at or under (a run at the budget is within): neither side has 8.
    const atBudget = [290, 295, 300, 320, 330, 340, 350, 360, 370, 380]
    await publish(judged(atBudget, 'confident'), config())
    expect(outputs()).toMatchObject({ verdict: 'inconclusive', conclusive: 'false' })
    core.resetCore()
    await publish(judged([290, 295, 301, ...atBudget.slice(3)], 'confident'), config())
    expect(outputs()).toMatchObject({ verdict: 'breach', conclusive: 'true' })
    expect(core.setFailed).toHaveBeenCalledWith(
      'Rolling median over budget: 335 s > 300 s over 10 runs'
    )
  })

  it('confident: too few samples is insufficient first, before any interval', async () => {
    await publish(judged(straddling.slice(0, 8), 'confident', 10), config())
    expect(outputs()).toMatchObject({ verdict: 'insufficient', conclusive: 'false' })
  })
})

describe('run', () => {
  const saved = { ...process.env }
  const dir = mkdtempSync(join(tmpdir(), 'main-test-'))
  const setEnv = (env: Record<string, string>) => Object.assign(process.env, env)

  beforeEach(() => {
    core.resetCore()
    readHistory.mockReset()
    recordSample.mockReset()
    preloadRecorder.mockReset()
    defaultBranch.mockReset()
    // The runner's variables of the machine running the tests must not leak in.
    process.env = Object.fromEntries(
      Object.entries(saved).filter(([name]) => !/^(GITHUB|INPUT)_/.test(name))
    )
    // This step runs in chart.yml, the workflow the inputs name: this run's number names the
    // run just before it there.
    setEnv({
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '555',
      GITHUB_RUN_NUMBER: '42',
      GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/chart.yml@refs/heads/main'
    })
  })
  afterEach(() => {
    process.env = { ...saved }
  })

  const inputs = (table: Record<string, string>) =>
    core.useInputs({
      'github-token': 't',
      workflow: 'chart.yml',
      branch: 'main',
      window: '3',
      ...table
    })

  it('records after the check, the outputs not waiting for it; the value is the newest sample', async () => {
    inputs({ value: '123', record: 'true' })
    let checking = false
    let verdictAtUpload: string | undefined
    recordSample.mockImplementation(async () => {
      // Loading the upload client would hold the listings, and a new artifact mid-listing
      // would restart the repository listing: the upload starts once the check is done.
      expect(checking).toBe(false)
      verdictAtUpload = outputs().verdict
      return { name: 'helm-install-duration-555', id: 1 }
    })
    readHistory.mockImplementation(async (_client, options) => {
      checking = true
      await new Promise(resolve => setImmediate(resolve))
      expect(recordSample).not.toHaveBeenCalled()
      checking = false
      return { samples: [options.current as Sample], skipped: [], source: 'o/r' }
    })
    await run()
    expect(verdictAtUpload).toBe('insufficient') // one sample of a window of 3: written first
    const request = recordSample.mock.calls[0][0]
    expect(request).toMatchObject({ value: 123, artifactName: 'helm-install-duration-{run_id}' })
    expect(request.context).toMatchObject({ runId: 555, runNumber: 42 })
    const options = readHistory.mock.calls[0][1]
    expect(options.current).toMatchObject({ run_id: 555, run_number: 42, value: 123 })
    expect(options.runs.currentRunId).toBe(555)
    expect(options.currentRunNumber).toBe(42)
    expect(core.info).toHaveBeenCalledWith(
      'Recorded 123 s as artifact helm-install-duration-555 (id 1)'
    )
  })

  it("names no run just before this one in another workflow's runs", async () => {
    inputs({ workflow: 'nightly.yml' })
    readHistory.mockImplementation(async () => ({ samples: [], skipped: [], source: 'o/r' }))
    await run()
    expect(readHistory.mock.calls[0][1].currentRunNumber).toBeUndefined()
  })

  it('hands the check the upload client to load while it waits, only when it will upload', async () => {
    readHistory.mockImplementation(async (_client, options) => ({
      samples: [options.current as Sample],
      skipped: [],
      source: 'o/r'
    }))
    recordSample.mockResolvedValue({ name: 'helm-install-duration-555', id: 1 })
    inputs({ value: '123', record: 'true' })
    await run()
    expect(readHistory.mock.calls[0][1].whileWaiting).toBe(preloadRecorder)
    inputs({ value: '123' })
    await run()
    expect(readHistory.mock.calls[1][1].whileWaiting).toBeUndefined()
    // The check decides when; run() never loads it itself.
    expect(preloadRecorder).not.toHaveBeenCalled()
  })

  it('a failed upload warns; the verdict still stands', async () => {
    inputs({ value: '123', record: 'true' })
    recordSample.mockRejectedValue(new Error('service down'))
    readHistory.mockResolvedValue(readOf(100, 120, 110))
    await run()
    expect(core.warning).toHaveBeenCalledWith("Recording this run's sample failed: service down")
    expect(outputs().verdict).toBe('pass')
    expect(core.setFailed).not.toHaveBeenCalled()
  })

  it('record without a value warns and records nothing', async () => {
    inputs({ record: 'true' })
    readHistory.mockResolvedValue(readOf(100, 120, 110))
    await run()
    expect(recordSample).not.toHaveBeenCalled()
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining("'record' needs a 'value'"))
    expect(readHistory.mock.calls[0][1].current).toBeUndefined()
  })

  it('a value file with no number checks the history alone', async () => {
    const file = join(dir, 'bad.txt')
    writeFileSync(file, 'Error: timed out\n')
    inputs({ value: file, record: 'true' })
    readHistory.mockResolvedValue(readOf(100, 120, 110))
    await run()
    expect(recordSample).not.toHaveBeenCalled()
    expect(core.warning).toHaveBeenCalledWith(
      expect.stringContaining('Nothing recorded; checking the history alone')
    )
    expect(readHistory.mock.calls[0][1].current).toBeUndefined()
  })

  it('a malformed input fails the step naming the input, before any check', async () => {
    inputs({ window: '0' })
    await run()
    expect(core.setFailed).toHaveBeenCalledWith(expect.stringContaining("Input 'window'"))
    expect(readHistory).not.toHaveBeenCalled()
  })

  it('a garbled event payload warns once and asks the API for the default branch', async () => {
    const payload = join(dir, 'event.json')
    writeFileSync(payload, '{not json')
    setEnv({ GITHUB_EVENT_PATH: payload })
    inputs({ branch: '' })
    defaultBranch.mockResolvedValue('trunk')
    readHistory.mockResolvedValue(readOf(100, 120, 110))
    await run()
    expect(core.warning).toHaveBeenCalledTimes(1)
    expect(core.warning).toHaveBeenCalledWith(expect.stringContaining('GITHUB_EVENT_PATH'))
    expect(readHistory.mock.calls[0][1].runs.branch).toBe('trunk')
  })

  it('the payload names the default branch for free when it is this repository', async () => {
    const payload = join(dir, 'event-ok.json')
    writeFileSync(
      payload,
      JSON.stringify({ repository: { full_name: 'O/R', default_branch: 'dev' } })
    )
    setEnv({ GITHUB_EVENT_PATH: payload })
    inputs({ branch: '' })
    readHistory.mockResolvedValue(readOf(100, 120, 110))
    await run()
    expect(defaultBranch).not.toHaveBeenCalled()
    expect(readHistory.mock.calls[0][1].runs.branch).toBe('dev')
  })

  it('backtest: one deeper read, the strip in the summary, the verdict and outputs unchanged', async () => {
    // Newest first: 12 runs at 100 s, window 3: 10 positions, every one a pass.
    const values = Array.from({ length: 12 }, () => 100)
    readHistory.mockResolvedValue(readOf(...values))
    inputs({ window: '3', history: '3', budget: '300' })
    await run()
    const plain = outputs()
    expect(readHistory.mock.calls[0][1].depth).toBeUndefined()
    core.resetCore()
    readHistory.mockReset()
    readHistory.mockResolvedValue(readOf(...values))
    inputs({ window: '3', history: '3', budget: '300', backtest: '5' })
    await run()
    expect(core.setFailed.mock.calls).toEqual([])
    expect(readHistory).toHaveBeenCalledTimes(1)
    expect(readHistory.mock.calls[0][1].depth).toBe(7)
    expect(outputs()).toEqual(plain)
    expect(core.summaryText()).toContain('### Backtest')
    expect(core.summaryText()).toMatch(/```text\n#96 +ppppp\n/)
    expect(core.info).toHaveBeenCalledWith(expect.stringMatching(/^5 pass, 0 breach/))
  })
})
