import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { checkPlan, readConfig } from '../src/core/inputs/config.js'
import { readValue } from '../src/io/files.js'

const env = {
  GITHUB_REPOSITORY: 'tracecore/tracecore',
  GITHUB_WORKFLOW_REF: 'tracecore/tracecore/.github/workflows/chart.yml@refs/heads/main'
}
const read = (inputs: Record<string, string>) => readConfig(name => inputs[name] ?? '', env)

describe('readConfig', () => {
  it('takes the contract defaults from the runner environment', () => {
    const config = read({ 'github-token': 't' })
    expect(config).toMatchObject({
      owner: 'tracecore',
      repo: 'tracecore',
      workflow: 'chart.yml',
      branch: undefined,
      conclusions: ['success', 'failure'],
      artifactName: 'helm-install-duration-{run_id}',
      file: 'install_to_ready_seconds.txt',
      window: 10,
      minRuns: 10,
      budget: 300,
      lookback: 50,
      record: false,
      retentionDays: 90,
      allowForks: false,
      failOnBreach: true,
      failOnInsufficient: false,
      summary: true,
      issue: false,
      issueLabels: ['rolling-median'],
      issueCloseAfter: 3,
      prComment: 'off'
    })
  })

  it('reads the issue and comment inputs', () => {
    expect(
      read({
        'github-token': 't',
        issue: 'true',
        'issue-labels': ' perf, ci ,',
        'issue-close-after': '5',
        'pr-comment': 'on-breach'
      })
    ).toMatchObject({
      issue: true,
      issueLabels: ['perf', 'ci'],
      issueCloseAfter: 5,
      prComment: 'on-breach'
    })
  })

  it('lets min-runs default to the window', () => {
    expect(read({ 'github-token': 't', window: '20' }).minRuns).toBe(20)
  })

  it.each([
    ['window', '0', /'window' must be a whole number from 1/],
    ['window', 'ten', /'window' must be a whole number/],
    ['min-runs', '-1', /'min-runs' must be a whole number/],
    ['min-runs', '11', /'min-runs' must be a whole number from 1 to 10/],
    ['lookback', '2.5', /'lookback' must be a whole number/],
    ['budget', 'abc', /'budget' must be a positive number/],
    ['budget', '0', /'budget' must be a positive number/],
    ['budget', '100.3001', /'budget' has more than 3 decimals, got "100.3001"/],
    ['decide', 'strict', /'decide' must be rubric or confident, got "strict"/],
    ['retention-days', '0', /'retention-days' must be a whole number/],
    ['repository', 'nope', /'repository' must be owner\/name, got "nope"/],
    [
      'conclusions',
      'success,sucess',
      /'conclusions' accepts a comma-separated list of success, failure/
    ],
    ['workflow', '../x', /'workflow' must be a workflow file name/],
    ['file', '../etc/passwd', /'file' must be a relative path/],
    ['record', 'yes', /'record' must be true or false/],
    ['event', 'push; rm', /'event' must be an event name/],
    ['issue', 'yes', /'issue' must be true or false/],
    ['issue-labels', ' , ', /'issue-labels' must be a comma-separated list of label names/],
    ['issue-labels', 'x'.repeat(51), /'issue-labels' must be/],
    ['issue-close-after', '0', /'issue-close-after' must be a whole number from 1 to 100/],
    ['pr-comment', 'sometimes', /'pr-comment' must be one of off, always, on-breach/]
  ])('refuses %s=%j naming the input', (name, value, message) => {
    expect(() => read({ 'github-token': 't', [name]: value })).toThrow(message)
  })

  it('decide: rubric by default; confident needs min-runs >= 5, since fewer never decide', () => {
    expect(read({ 'github-token': 't' }).decide).toBe('rubric')
    expect(read({ 'github-token': 't', decide: 'confident', 'min-runs': '5' }).decide).toBe(
      'confident'
    )
    expect(() => read({ 'github-token': 't', decide: 'confident', 'min-runs': '4' })).toThrow(
      /'decide' confident needs min-runs >= 5 .* got min-runs 4/
    )
    expect(() => read({ 'github-token': 't', decide: 'confident', window: '4' })).toThrow(
      /'decide' confident needs min-runs >= 5/
    )
  })

  it('accepts a budget of up to 3 decimals, the precision it is printed and compared at', () => {
    expect(read({ 'github-token': 't', budget: '100.375' }).budget).toBe(100.375)
  })

  it('needs a token', () => {
    expect(() => read({})).toThrow(/'github-token' is empty/)
  })

  it('accepts a numeric workflow id', () => {
    expect(read({ 'github-token': 't', workflow: '4242' }).workflow).toBe('4242')
  })
})

