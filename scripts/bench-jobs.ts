/**
 * `npm run bench` (after scripts/bench.ts), or `npm run bench:jobs` alone: job timings
 * (`steps`) with no artifact anywhere, on the project's fake GitHub with 50 ms of latency per
 * request. The first check (no cache entry, the default history of 30) must give the right
 * median; the same check warm; and the steady state (the previous run's check saved the cache,
 * that run completed since, this run checks). Writes bench/job-timings.md.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pushRunEnv } from '../__fixtures__/cache-service.js'
import { FakeGitHub, type FakeRun } from '../__fixtures__/github-server.js'
import { timedHistory } from '../__fixtures__/history.js'
import { GATE, RUNNER, SPAN, currentRun, installJob, runningJob } from '../__fixtures__/jobs.js'
import { runAction } from '../__fixtures__/run-action.js'

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50)
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5)
const LOOKBACK = 500
const WINDOW = 10
const LOAD_AT_START = loadavg()[0]
const RSS_HOOK = resolve(import.meta.dirname, 'rss-hook.mjs')

interface Measure {
  count: number
  median: number
  api: number
  jobReads: number
  blobs: number
  firstRequestMs: number
  outputsMs: number
  exitMs: number
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

const fake = new FakeGitHub({ latencyMs: LATENCY_MS })
await fake.start()
let nextId = 30_000

/** This run, in progress on RUNNER, its wait ended before the action's step: 150 s. */
const running = (id: number, runNumber: number): FakeRun => ({
  ...(currentRun([runningJob(installJob(150), GATE)], id) as FakeRun),
  run_number: runNumber
})

/** One check as the runner runs it, this run `id` numbered `runNumber`, on the default branch. */
async function measure(id: number, runNumber: number, history = ''): Promise<Measure> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-jobs-'))
  const outputsAtFile = join(dir, 'outputs-at')
  fake.requests.length = 0
  const r = await runAction(fake, {
    inputs: {
      steps: SPAN,
      window: String(WINDOW),
      lookback: String(LOOKBACK),
      history,
      summary: 'false'
    },
    env: {
      ...pushRunEnv(fake, id, runNumber),
      GITHUB_RUN_ATTEMPT: '1',
      RUNNER_NAME: RUNNER,
      OUTPUTS_AT_FILE: outputsAtFile
    },
    nodeArgs: ['--import', RSS_HOOK]
  })
  const exit = Date.now()
  if (r.code !== 0) throw new Error(`action failed: ${r.stdout}${r.stderr}`)
  const api = fake.apiCalls()
  return {
    count: Number(r.outputs.count),
    median: Number(r.outputs.median),
    api: api.length,
    jobReads: api.filter(c => /\/jobs\?/.test(c)).length,
    blobs: fake.requests.filter(q => q.path.startsWith('/blob/')).length,
    firstRequestMs: Math.min(...fake.requests.map(q => q.at)) - r.startedAt,
    outputsMs: Number(readFileSync(outputsAtFile, 'utf8')) - r.startedAt,
    exitMs: exit - r.startedAt
  }
}

/** The median of each figure over REPEATS checks, each prepared afresh. */
async function repeat(prepare: () => Promise<number[]>, history = ''): Promise<Measure> {
  const all: Measure[] = []
  for (let i = 0; i < REPEATS; i++) {
    const [id, runNumber] = await prepare()
    all.push(await measure(id, runNumber, history))
  }
  const pick = (f: (m: Measure) => number) => median(all.map(f))
  return {
    count: pick(m => m.count),
    median: pick(m => m.median),
    api: pick(m => m.api),
    jobReads: pick(m => m.jobReads),
    blobs: pick(m => m.blobs),
    firstRequestMs: pick(m => m.firstRequestMs),
    outputsMs: pick(m => m.outputsMs),
    exitMs: pick(m => m.exitMs)
  }
}

/** A fresh history of 500 runs, this run on top, and no cache entry. */
function fresh(id: number): void {
  fake.runs = [running(id, 1001), ...timedHistory()]
  fake.cache.reset()
}

/** The median the first check must give: this run's 150 s and the 9 newest counted spans. */
function expectedMedian(): number {
  const counted = timedHistory(WINDOW * 2)
    .filter(run => run.conclusion === 'success')
    .map(run => {
      const [, , install, wait] = run.jobs?.[0].steps ?? []
      return (wait.end ?? 0) - (install.start ?? 0)
    })
  return median([150, ...counted.slice(0, WINDOW - 1)])
}

try {
  const coldId = nextId++
  const cold = await repeat(async () => {
    fresh(coldId)
    return [coldId, 1001]
  })
  const expected = expectedMedian()
  if (cold.median !== expected || cold.count !== WINDOW)
    throw new Error(`first check: median ${cold.median} of ${cold.count}, expected ${expected}`)
  const warm = await repeat(async () => {
    fresh(coldId)
    await measure(coldId, 1001)
    return [coldId, 1001]
  })
  // The previous run's check saved the cache; that run completed since; this one checks.
  const nextRun = async (history = '') => {
    const previous = nextId++
    fresh(previous)
    await measure(previous, 1001, history)
    Object.assign(fake.runs[0], {
      status: 'completed',
      conclusion: 'success',
      created_at: '2026-11-01T01:00:00Z',
      updated_at: '2026-11-01T01:20:00Z',
      jobs: [installJob(150)]
    })
    const id = nextId++
    fake.runs = [running(id, 1002), ...fake.runs]
    return [id, 1002]
  }
  const steady = await repeat(() => nextRun())
  // history 10, as bench.ts measures the artifact path's steady state: less attribution CPU.
  const steadyTen = await repeat(() => nextRun(String(WINDOW)), String(WINDOW))
  if (steady.api > 3) throw new Error(`steady state: ${steady.api} API requests, over 3`)
  const row = (label: string, m: Measure, target: string) =>
    `| ${label} | ${m.count} | ${m.median} | ${m.api} | ${m.jobReads} | ${m.blobs} | ${m.firstRequestMs.toFixed(0)} | ${m.outputsMs.toFixed(0)} | ${m.exitMs.toFixed(0)} | ${target} |`
  const text = [
    '# Benchmark: job timings (`steps`)',
    '',
    `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (load average ${LOAD_AT_START.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end), ${LATENCY_MS} ms latency per request, lookback ${LOOKBACK}, window ${WINDOW}, the default history (30), median of ${REPEATS} action runs; \`steps: ${SPAN}\` (\`npm run bench:jobs\`).`,
    '',
    "History: 500 completed runs with job timings and no artifact anywhere; of every 5, 3 ran the install and the wait, 1 failed the install (its wait skipped: the run is skipped), 1 was cancelled (not counted). This run is in progress, its wait ended before the action's step (150 s). **API requests** are every REST call (the runs listing and the jobs requests); **jobs requests** are the ones to `…/runs/{run_id}/jobs`. Times from process start: the first request, the outputs written, the exit (after the cache save).",
    '',
    '| check | samples | median | API requests | jobs requests | blob downloads | first request ms | outputs written ms | exit ms | target |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|---|',
    row('first check, no cache entry', cold, `median ${expected}; about 1 request per run read`),
    row('warm, nothing new', warm, '–'),
    row('steady state (one new run)', steady, '<= 3 requests, outputs <= 500 ms'),
    row('steady state, history 10 (as bench.ts)', steadyTen, '<= 3 requests'),
    ''
  ].join('\n')
  writeFileSync(resolve('bench', 'job-timings.md'), text)
  console.log(text)
} finally {
  await fake.stop()
}
