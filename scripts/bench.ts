/**
 * `npm run bench`: what a check costs against the token's 1,000 requests an hour, cold (no
 * cache entry), warm (nothing new since the last check) and warm with one new run, on the
 * project's fake GitHub with 50 ms of latency per request. Counts REST API requests, blob
 * downloads and cache-service calls apart, measures round trips to the verdict, and keeps the
 * sequential baseline (the shell script's `gh` loop: a lookup per run). Writes
 * bench/results.md.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { requestBound } from '../__fixtures__/bound.js'
import { pushRunEnv } from '../__fixtures__/cache-service.js'
import { FakeGitHub } from '../__fixtures__/github-server.js'
import type { FakeRun } from '../__fixtures__/github-server.js'
import { busyHistory, makeRuns, withNewRun } from '../__fixtures__/history.js'
import { DIST, runAction } from '../__fixtures__/run-action.js'
import { buildZip, zeroBomb } from '../__fixtures__/zip.js'
import { callKind, floorMs, floorRoundTrips, timelineRows, type Call } from './steady-timeline.js'

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50)
/** Times depend on what else the machine runs: the load is part of the figures. */
const LOAD_AT_START = loadavg()[0]
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5)
const LOOKBACK = 500
const RSS_HOOK = resolve(import.meta.dirname, 'rss-hook.mjs')
const FIXED_NAME = 'helm-install-duration'

interface Measure {
  api: number
  blobs: number
  cacheCalls: number
  /** From the first request to the last one before the verdict (the save comes after). */
  dataMs: number
  roundTrips: number
  coldMs?: number
  totalMs?: number
  rssMb?: number
  loadMs?: number
  count?: number
  /** Requests that wrote (issues, comments, labels), from the usage line. */
  writes?: number
  /** Every request the check made: API, blobs, cache service, artifact upload service. */
  allCalls?: number
  /** Process start to the last output written (the verdict known). */
  verdictMs?: number
  /** The first request after process start. */
  firstRequestMs?: number
  /** Every request, in ms from process start: the steady state's timeline and floor. */
  log?: Call[]
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

let runId = 20_000
const SAVE_CALLS = /CacheService\/(CreateCacheEntry|FinalizeCacheEntryUpload)|^\/cacheblob\/.*sp=cw/

async function measureAction(
  fake: FakeGitHub,
  window: number,
  inputs: Record<string, string> = {},
  id = runId++,
  runNumber?: number,
  dist?: string
): Promise<Measure> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'))
  const rssFile = join(dir, 'rss')
  const outputsAtFile = join(dir, 'outputs-at')
  fake.requests.length = 0
  fake.cache.calls.length = 0
  const r = await runAction(fake, {
    // history = window unless a scenario says otherwise: the cost targets are per window.
    inputs: {
      window: String(window),
      history: String(window),
      lookback: String(LOOKBACK),
      summary: 'false',
      ...inputs
    },
    env: {
      ...pushRunEnv(fake, id, runNumber),
      GITHUB_RUN_ATTEMPT: '1',
      RSS_FILE: rssFile,
      OUTPUTS_AT_FILE: outputsAtFile
    },
    nodeArgs: [
      '--import',
      RSS_HOOK,
      ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
    ],
    dist
  })
  const finished = Date.now()
  if (r.code !== 0 && r.outputs.verdict !== 'breach')
    throw new Error(`action failed: ${r.stdout}${r.stderr}`)
  if (process.env.BENCH_DEBUG) console.log(r.stdout.replace(/^::debug::.*\n/gm, ''))
  const toVerdict = fake.requests.filter(q => !SAVE_CALLS.test(q.path))
  const first = Math.min(...toVerdict.map(q => q.at))
  const last = Math.max(...toVerdict.map(q => q.doneAt ?? q.at))
  const loaded = /Sample cache: client loaded in (\d+) ms/.exec(r.stdout)
  const outputsAt = Number(readFileSync(outputsAtFile, 'utf8'))
  return {
    api: fake.apiCalls().length,
    blobs: fake.requests.filter(q => q.path.startsWith('/blob/')).length,
    cacheCalls: fake.cache.calls.length,
    dataMs: last - first,
    roundTrips: (last - first) / fake.latencyMs,
    coldMs: first - r.startedAt,
    totalMs: finished - r.startedAt,
    rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024,
    loadMs: loaded ? Number(loaded[1]) : undefined,
    count: Number(r.outputs.count),
    writes: Number(/GitHub API: \d+ requests? \((\d+) writes?\)/.exec(r.stdout)?.[1] ?? 0),
    allCalls: fake.requests.length,
    verdictMs: outputsAt - r.startedAt,
    firstRequestMs: Math.min(...fake.requests.map(q => q.at)) - r.startedAt,
    log: fake.requests.map(q => ({
      kind: callKind(q.method, q.path),
      at: q.at - r.startedAt,
      doneAt: (q.doneAt ?? q.at) - r.startedAt
    }))
  }
}

