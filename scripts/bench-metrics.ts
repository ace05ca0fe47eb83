/**
 * Part of `npm run bench`: what a check of several metrics costs, for 1, 3 and 10 recorded
 * metrics at window 10, cold (no cache entry) and in the steady state (the previous run's
 * check saved the cache and recorded every metric; that run is the one new run). The fake
 * GitHub answers with 50 ms of latency. Writes bench/metrics.md.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { resolve } from 'node:path'
import { pushRunEnv } from '../__fixtures__/cache-service.js'
import { FakeGitHub, type FakeRun } from '../__fixtures__/github-server.js'
import { makeRuns } from '../__fixtures__/history.js'
import { runAction } from '../__fixtures__/run-action.js'
import { buildZip } from '../__fixtures__/zip.js'

const WINDOW = 10
const HISTORY_RUNS = 30
const COUNTS = (process.env.BENCH_METRICS ?? '1,3,10').split(',').map(Number)

interface Measure {
  api: number
  blobs: number
  cacheCalls: number
  count: string
  verdict: string
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `metric-${i}`)

/** The runs of the history, newest first, each with one artifact holding every metric's file. */
function history(n: number): FakeRun[] {
  return makeRuns(Array.from({ length: HISTORY_RUNS }, () => ({}))).map((run, r) => ({
    ...run,
    artifacts: [
      {
        name: `helm-install-duration-${run.id}`,
        zip: buildZip([
          ...names(n).map((name, i) => ({ name: `${name}.txt`, data: `${100 + i + (r % 7)}\n` })),
          { name: 'metadata.json', data: JSON.stringify({ run_id: run.id, environment: {} }) }
        ])
      }
    ]
  }))
}

/** The metrics input: every metric recorded (this run's value) with a budget. */
const metricsInput = (n: number) =>
  names(n)
    .map(name => `- name: ${name}\n  value: 150\n  budget: 300\n`)
    .join('')

let runId = 30_000

async function measure(
  fake: FakeGitHub,
  n: number,
  id: number,
  runNumber: number
): Promise<Measure> {
  fake.requests.length = 0
  fake.cache.calls.length = 0
  const workspace = mkdtempSync(resolve(tmpdir(), 'bench-m-'))
  const r = await runAction(fake, {
    inputs: {
      window: String(WINDOW),
      history: String(WINDOW),
      summary: 'false',
      record: 'true',
      metrics: metricsInput(n)
    },
    env: {
      ...pushRunEnv(fake, id, runNumber, { workspace }),
      GITHUB_RUN_ATTEMPT: '1'
    }
  })
  if (r.code !== 0) throw new Error(`action failed: ${r.stdout}${r.stderr}`)
  return {
    api: fake.apiCalls().length,
    blobs: fake.requests.filter(q => q.path.startsWith('/blob/')).length,
    cacheCalls: fake.cache.calls.length,
    count: r.outputs.count,
    verdict: r.outputs.verdict
  }
}

/** A run of this workflow still in progress: it is never read back. */
const running = (id: number, runNumber: number): FakeRun => ({
  ...makeRuns([{}], id)[0],
  run_number: runNumber,
  artifacts: [],
  status: 'in_progress',
  conclusion: null
})

async function cold(fake: FakeGitHub, n: number): Promise<Measure> {
  const id = runId++
  fake.runs = [running(id, 1001), ...history(n)]
  fake.cache.reset()
  return measure(fake, n, id, 1001)
}

/** The previous run's check records and saves the cache; it completes; this run checks. */
async function steady(fake: FakeGitHub, n: number): Promise<Measure> {
  const previous = runId++
  const current = runId++
  fake.runs = [running(previous, 1001), ...history(n)]
  fake.cache.reset()
  await measure(fake, n, previous, 1001)
  const done = fake.runs.find(r => r.id === previous)
  if (!done?.artifacts.length) throw new Error('the previous run recorded nothing')
  Object.assign(done, { status: 'completed', conclusion: 'success' })
  fake.runs = [running(current, 1002), ...fake.runs]
  return measure(fake, n, current, 1002)
}

const fake = new FakeGitHub({ latencyMs: Number(process.env.BENCH_LATENCY_MS ?? 50) })
await fake.start()
const rows: string[] = []
try {
  for (const n of COUNTS) {
    for (const [kind, m] of [
      ['cold', await cold(fake, n)],
      ['steady state', await steady(fake, n)]
    ] as const) {
      rows.push(
        `| ${n} | ${kind} | ${m.count} | ${m.verdict} | ${m.api} | ${m.blobs} | ${m.cacheCalls} |`
      )
      console.log(rows.at(-1))
    }
  }
} finally {
  await fake.stop()
}

const report = [
  '# Several metrics: what a check costs',
  '',
  `${new Date().toISOString().slice(0, 10)}; \`npm run bench\` (scripts/bench-metrics.ts). Window ${WINDOW} (history ${WINDOW}), ${HISTORY_RUNS} completed runs, each with one artifact holding every metric's file beside metadata.json; \`record: true\` with every metric's value, the sample cache on, on the default branch. **Cold**: no cache entry. **Steady state**: the previous run's check recorded every metric in its one artifact and saved the cache; that run, completed since, is the one new run.`,
  '',
  '- **API requests** are REST calls: the runs listing, the repository-wide artifact listing, and the 302 of each artifact download. Blob downloads and cache-service calls (the restore: lookup and download; the save: create, upload, finalize) are counted apart; the artifact upload of `record` is in neither.',
  '- The runs listing is read once, and each run\u2019s artifact downloaded at most once, whatever the number of metrics: the steady state does not grow with them.',
  '',
  '| metrics | check | samples (first metric) | verdict | API requests | blob downloads | cache-service calls |',
  '|--:|---|--:|---|--:|--:|--:|',
  ...rows,
  ''
].join('\n')
writeFileSync(resolve('bench', 'metrics.md'), report)
console.log(`\n${report}`)
