import { describe, expect, it } from '@jest/globals'
import { JobBook, parseJobBook } from '../src/core/history/job-book.js'
import {
  currentSpan,
  matchesName,
  parseSteps,
  spanIdentity,
  spanSeconds,
  type JobTiming,
  type StepTiming
} from '../src/core/history/job-span.js'
import { gateId } from '../src/core/notify/tracking.js'

const step = (
  name: string,
  number: number,
  start: number | null,
  end: number | null
): StepTiming => ({
  name,
  number,
  status: 'completed',
  conclusion: 'success',
  startedAt: start === null ? null : start * 1000,
  completedAt: end === null ? null : end * 1000
})

const job = (steps: StepTiming[]): JobTiming => ({
  id: 1,
  name: 'install',
  status: 'completed',
  conclusion: 'success',
  startedAt: 0,
  completedAt: 100_000,
  labels: ['ubuntu-latest'],
  runnerName: 'r',
  runnerGroup: 'g',
  steps
})

describe('the steps input', () => {
  it('reads NAME, FIRST .. LAST, and keeps `..` without spaces as part of a name', () => {
    expect(parseSteps('Wait')).toEqual({ value: { text: 'Wait', first: 'Wait', last: 'Wait' } })
    expect(parseSteps(' A .. B ')).toEqual({ value: { text: 'A .. B', first: 'A', last: 'B' } })
    expect(parseSteps('a..b')).toEqual({ value: { text: 'a..b', first: 'a..b', last: 'a..b' } })
  })

  it.each(['A ..', '.. B', 'A .. B .. C', '..'])('refuses %j', text => {
    expect('reason' in parseSteps(text)).toBe(true)
  })
})

describe('names', () => {
  it('compare case-sensitively, with * for any text, ` / ` included, and exactly when resolved', () => {
    expect(matchesName('install', 'Install')).toBe(false)
    expect(matchesName('deploy / *', 'deploy / install (1.29)')).toBe(true)
    expect(matchesName('in*ll', 'install')).toBe(true)
    expect(matchesName('a.c', 'abc')).toBe(false)
    expect(matchesName('leg (*)', 'leg (*)', true)).toBe(true)
    expect(matchesName('leg (*)', 'leg (x)', true)).toBe(false)
  })
})

describe('spans', () => {
  const steps = [step('Set up', 1, 0, 5), step('Install', 2, 10, 40), step('Wait', 3, 40, 130)]

  it('run from the first step start to the last step end, in whole seconds', () => {
    expect(
      spanSeconds(job(steps), { text: 'Install .. Wait', first: 'Install', last: 'Wait' })
    ).toEqual({
      value: 120
    })
    expect(spanSeconds(job(steps))).toEqual({ value: 100 })
  })

  it('refuse a span over a year, as a recorded sample is refused (a garbled or poisoned date)', () => {
    const year = 31_536_000
    const long = [step('Install', 2, 0, 10), step('Wait', 3, 10, year + 1)]
    const span = { text: 'Install .. Wait', first: 'Install', last: 'Wait' }
    expect(spanSeconds(job(long), span)).toEqual({
      reason: 'over the 31536000-second (one year) maximum'
    })
    const justUnder = [step('Install', 2, 0, 10), step('Wait', 3, 10, year)]
    expect(spanSeconds(job(justUnder), span)).toEqual({ value: year })
  })

  it('refuse a step with equal times when it was skipped, and one with none', () => {
    const skipped = { ...steps[2], conclusion: 'skipped', completedAt: steps[2].startedAt }
    const span = { text: 'Wait', first: 'Wait', last: 'Wait' }
    expect(spanSeconds(job([steps[0], steps[1], skipped]), span)).toEqual({
      reason: 'step "Wait" was skipped'
    })
    const untimed = { ...steps[2], completedAt: null }
    expect(spanSeconds(job([steps[0], steps[1], untimed]), span)).toEqual({
      reason: 'step "Wait" has no times'
    })
  })

  it('reads this run again only while the last step shows running', () => {
    const running = { ...steps[2], status: 'in_progress', conclusion: null, completedAt: null }
    const spec = {
      job: { text: 'install', exact: false },
      steps: { text: 'Wait', first: 'Wait', last: 'Wait' }
    }
    expect(currentSpan([job([steps[0], steps[1], running])], spec)).toMatchObject({ again: true })
    const queued = { ...running, status: 'queued', startedAt: null }
    expect(currentSpan([job([steps[0], steps[1], queued])], spec)).not.toHaveProperty('again')
  })
})

describe('the gate and the cache name the span', () => {
  it('gives two legs two gates, and a gate without a span the id it always had', () => {
    const base = { workflow: 'chart.yml', artifactName: 'a-{run_id}', match: [] }
    const leg = (name: string) => spanIdentity({ job: { text: name, exact: true } })
    expect(gateId({ ...base, span: leg('install (a)') })).not.toBe(
      gateId({ ...base, span: leg('install (b)') })
    )
    expect(gateId(base)).toBe(gateId({ ...base, span: undefined }))
  })

  it('keeps outcomes by run id and attempt, and restores only a file that is whole and its own', () => {
    const book = new JobBook()
    book.learn(7, 1, { value: 12, environment: { 'runner-labels': 'x' } })
    book.learn(6, 2, { reason: 'no step named "Wait" in job "install"' })
    const text = book.serialize('scope', 50)
    const parsed = parseJobBook(text, 'scope')
    if ('reason' in parsed) throw new Error(parsed.reason)
    const restored = new JobBook(parsed.value)
    expect(restored.lookup(7, 1)).toEqual({
      run_id: 7,
      attempt: 1,
      value: 12,
      environment: { 'runner-labels': 'x' }
    })
    expect(restored.lookup(7, 2)).toBeUndefined()
    expect(restored.lookup(6, 2)).toEqual({ reason: 'no step named "Wait" in job "install"' })
    expect(parseJobBook(text, 'another')).toEqual({
      reason: 'saved for another repository, workflow, job or span'
    })
    expect(parseJobBook(text.replace('"value":12', '"value":-1'), 'scope')).toEqual({
      reason: 'entry 0 is not a valid sample'
    })
  })
})