/**
 * The check users live in: `record: true` with this run's value, on the default branch, the
 * sample cache saved by the previous run's check, and that previous run (completed since,
 * with the sample it recorded) the one new run. Returns the measured check.
 */
async function steadyState(window: number, dist?: string): Promise<Measure> {
  const inputs = { record: 'true', value: '150' }
  // Run numbers follow the history's newest (1000): the previous run is 1001, this one 1002.
  const running = (id: number, runNumber: number): FakeRun => ({
    ...makeRuns([{}], id)[0],
    run_number: runNumber,
    artifacts: [],
    status: 'in_progress',
    conclusion: null
  })
  const previous = runId++
  const current = runId++
  fake.runs = [running(previous, 1001), ...busyHistory()]
  fake.cache.reset()
  // The previous run's check: it records its sample and saves the cache entry.
  await measureAction(fake, window, inputs, previous, 1001, dist)
  const done = fake.runs.find(r => r.id === previous)
  if (!done?.artifacts.length) throw new Error('the previous run recorded no sample')
  Object.assign(done, {
    status: 'completed',
    conclusion: 'success',
    created_at: '2026-11-01T01:00:00Z',
    updated_at: '2026-11-01T01:20:00Z'
  })
  fake.runs = [running(current, 1002), ...fake.runs]
  const m = await measureAction(fake, window, inputs, current, 1002, dist)
  if (process.env.BENCH_DEBUG)
    console.log(
      (m.log ?? []).map(c => `${c.kind} ${c.at.toFixed(0)}–${c.doneAt.toFixed(0)}`).join('\n')
    )
  return m
}

/** The shell script's way: list, then for each run look up and download its artifact, in turn. */
async function measureSequential(
  fake: FakeGitHub,
  window: number,
  name?: string
): Promise<Measure> {
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
        `${api}/runs/${run.id}/artifacts?name=${name ?? `helm-install-duration-${run.id}`}`,
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
  const dataMs = Date.now() - started
  return {
    api: fake.apiCalls().length,
    blobs: fake.requests.filter(q => q.path.startsWith('/blob/')).length,
    cacheCalls: 0,
    dataMs,
    roundTrips: dataMs / fake.latencyMs
  }
}

async function repeat(
  times: number,
  prepare: () => Promise<void> | void,
  measure: () => Promise<Measure>
): Promise<Measure> {
  const all: Measure[] = []
  for (let i = 0; i < times; i++) {
    await prepare()
    all.push(await measure())
  }
  return summarize(all)
}

/** Medians of every timing (the peak RSS is the largest); counts from the first run. */
function summarize(all: Measure[]): Measure {
  const pick = (f: (m: Measure) => number | undefined) => {
    const xs = all.map(f).filter((x): x is number => x !== undefined)
    return xs.length ? median(xs) : undefined
  }
  return {
    ...all[0],
    dataMs: pick(m => m.dataMs) ?? 0,
    roundTrips: pick(m => m.roundTrips) ?? 0,
    coldMs: pick(m => m.coldMs),
    totalMs: pick(m => m.totalMs),
    loadMs: pick(m => m.loadMs),
    rssMb: Math.max(...all.map(m => m.rssMb ?? 0)) || undefined,
    allCalls: pick(m => m.allCalls),
    verdictMs: pick(m => m.verdictMs),
    firstRequestMs: pick(m => m.firstRequestMs)
  }
}

