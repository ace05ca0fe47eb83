import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { makeRuns } from '../__fixtures__/history.js'
import { useFakeGitHub } from '../__fixtures__/scenario.js'

const REPORT = resolve(import.meta.dirname, '..', 'dist', 'report.js')

interface Result {
  code: number
  stdout: string
  stderr: string
}

/** Runs the bundled operator command with only the environment given. */
function report(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise(done => {
    execFile(
      process.env.E2E_NODE ?? process.execPath,
      [REPORT, ...args],
      // Bounded: a command that blocks (a FIFO) fails its test in seconds.
      { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code) : 0, stdout, stderr })
    )
  })
}

/** A folder as `gh run download -D DIR` leaves it: one sub-folder per run's artifact. */
function downloads(
  values: (number | string | null)[],
  environmentOf: (i: number) => Record<string, string> | undefined = () => undefined
): string {
  const dir = mkdtempSync(join(tmpdir(), 'report-dir-'))
  values.forEach((value, i) => {
    const runId = 5000 - i
    const folder = join(dir, `helm-install-duration-${runId}`)
    mkdirSync(folder)
    writeFileSync(
      join(folder, 'metadata.json'),
      JSON.stringify({
        run_id: runId,
        run_number: 300 - i,
        sha: 'ab'.repeat(20),
        ...(environmentOf(i) ? { environment: environmentOf(i) } : {})
      })
    )
    if (value !== null)
      writeFileSync(
        join(folder, 'install_to_ready_seconds.txt'),
        typeof value === 'number' ? `${value}\n` : value
      )
  })
  return dir
}

const json = (r: Result) => JSON.parse(r.stdout) as Record<string, unknown>

