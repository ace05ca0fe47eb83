/**
 * `npm run bench`: the bundled action against the sequential approach of the shell script it
 * replaces (`gh run download` in a loop), both on the project's fake GitHub API with 50 ms of
 * latency per request. Counts requests as well as time, since the token's hourly request
 * budget, not the CPU, is what runs out. Prints a Markdown table and writes bench/results.md.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { requestBound } from '../__fixtures__/bound.js'
import { FakeGitHub } from '../__fixtures__/github-server.js'
import { makeRuns, type RunSpec } from '../__fixtures__/history.js'
import { DIST, runAction } from '../__fixtures__/run-action.js'
import { buildZip, zeroBomb } from '../__fixtures__/zip.js'

class Skip extends Error {}

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50)
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5)
const LOOKBACK = 500
const RSS_HOOK = resolve(import.meta.dirname, 'rss-hook.mjs')

/** 500 runs, newest first: of every 5, 3 hold a sample, 1 has no artifact, 1 was cancelled. */
function sparseHistory(): RunSpec[] {
  return Array.from({ length: LOOKBACK }, (_, i) => {
    const value = 120 + ((i * 37) % 90)
    if (i % 5 === 3) return {}
    if (i % 5 === 4) return { value, conclusion: 'cancelled' }
    return { value }
  })
}

interface Measure {
  requests: number
  ms: number
  rssMb?: number
  coldMs?: number
  totalMs?: number
  verdict?: string
  count?: number
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

async function measureAction(fake: FakeGitHub, window: number): Promise<Measure> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'))
  const rssFile = join(dir, 'rss')
  fake.requests.length = 0
  const r = await runAction(fake, {
    inputs: { window: String(window), lookback: String(LOOKBACK), summary: 'false' },
    env: { RSS_FILE: rssFile },
    nodeArgs: ['--import', RSS_HOOK]
  })
  const finished = Date.now()
  if (r.code !== 0 && r.outputs.verdict !== 'breach')
    throw new Error(`action failed: ${r.stdout}${r.stderr}`)
  const first = Math.min(...fake.requests.map(q => q.at))
  const last = Math.max(...fake.requests.map(q => q.doneAt ?? q.at))
  return {
    requests: fake.requests.length,
    ms: last - first,
    coldMs: first - r.startedAt,
    totalMs: finished - r.startedAt,
    rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024,
    verdict: r.outputs.verdict,
    count: Number(r.outputs.count)
  }
}

/** The shell script's way: list, then for each run look up and download its artifact, in turn. */
async function measureSequential(fake: FakeGitHub, window: number): Promise<Measure> {
  fake.requests.length = 0
  const headers = { authorization: `token ${fake.token}` }
  const api = `${fake.url}/repos/${fake.owner}/${fake.repo}/actions`
  const started = Date.now()
  let found = 0
  let seen = 0
  for (let page = 1; found < window && seen < LOOKBACK; page++) {
    const list = await fetch(
      `${api}/workflows/${fake.workflow}/runs?branch=main&status=completed&per_page=100&page=${page}`,
      { headers }
    )
    const { workflow_runs: runs } = (await list.json()) as {
      workflow_runs: { id: number; conclusion: string }[]
    }
    if (runs.length === 0) break
    for (const run of runs) {
      seen++
      if (!['success', 'failure'].includes(run.conclusion)) continue
      const lookup = await fetch(
        `${api}/runs/${run.id}/artifacts?name=helm-install-duration-${run.id}`,
        { headers }
      )
      const { artifacts } = (await lookup.json()) as { artifacts: { id: number }[] }
      if (artifacts.length === 0) continue
      const redirect = await fetch(`${api}/artifacts/${artifacts[0].id}/zip`, {
        headers,
        redirect: 'manual'
      })
      await (await fetch(redirect.headers.get('location') ?? '')).arrayBuffer()
      if (++found >= window) break
    }
  }
  return { requests: fake.requests.length, ms: Date.now() - started }
}

async function repeat(times: number, measure: () => Promise<Measure>): Promise<Measure> {
  const all: Measure[] = []
  for (let i = 0; i < times; i++) all.push(await measure())
  const pick = (f: (m: Measure) => number | undefined) => {
    const xs = all.map(f).filter((x): x is number => x !== undefined)
    return xs.length ? median(xs) : undefined
  }
  return {
    ...all[0],
    ms: pick(m => m.ms) ?? 0,
    coldMs: pick(m => m.coldMs),
    totalMs: pick(m => m.totalMs),
    rssMb: Math.max(...all.map(m => m.rssMb ?? 0)) || undefined
  }
}