// The workflow's GITHUB_TOKEN is an installation token (prefix ghs_): the tracking issue's
// rows then cost what they cost on a runner (no GET /user to tell its own issue apart).
const fake = new FakeGitHub({ latencyMs: LATENCY_MS, token: 'ghs_bench' })
await fake.start()
/** Round trips are counted at a latency where the CPU's few tens of ms no longer blur them. */
const RT_LATENCY_MS = Number(process.env.BENCH_RT_LATENCY_MS ?? 400)
const slow = new FakeGitHub({ latencyMs: RT_LATENCY_MS })
await slow.start()
const depthRows: string[] = []
const steadyRows: string[] = []
const rows: string[] = []
const writes = (m: Measure) => `${m.writes} write${m.writes === 1 ? '' : 's'}`
const fmt = (x: number | undefined, digits = 0) => (x === undefined ? '–' : x.toFixed(digits))

/** Targets from the cost issue, by window: cold, warm, warm with one new run. */
const TARGETS: Record<number, [number, number, number]> = { 10: [13, 3, 4], 200: [210, 10, 11] }

function row(label: string, kind: string, m: Measure, target?: number, sequential?: Measure) {
  const perHour = Math.floor(1000 / m.api)
  const met =
    target === undefined ? '' : m.api <= target ? ` (<= ${target} ✓)` : ` (<= ${target} ✗)`
  const speedUp = sequential ? `${fmt(sequential.dataMs / m.dataMs, 1)}x` : '–'
  rows.push(
    `| ${label} | ${kind} | ${m.count ?? '–'} | ${m.api}${met} | ${m.blobs} | ${m.cacheCalls} | ${perHour} | ${fmt(m.roundTrips, 1)} | ${fmt(m.dataMs)} | ${sequential ? `${sequential.api} / ${fmt(sequential.dataMs)}` : '–'} | ${speedUp} | ${fmt(m.loadMs)} | ${fmt(m.coldMs)} | ${fmt(m.totalMs)} | ${fmt(m.rssMb, 1)} |`
  )
  console.log(rows.at(-1))
}

async function scenario(
  label: string,
  window: number,
  name?: string,
  history?: number
): Promise<void> {
  const inputs: Record<string, string> = name ? { 'artifact-name': name } : {}
  // '' is the input's default: max(window, min(30, lookback)).
  if (history !== undefined) inputs.history = ''
  const fresh = () => {
    fake.runs = busyHistory(name)
    fake.cache.reset()
  }
  const cold = await repeat(REPEATS, fresh, () => measureAction(fake, window, inputs))
  fresh()
  const sequential = await repeat(
    Math.min(REPEATS, 3),
    () => undefined,
    () => measureSequential(fake, history ?? window, name)
  )
  const bound = requestBound(fake, { window: history ?? window, lookback: LOOKBACK, name })
  if (cold.api !== bound.api)
    throw new Error(`${label}: cold check made ${cold.api}, bound ${bound.api}`)
  const targets = name || history ? undefined : TARGETS[window]
  row(label, 'cold', cold, targets?.[0], sequential)
  // Warm: the entry the cold check saved, and nothing new since.
  const warm = await repeat(
    REPEATS,
    async () => {
      fresh()
      await measureAction(fake, window, inputs)
    },
    () => measureAction(fake, window, inputs)
  )
  row(label, 'warm, nothing new', warm, targets?.[1])
  const warmPlusOne = await repeat(
    REPEATS,
    async () => {
      fresh()
      await measureAction(fake, window, inputs)
      fake.runs = withNewRun(fake.runs, name)
    },
    () => measureAction(fake, window, inputs)
  )
  row(label, 'warm, one new run', warmPlusOne, targets?.[2])
}

/** The steady state's rows, its timelines (a check of median exit per build) and its figures. */
const steadyTimelines: string[] = []
let steadyAlternations = 0
let steadyLoad = ''
const bareStarts: number[] = []

/** Node's own start and exit (`node -e 0`), the part of the first request no bundle can cut. */
function bareStartMs(): number {
  const started = performance.now()
  execFileSync(process.env.E2E_NODE ?? process.execPath, ['-e', '0'])
  return performance.now() - started
}

/**
 * BENCH_BEFORE_DIST: another build's dist/index.js, measured alternately with this one on the
 * same fake (before, after, before, ...), so that the machine's load falls on both alike.
 */