describe('helm-rolling-report --dir (no network)', () => {
  it('takes the middle value of an odd count', async () => {
    const r = await report(['--dir', downloads([140, 100, 300]), '--window', '3'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^✅ pass: median 140 s <= 300 s budget over 3 runs/)
    expect(r.stdout).toMatch(/#300 +5000 +ababab/)
  })

  it('averages the two middle values of an even count', async () => {
    const r = await report(['--dir', downloads([100, 140, 151, 200]), '--window', '4', '--json'])
    expect(json(r)).toMatchObject({ verdict: 'pass', median: 145.5, count: 4, budget: 300 })
  })

  it('prints the action outputs as JSON with --json', async () => {
    const r = await report([
      '--dir',
      downloads([120, 130, 140, 150, 160, 170]),
      '--window',
      '6',
      '--json'
    ])
    expect(Object.keys(json(r)).sort()).toEqual([
      'budget',
      'change-environment',
      'change-method',
      'change-p',
      'change-run-id',
      'change-sha',
      'change-shift',
      'ci-high',
      'ci-low',
      'conclusive',
      'count',
      'environment-varies',
      'mad',
      'median',
      'samples',
      'skipped',
      'verdict'
    ])
    expect((json(r).samples as { run_id: number }[]).map(s => s.run_id)).toEqual([
      5000, 4999, 4998, 4997, 4996, 4995
    ])
  })

  it('reads each folder metadata.json for the environment, and --match judges like for like', async () => {
    // Newest first: 4 runs on image 20261122.1 near 200 s, then 6 on 20261115.1 near 100 s.
    const values = [201, 199, 202, 198, 101, 99, 100, 102, 98, 100]
    const image = (i: number) => ({
      'runner-os': 'Linux',
      'image-version': i < 4 ? '20261122.1' : '20261115.1'
    })
    const dir = downloads(values, image)
    const pooled = json(await report(['--dir', dir, '--window', '10', '--json']))
    expect(pooled).toMatchObject({ count: 10, 'environment-varies': ['image-version'] })
    expect((pooled.samples as { environment: unknown }[])[0].environment).toEqual({
      'image-version': '20261122.1'
    })
    const text = await report(['--dir', dir, '--window', '10'])
    expect(text.stdout).toContain(
      'The window spans two runner images: 20261115.1 (6 runs), 20261122.1 (4 runs)'
    )
    const r = await report(['--dir', dir, '--window', '4', '--match', 'image-version', '--json'])
    expect(json(r)).toMatchObject({ count: 4, median: 200, 'environment-varies': [] })
    const few = await report(['--dir', dir, '--window', '10', '--match', 'image-version'])
    expect(few.stdout).toMatch(/^⚠️ insufficient: need >= 10 runs, have 4/)
    expect(few.stdout).toContain(
      'Like for like on image-version=20261122.1: 4 of 10 samples read match; 6 from other environments left out. Too few to judge (--min-runs 10); 10 without --match'
    )
  })

  it('skips garbage, missing files and symlinks with reasons, and reads the next runs', async () => {
    const dir = downloads(['abc\n', null, 'x', 110, 120, 130])
    const linked = join(dir, 'helm-install-duration-4998', 'install_to_ready_seconds.txt')
    writeFileSync(join(dir, 'secret'), '1\n')
    unlinkSync(linked)
    symlinkSync(join(dir, 'secret'), linked)
    const r = await report(['--dir', dir, '--window', '3', '--json'])
    expect(json(r)).toMatchObject({ count: 3, median: 120 })
    expect(json(r).skipped).toEqual([
      {
        run_id: 5000,
        reason: 'install_to_ready_seconds.txt: content is not one non-negative number'
      },
      { run_id: 4999, reason: 'no install_to_ready_seconds.txt in the folder' },
      { run_id: 4998, reason: 'install_to_ready_seconds.txt is a symbolic link' }
    ])
  })

  it('skips a run whose sample or metadata.json is a FIFO, naming it, instead of blocking', async () => {
    const dir = downloads([100, 110, 120, 130])
    const sample = join(dir, 'helm-install-duration-5000', 'install_to_ready_seconds.txt')
    unlinkSync(sample)
    execFileSync('mkfifo', [sample])
    const meta = join(dir, 'helm-install-duration-4999', 'metadata.json')
    unlinkSync(meta)
    execFileSync('mkfifo', [meta])
    const r = await report(['--dir', dir, '--window', '3', '--json'])
    expect(r.code).toBe(0)
    expect(json(r)).toMatchObject({ count: 3, median: 120 })
    expect(json(r).skipped).toEqual([
      { run_id: 5000, reason: 'install_to_ready_seconds.txt is not a regular file: a FIFO' }
    ])
  })

  it('exits 1 on a breach and 0 on insufficient', async () => {
    expect((await report(['--dir', downloads([400, 500, 301]), '--window', '3'])).code).toBe(1)
    const few = await report(['--dir', downloads([400, 500]), '--window', '3'])
    expect(few.code).toBe(0)
    expect(few.stdout).toContain('insufficient: need >= 3 runs, have 2')
  })

  it('honours --budget', async () => {
    expect(
      (await report(['--dir', downloads([100, 120, 140]), '--window', '3', '--budget', '110'])).code
    ).toBe(1)
  })

  it('takes the window from N, and --window over N', async () => {
    const dir = downloads(Array.from({ length: 25 }, (_, i) => 100 + i))
    expect(json(await report(['--dir', dir, '--json'], { N: '20' })).count).toBe(20)
    expect(json(await report(['--dir', dir, '--json'])).count).toBe(10)
    expect(json(await report(['--dir', dir, '--json', '--window', '5'], { N: '20' })).count).toBe(5)
  })

  it('shows a run number only when metadata.json gives one, and no made-up conclusion', async () => {
    const dir = downloads([100, 110, 120])
    unlinkSync(join(dir, 'helm-install-duration-4999', 'metadata.json'))
    const r = await report(['--dir', dir, '--window', '3', '--json'])
    expect((json(r).samples as { run_number: number | null }[]).map(s => s.run_number)).toEqual([
      300,
      null,
      298
    ])
    const text = (await report(['--dir', dir, '--window', '3'])).stdout
    expect(text).not.toMatch(/#0\b/)
    expect(text).not.toContain('downloaded')
    expect(text).toMatch(/\n {6}4999 {4}- /)
  })

  it('reads the folders --artifact-name names, the --file in them, at most --lookback', async () => {
    const dir = downloads([100, 110, 120])
    for (const [id, value] of [
      [7002, 300],
      [7001, 310],
      [7000, 320]
    ]) {
      mkdirSync(join(dir, `timing-${id}`))
      writeFileSync(join(dir, `timing-${id}`, 'seconds.txt'), `${value}\n`)
    }
    const own = json(await report(['--dir', dir, '--window', '3', '--json']))
    expect(own).toMatchObject({ median: 110, count: 3 })
    const other = json(
      await report([
        '--dir',
        dir,
        '--window',
        '3',
        '--artifact-name',
        'timing-{run_id}',
        '--file',
        'seconds.txt',
        '--json'
      ])
    )
    expect(other).toMatchObject({ median: 310, count: 3 })
    expect((other.samples as { run_id: number }[]).map(s => s.run_id)).toEqual([7002, 7001, 7000])
    const short = json(
      await report(['--dir', dir, '--window', '3', '--min-runs', '2', '--lookback', '2', '--json'])
    )
    expect(short).toMatchObject({ verdict: 'pass', count: 2, median: 105 })
  })

  it('--backtest: the strip, counts, flips and the slow-down a hand count gives; exit as the newest', async () => {
    // Oldest first: 12 runs near 100 s, then 8 near 200 s from the 13th; newest first below.
    const oldestFirst = Array.from({ length: 20 }, (_, i) => (i < 12 ? 100 : 200) + (i % 3))
    const dir = downloads([...oldestFirst].reverse())
    const args = ['--dir', dir, '--window', '5', '--budget', '150', '--history', '12']
    const r = await report([...args, '--backtest'])
    expect(r.code).toBe(1)
    // Positions: runs #285 to #300 (16 with a full window of 5); a window breaches from its
    // third slow run, #295 (the step is at #293).
    expect(r.stdout).toContain('16 positions from 20 samples read · window 5')
    expect(r.stdout).toMatch(/\n {2}#285 +ppppppppppBBBBBB\n/)
    expect(r.stdout).toContain(
      '10 pass, 6 breach, 0 insufficient, 0 inconclusive; the failed-or-not status flipped 1 time'
    )
    expect(r.stdout).toMatch(
      /Slower since #293 \(abababa\): \+(99|100|101) s; reported at \d+ of 16 positions/
    )
    expect(r.stdout).toContain('the gate first failed at the 3rd slow run')
    expect(r.stdout).toContain('not fresh trials')
    expect(r.stdout).toContain('Consecutive positions share all but one run')
    expect(r.stdout).toMatch(/150 s +rubric +10 +6 +0 +0 +1 +<- given/)
    expect(r.stdout).toMatch(/Newest position: ❌ breach: median 20\d s > 150 s/)

    const data = json(await report([...args, '--backtest', '--positions', '4', '--json']))
    const plain = json(await report([...args, '--json']))
    const { backtest, ...outputs } = data as { backtest: Record<string, unknown> }
    expect(outputs).toEqual(plain)
    expect(backtest).toMatchObject({
      positions: 4,
      asked: 4,
      strip: 'BBBB',
      counts: { pass: 0, breach: 4, insufficient: 0, inconclusive: 0 },
      flips: 0,
      newest: 'breach',
      settings: { window: 5, 'min-runs': 5, budget: 150, decide: 'rubric', history: 12 }
    })
    expect((backtest.verdicts as { run_number: number }[]).map(v => v.run_number)).toEqual([
      297, 298, 299, 300
    ])
    expect((backtest.variants as unknown[]).length).toBe(10)
  })

  it.each([
    [
      'a missing --dir',
      ['--dir', '/nonexistent/helm-rolling'],
      /--dir \/nonexistent\/helm-rolling does not exist/
    ],
    ['an empty --dir', ['--dir', mkdtempSync(join(tmpdir(), 'empty-'))], /holds no run folders/],
    ['an unknown flag', ['--bogus'], /Unknown option '--bogus'/],
    ['a bad --window', ['--dir', '.', '--window', '0'], /--window must be a whole number from 1/],
    ['a bad --budget', ['--dir', '.', '--budget', 'abc'], /--budget must be a positive number/],
    ['a bad --window offline', ['--window', '0'], /--window must be a whole number from 1/],
    ['a bad --repo offline', ['--repo', 'nope'], /--repo must be owner\/name/],
    ['--branch with --dir', ['--dir', '.', '--branch', 'main'], /--branch does not apply to --dir/],
    ['--positions without --backtest', ['--dir', '.', '--positions', '3'], /--positions needs/],
    ['a bad --positions', ['--dir', '.', '--backtest', '--positions', '0'], /--positions must be/],
    ['a bad --min-runs', ['--dir', '.', '--window', '5', '--min-runs', '6'], /--min-runs must be/],
    ['a bad --lookback', ['--dir', '.', '--lookback', 'x'], /--lookback must be/],
    ['a bad --history', ['--dir', '.', '--history', '0'], /--history must be/],
    ['a bad --min-shift', ['--dir', '.', '--min-shift', 'big'], /--min-shift must be/],
    ['a bad --file', ['--dir', '.', '--file', '../x'], /--file must be a relative path/],
    ['a bad --artifact-name', ['--dir', '.', '--artifact-name', 'a/b'], /--artifact-name holds/]
  ])('exits 2 with a usage line on %s', async (_label, args, message) => {
    const r = await report(args)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).toMatch(/^usage: helm-rolling-report \[--repo OWNER\/NAME\]/m)
  })
})

describe('helm-rolling-report against the API', () => {
  const { fake } = useFakeGitHub()

  it('says it is offline, and how to give a token, with no token and no --dir', async () => {
    const r = await report([])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/offline/)
    expect(r.stdout).toMatch(/GH_TOKEN=\$\(gh auth token\)/)
  })

  it('prints --help and exits 0', async () => {
    const r = await report(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^usage: helm-rolling-report/)
    expect(r.stdout).toMatch(
      /Exit status: 0 pass, insufficient or inconclusive, 1 breach, 2 bad usage/
    )
    expect(r.stdout).toMatch(/3 the check could not run/)
  })

  it.each(['GH_TOKEN', 'GITHUB_TOKEN'])('reads the runs with a token from %s', async variable => {
    fake.runs = makeRuns([150, { value: 999, conclusion: 'cancelled' }, 140, 130, 120])
    // This test's requests only, whatever ran before it (--randomize).
    fake.requests.length = 0
    const r = await report(['--repo', 'tracecore/tracecore', '--window', '4', '--json'], {
      [variable]: fake.token,
      GITHUB_API_URL: fake.url
    })
    expect(r.code).toBe(0)
    expect(json(r)).toMatchObject({ verdict: 'pass', median: 135, count: 4 })
    expect(json(r).skipped).toEqual([
      { run_id: 8999, reason: 'conclusion cancelled is not counted' }
    ])
    // No --branch: the repository's default branch, read from the API.
    expect(fake.requests[0].path).toBe('/repos/tracecore/tracecore')
  })

  it('names how to give --repo when it is missing', async () => {
    const r = await report(['--json'], { GH_TOKEN: fake.token, GITHUB_API_URL: fake.url })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('give --repo OWNER/NAME (or set GITHUB_REPOSITORY)')
  })

  it('--backtest costs the requests of one check with a history of the same depth', async () => {
    const oldestFirst = Array.from({ length: 24 }, (_, i) => (i < 14 ? 100 : 200) + (i % 4))
    fake.runs = makeRuns([...oldestFirst].reverse())
    const env = { GH_TOKEN: fake.token, GITHUB_API_URL: fake.url }
    const base = ['--repo', 'tracecore/tracecore', '--window', '5', '--budget', '150', '--json']
    fake.requests.length = 0
    // 12 positions of window 5 read 16 samples; the check itself attributes over 10.
    const replayed = json(
      await report([...base, '--history', '10', '--backtest', '--positions', '12'], env)
    )
    const replayCalls = fake.apiCalls()
    fake.requests.length = 0
    const plain = json(await report([...base, '--history', '16'], env))
    const plainCalls = fake.apiCalls()
    expect(replayCalls.length).toBe(plainCalls.length)
    expect(replayCalls.sort()).toEqual(plainCalls.sort())
    const backtest = replayed.backtest as { read: number; strip: string; newest: string }
    expect(backtest.read).toBe(16)
    // Positions: runs 8989 to 9000. The step is at run 8991 (the 15th oldest); a window of 5
    // breaches from its third slow run, 8993.
    expect(backtest.strip).toBe('ppppBBBBBBBB')
    expect(backtest.newest).toBe(replayed.verdict)
    const outputs = { ...replayed }
    delete outputs.backtest
    const alone = json(await report([...base, '--history', '10'], env))
    expect(outputs).toEqual(alone)
    expect(plain.verdict).toBe(alone.verdict)
  })

  it('passes --workflow and --branch to the listing', async () => {
    fake.runs = makeRuns([{ value: 100, branch: 'release' }, 200])
    fake.requests.length = 0
    const r = await report(
      [
        '--repo',
        'tracecore/tracecore',
        '--workflow',
        '4242',
        '--branch',
        'release',
        '--window',
        '1',
        '--json'
      ],
      {
        GH_TOKEN: fake.token,
        GITHUB_API_URL: fake.url
      }
    )
    expect(json(r)).toMatchObject({ median: 100, count: 1 })
    expect(fake.requests.find(q => q.path.includes('/workflows/'))?.path).toMatch(
      /^\/repos\/tracecore\/tracecore\/actions\/workflows\/4242\/runs\?.*branch=release/
    )
  })

  // Exit 1 means breach: a check that could not run must not say it, nor say nothing.
  const api = (extra: Record<string, string> = {}) => ({
    GH_TOKEN: fake.token,
    GITHUB_API_URL: fake.url,
    HELM_ROLLING_RETRY_UNIT_MS: '10',
    ...extra
  })
  it.each<[string, string[], Record<string, string>, RegExp]>([
    ['a refused token (401)', ['--branch', 'main'], { GH_TOKEN: 'wrong' }, /token was refused/],
    ['a mistyped --workflow (404)', ['--workflow', 'chrat.yml'], {}, /404|not found/i],
    ['a forbidden token (403)', ['--branch', 'main'], { FAULT: '403' }, /403|forbidden|refused/i],
    ['no network', ['--branch', 'main'], { GITHUB_API_URL: 'http://127.0.0.1:9' }, /./]
  ])('exits 3, the reason on stderr and nothing on stdout, on %s', async (_l, args, env, why) => {
    fake.runs = makeRuns([100, 120, 140])
    fake.faults =
      env.FAULT === '403'
        ? [{ path: /./, times: 99, status: 403, body: { message: 'Resource not accessible' } }]
        : []
    const r = await report(['--repo', 'tracecore/tracecore', '--json', ...args], api(env))
    fake.faults = []
    expect(r.code).toBe(3)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^helm-rolling-report: could not check: /m)
    expect(r.stderr).toMatch(why)
  })
})