const fake = new FakeGitHub({ latencyMs: LATENCY_MS })
await fake.start()
const rows: string[] = []
const fmt = (x: number | undefined, digits = 0) => (x === undefined ? '–' : x.toFixed(digits))
try {
  const sizes = (process.env.BENCH_SIZES ?? '10,50,200').split(',').map(Number)
  for (const window of sizes) {
    fake.runs = makeRuns(sparseHistory())
    const action = await repeat(REPEATS, () => measureAction(fake, window))
    const sequential = await repeat(Math.min(REPEATS, 3), () => measureSequential(fake, window))
    const bound = requestBound(sparseHistory(), window)
    rows.push(
      `| N=${window} | ${action.count} | ${action.requests} (bound ${bound}) | ${sequential.requests} | ${fmt(action.ms)} | ${fmt(sequential.ms)} | ${fmt(sequential.ms / action.ms, 1)}x | ${fmt(action.coldMs)} | ${fmt(action.totalMs)} | ${fmt(action.rssMb, 1)} |`
    )
    console.log(rows.at(-1))
  }
  // The chain's physical depth: every run has a sample, so list -> lookup -> 302 -> blob.
  const full: RunSpec[] = Array.from({ length: 100 }, (_, i) => ({ value: 120 + i }))
  fake.runs = makeRuns(full)
  const dense = await repeat(REPEATS, () => measureAction(fake, 10))
  const denseSequential = await repeat(Math.min(REPEATS, 3), () => measureSequential(fake, 10))
  rows.push(
    `| N=10, every run has a sample | ${dense.count} | ${dense.requests} (bound ${requestBound(full, 10)}) | ${denseSequential.requests} | ${fmt(dense.ms)} | ${fmt(denseSequential.ms)} | ${fmt(denseSequential.ms / dense.ms, 1)}x | ${fmt(dense.coldMs)} | ${fmt(dense.totalMs)} | ${fmt(dense.rssMb, 1)} |`
  )
  console.log(rows.at(-1))
  if (process.env.BENCH_SKIP_BOMB) throw new Skip()
  // A hostile history: the newest run's artifact is a 1 GiB bomb whose listing lies about its size.
  const bomb = await zeroBomb(1 << 30)
  const hostile = makeRuns([
    {
      value: 0,
      artifact: {
        zip: buildZip([{ name: 'install_to_ready_seconds.txt', data: '', raw: bomb }]),
        sizeInBytes: 400
      }
    },
    ...sparseHistory().slice(1)
  ])
  fake.runs = hostile
  const bombRun = await repeat(Math.min(REPEATS, 3), () => measureAction(fake, 10))
  rows.push(
    `| N=10, 1 GiB bomb | ${bombRun.count} | ${bombRun.requests} | – | ${fmt(bombRun.ms)} | – | – | ${fmt(bombRun.coldMs)} | ${fmt(bombRun.totalMs)} | ${fmt(bombRun.rssMb, 1)} |`
  )
  console.log(rows.at(-1))
} catch (error) {
  if (!(error instanceof Skip)) throw error
} finally {
  await fake.stop()
}

const header = [
  '| history | samples | requests: action | requests: sequential | data phase ms: action | data phase ms: sequential | speed-up | cold start ms | action total ms | peak RSS MB |',
  '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|'
]
const node = execFileSync(process.execPath, ['--version']).toString().trim()
const bundleKb = Math.round(statSync(DIST).size / 1024)
const report = [
  `# Benchmark results`,
  '',
  `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${node}, ${LATENCY_MS} ms latency per request, lookback ${LOOKBACK}, median of ${REPEATS} action runs and ${Math.min(REPEATS, 3)} sequential runs; dist/index.js ${bundleKb} KiB.`,
  '',
  'History: 500 completed runs, newest first; of every 5, 3 hold a sample, 1 has no artifact, 1 was cancelled.',
  '"bound" is the lower bound: one list call per 100 runs examined plus, per sample, one lookup, one 302 and one blob.',
  '',
  ...header,
  ...rows,
  ''
].join('\n')
writeFileSync(resolve('bench', 'results.md'), report)
console.log(`\n${report}`)