async function steadyStates(): Promise<void> {
  const builds: [string, string | undefined][] = process.env.BENCH_BEFORE_DIST
    ? [
        ['before', process.env.BENCH_BEFORE_DIST],
        ['after', undefined]
      ]
    : [['', undefined]]
  const loadBefore = loadavg()
  for (const window of (process.env.BENCH_STEADY ?? '10,50').split(',').map(Number)) {
    const measured = builds.map((): Measure[] => [])
    for (let i = 0; i < REPEATS; i++) {
      bareStarts.push(bareStartMs())
      for (const [k, [, dist]] of builds.entries())
        measured[k].push(await steadyState(window, dist))
      steadyAlternations++
    }
    const typical = measured.map(all => medianRun(all))
    for (const [k, [build]] of builds.entries()) {
      const all = measured[k]
      const m = summarize(all)
      const floors = all.map(r => floorMs(r.log ?? [], r.firstRequestMs ?? 0, LATENCY_MS))
      const ratio = median(all.map((r, i) => (r.totalMs ?? 0) / floors[i]))
      const { toVerdict, after } = floorRoundTrips(all[0].log ?? [])
      steadyRows.push(
        `| window ${window}${build ? ` (${build})` : ''} | ${m.count} | ${m.api} | ${m.blobs} | ${m.cacheCalls} | ${fmt(m.allCalls)} | ${fmt(m.firstRequestMs)} | ${fmt(m.verdictMs)} | ${fmt(m.totalMs)} | ${toVerdict} + ${after} | ${fmt(median(floors))} | ${fmt(ratio, 2)} | ${fmt(Math.min(...all.map(r => r.totalMs ?? 0)))}–${fmt(Math.max(...all.map(r => r.totalMs ?? 0)))} | ${fmt(median(all.map(r => (r.totalMs ?? 0) - (r.firstRequestMs ?? 0))))} | ${fmt(median(all.map(uploadWait)))} |`
      )
      console.log(steadyRows.at(-1))
    }
    steadyTimelines.push(
      ...timelineTable(
        window,
        builds.map(([b]) => b || 'this build'),
        typical
      )
    )
  }
  const loadAfter = loadavg()
  const avg = (l: number[]) => l.map(x => x.toFixed(1)).join(' / ')
  steadyLoad = `load average (1 / 5 / 15 min) ${avg(loadBefore)} at the start, ${avg(loadAfter)} at the end`
}

/** From the outputs written to the upload's first call reaching the fake. */
function uploadWait(m: Measure): number {
  const upload = (m.log ?? []).filter(c => c.kind === 'upload').map(c => c.at)
  return upload.length ? Math.min(...upload) - (m.verdictMs ?? 0) : NaN
}

/** The run whose exit is the median one (the lower middle of an even count). */
function medianRun(all: Measure[]): Measure {
  const sorted = [...all].sort((a, b) => (a.totalMs ?? 0) - (b.totalMs ?? 0))
  return sorted[(sorted.length - 1) >> 1]
}

function timelineTable(window: number, names: string[], runs: Measure[]): string[] {
  const byPhase = new Map<string, string[]>()
  const put = (phase: string, k: number, span: string) => {
    const cells = byPhase.get(phase) ?? names.map(() => '–')
    cells[k] = span
    byPhase.set(phase, cells)
  }
  runs.forEach((m, k) => {
    put('first request', k, fmt(m.firstRequestMs))
    for (const { phase, span } of timelineRows(m.log ?? [])) put(phase, k, span)
    put('outputs written (the verdict out)', k, fmt(m.verdictMs))
    put('exit', k, fmt(m.totalMs))
    put(
      'floor (first request + round trips × latency)',
      k,
      fmt(floorMs(m.log ?? [], m.firstRequestMs ?? 0, LATENCY_MS))
    )
  })
  return [
    `**Window ${window}**, the check of median exit of each build (ms from process start; a phase spans its first request's arrival to its last answer):`,
    '',
    `| phase | ${names.join(' | ')} |`,
    `|---|${names.map(() => '--:').join('|')}|`,
    ...[...byPhase].map(([phase, cells]) => `| ${phase} | ${cells.join(' | ')} |`),
    ''
  ]
}