describe('inputs that collide with what the action writes or reads inside an artifact', () => {
  // `record` writes `file` and metadata.json side by side, and every reader reads both; runners
  // on macOS and Windows fold case, so METADATA.JSON is the same file there.
  it.each([
    'metadata.json',
    'METADATA.JSON',
    'Metadata.Json',
    'metadata.json/seconds.txt',
    'MetaData.JSON/x'
  ])('refuses file=%j with or without record, naming the input', file => {
    for (const record of ['true', 'false']) {
      expect(() => read({ 'github-token': 't', file, record })).toThrow(
        /Input 'file' .*collides with metadata\.json/
      )
    }
  })

  it.each(['sub/metadata.json', 'metadata.json.txt', 'my-metadata.json'])(
    'accepts file=%j, which does not collide',
    file => {
      expect(read({ 'github-token': 't', file }).file).toBe(file)
    }
  )
})

describe('readValue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'value-'))
  it('reads a number given directly', () => {
    expect(readValue('143')).toEqual({ value: 143 })
  })
  it('reads a number from a file', () => {
    const file = join(dir, 'v.txt')
    writeFileSync(file, '151\n')
    expect(readValue(file)).toEqual({ value: 151 })
  })
  it('explains a missing file without throwing', () => {
    expect(readValue(join(dir, 'missing.txt'))).toEqual({
      reason: expect.stringContaining('neither a number nor an existing file')
    })
  })
  it('explains a file without a number', () => {
    const file = join(dir, 'bad.txt')
    writeFileSync(file, 'Error: timed out\n')
    expect(readValue(file)).toEqual({
      reason: expect.stringContaining('not one non-negative number')
    })
  })
})

describe('history and min-shift (change-point attribution)', () => {
  it('default to max(window, min(30, lookback)) and 5% of the budget', () => {
    expect(read({ 'github-token': 't', window: '12', budget: '400' })).toMatchObject({
      history: 30,
      minShift: 20
    })
    expect(read({ 'github-token': 't', lookback: '20' }).history).toBe(20)
    expect(read({ 'github-token': 't', lookback: '5' }).history).toBe(10)
    expect(read({ 'github-token': 't', window: '40' }).history).toBe(40)
  })

  it('take a history from the window up to lookback, and any min-shift >= 0', () => {
    const config = read({ 'github-token': 't', history: '50', 'min-shift': '0' })
    expect(config).toMatchObject({ window: 10, history: 50, minShift: 0 })
    expect(read({ 'github-token': 't', 'min-shift': '7.5' }).minShift).toBe(7.5)
    // In MADs of the residuals: no seconds threshold beside it, and the plan carries both.
    const mads = read({ 'github-token': 't', 'min-shift': '2.5MAD' })
    expect([mads.minShift, mads.minShiftMads]).toEqual([0, 2.5])
    expect(checkPlan(mads, 'main').history).toMatchObject({ minShift: 0, minShiftMads: 2.5 })
    expect(read({ 'github-token': 't', 'min-shift': '2 mad' }).minShiftMads).toBe(2)
    expect(read({ 'github-token': 't' }).minShiftMads).toBeUndefined()
  })

  it('keep working when the window is larger than lookback', () => {
    expect(read({ 'github-token': 't', window: '60' }).history).toBe(60)
  })

  it.each([
    ['history', '5', /'history' must be a whole number from 10 to 50, got "5"/],
    ['history', '51', /'history' must be a whole number from 10 to 50/],
    ['history', 'all', /'history' must be a whole number/],
    [
      'min-shift',
      '-1',
      /'min-shift' must be a number of seconds >= 0 or MADs \(2.5mad\), got "-1"/
    ],
    ['min-shift', '5%', /'min-shift' must be a number of seconds >= 0/],
    ['min-shift', '0mad', /'min-shift' in MADs must be over 0 and at most 100, got "0mad"/],
    ['min-shift', '101 mad', /'min-shift' in MADs must be over 0/],
    ['min-shift', 'mad', /'min-shift' must be a number of seconds >= 0 or MADs/]
  ])('rejects %s %j naming the input', (name, value, message) => {
    expect(() => read({ 'github-token': 't', [name]: value })).toThrow(message)
  })
})