function steadySection(): string[] {
  const node = execFileSync(process.env.E2E_NODE ?? process.execPath, ['--version'])
    .toString()
    .trim()
  return [
    '## Steady state: the check users live in',
    '',
    `\`record: true\` with this run's \`value\`, on the default branch; the sample cache was saved by the previous run's check, and that previous run (completed since, with the sample it recorded) is the one new run, so its sample cannot be in the cache. ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${node}, ${LATENCY_MS} ms per request, median of ${REPEATS}${process.env.BENCH_BEFORE_DIST ? `; **before** is \`${process.env.BENCH_BEFORE_LABEL ?? process.env.BENCH_BEFORE_DIST}\`, measured alternately with this build (**after**) on one fake: ${steadyAlternations} alternations in all` : ''}; ${steadyLoad}. \`node -e 0\` took ${fmt(median(bareStarts))} ms (median of ${bareStarts.length}, taken between the checks). **All calls** counts every request: API, blobs, the cache service and the artifact upload service. Times from process start: the first request, the outputs written (the verdict known to the workflow), and the exit (after the cache save and the upload).`,
    '',
    "**Floor**: this check's own requests at the latency, from its first request: the round trips that had to wait for one another to the verdict (each listing's pages in turn; the newest zip's 302 and blob after the listings' first pages; the cache blob after its lookup), plus those after it (the upload's calls in turn, beside the save's); the CPU between them counts as zero. **exit / floor** is the median of each check's ratio. The last two columns are medians of each check's own differences: the time from its first request to its exit (Node's start and the entry's load left out, the part most of a load burst falls on), and from its outputs written to its upload's first call.",
    '',
    '| history | samples | API requests | blob downloads | cache-service calls | all calls | first request ms | outputs written ms | exit ms | round trips (to the verdict + after) | floor ms | exit / floor | exit range ms | first request to exit ms | outputs to the first upload call ms |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...steadyRows,
    '',
    ...steadyTimelines
  ]
}

/** BENCH_STEADY_ONLY: the steady-state section of bench/results.md replaced, the rest kept. */
function writeSteadySection(): void {
  const file = resolve('bench', 'results.md')
  const text = readFileSync(file, 'utf8')
  const start = text.indexOf('## Steady state: the check users live in')
  const end = text.indexOf('\n## ', start + 1)
  if (start < 0 || end < 0) throw new Error('bench/results.md has no steady-state section')
  const section = steadySection().join('\n')
  writeFileSync(file, `${text.slice(0, start)}${section}\n${text.slice(end)}`)
  console.log(`\n${section}`)
}

try {
  await steadyStates()
  if (process.env.BENCH_STEADY_ONLY) {
    writeSteadySection()
    process.exit(0)
  }
  for (const window of (process.env.BENCH_SIZES ?? '10,200').split(',').map(Number)) {
    await scenario(`window ${window}, history ${window}`, window)
    // The default history reads 30 samples for attribution: the cold check's cost, once.
    if (window < 30) await scenario(`window ${window}, default history (30)`, window, undefined, 30)
  }
  if (!process.env.BENCH_SKIP_NAMED)
    await scenario(`window 200, artifact-name ${FIXED_NAME}`, 200, FIXED_NAME)
  // Round trips of a window-10 check: cold, warm, and warm with one new run.
  const depth = async (kind: string, target: string, prepare: () => Promise<void> | void) => {
    const m = await repeat(3, prepare, () => measureAction(slow, 10))
    depthRows.push(
      `| window 10 | ${kind} | ${fmt(m.dataMs)} | ${fmt(m.roundTrips, 1)} | ${target} |`
    )
    console.log(depthRows.at(-1))
  }
  const freshSlow = () => {
    slow.runs = busyHistory()
    slow.cache.reset()
  }
  await depth('cold', '<= 3', freshSlow)
  await depth('warm, nothing new', '2', async () => {
    freshSlow()
    await measureAction(slow, 10)
  })
  await depth('warm, one new run', '–', async () => {
    freshSlow()
    await measureAction(slow, 10)
    slow.runs = withNewRun(slow.runs)
  })
  // The tracking issue (issue: true): its steady state (nothing new, no open issue) costs the
  // issue listing on top of the warm check; a breach opens the issue, a later one edits it.
  const issueInputs = { issue: 'true' }
  const freshIssues = async (inputs: Record<string, string>) => {
    fake.runs = busyHistory()
    fake.cache.reset()
    fake.resetIssues()
    await measureAction(fake, 10, inputs)
  }
  const steady = await repeat(
    REPEATS,
    () => freshIssues(issueInputs),
    () => measureAction(fake, 10, issueInputs)
  )
  row('window 10, issue: true, no open issue', 'warm, nothing new', steady, 4)
  const breach = { ...issueInputs, budget: '100' }
  const opening = await repeat(
    Math.min(REPEATS, 3),
    async () => {
      await freshIssues(breach)
      fake.resetIssues()
    },
    () => measureAction(fake, 10, breach)
  )
  row(`window 10, issue: true, breach opens it (${writes(opening)})`, 'warm, nothing new', opening)
  const editing = await repeat(
    Math.min(REPEATS, 3),
    () => freshIssues(breach),
    () => measureAction(fake, 10, breach)
  )
  row(`window 10, issue: true, breach edits it (${writes(editing)})`, 'warm, nothing new', editing)
  if (!process.env.BENCH_SKIP_BOMB) {
    // A hostile history: the newest run's artifact is a 1 GiB bomb whose listing lies about its size.
    const bomb = await zeroBomb(1 << 30)
    const hostile = busyHistory()
    hostile[0].artifacts[0] = {
      name: hostile[0].artifacts[0].name,
      zip: buildZip([{ name: 'install_to_ready_seconds.txt', data: '', raw: bomb }]),
      sizeInBytes: 400
    }
    const bombRun = await repeat(
      Math.min(REPEATS, 3),
      () => {
        fake.runs = hostile
        fake.cache.reset()
      },
      () => measureAction(fake, 10)
    )
    row('window 10, 1 GiB bomb', 'cold', bombRun)
  }
} finally {
  await fake.stop()
  await slow.stop()
}

const header = [
  '| history | check | samples | API requests (target) | blob downloads | cache-service calls | checks an hour in 1,000 requests | round trips to the verdict | data phase ms | sequential: API requests / ms | speed-up | cache client load ms | cold start ms | total ms | peak RSS MB |',
  '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|'
]
// The Node that runs the action (E2E_NODE, as in the end-to-end tests), not the bench's own.
const node = execFileSync(process.env.E2E_NODE ?? process.execPath, ['--version'])
  .toString()
  .trim()
const kib = (path: string) => Math.round(statSync(path).size / 1024)
const report = [
  `# Benchmark results`,
  '',
  `${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}; load average ${LOAD_AT_START.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end), Node ${node}, ${LATENCY_MS} ms latency per request (API, blob and cache service alike), lookback ${LOOKBACK}, median of ${REPEATS} action runs and ${Math.min(REPEATS, 3)} sequential runs; dist/index.js ${kib(DIST)} KiB.`,
  '',
  'History: 500 completed runs of the workflow, newest first; of every 5, 3 hold a counted sample, 1 has no artifact, 1 was cancelled (its artifact does not count). Another workflow uploads 2 artifacts between each two of our runs, so the repository-wide listing holds 2.8 artifacts per run of ours. Every run completed long before the listing-lag margin.',
  '',
  '- **cold**: no cache entry; **warm, nothing new**: the entry the cold check saved, same history; **warm, one new run**: that entry, and one new run with a sample on top.',
  '- **API requests** are REST calls (listing pages, and the 302 of each artifact download); blob downloads and cache-service calls are not API requests and are counted apart. Every cold figure equals the bound of `__fixtures__/bound.ts` (the runs pages, the repository listing down to the oldest run needed, a download per sample), or the bench stops.',
  '- **round trips to the verdict**: the data phase (first request to the last one before the verdict; the cache save comes after the outputs) divided by the latency.',
  '- **issue: true**: the warm check with the tracking issue on; its steady state adds one request (the open-issue listing); opening adds the label, the create and a second listing (against two checks opening at once); a later breach adds the listing and one edit. Writes are counted in the usage line.',
  '- **sequential**: the shell script’s way, a lookup per run, then the download, one at a time; no cache.',
  '',
  ...header,
  ...rows,
  '',
  ...steadySection(),
  `## Round trips to the verdict`,
  '',
  `At ${RT_LATENCY_MS} ms per request, where the process's own CPU time (Node's start, loading the cache client, parsing) no longer blurs the count: the data phase divided by the latency, median of 3. Cold: both listings and the cache lookup at once, then the 302, then the blob. Warm: the listings and the cache lookup at once, then the cache entry's download. One new run adds its 302 and blob behind the cache entry (a download waits for the entry, so that a warm check never downloads what the entry holds).`,
  '',
  '| history | check | data phase ms | round trips | target |',
  '|---|---|--:|--:|--:|',
  ...depthRows,
  ''
].join('\n')
writeFileSync(resolve('bench', 'results.md'), report)
console.log(`\n${report}`)
