import { parseArgs } from 'node:util'
import { parse } from 'yaml'
import { checkMetrics, judgeMetric, readHistory, type MetricRule } from '../app/check.js'
import { readSpanHistory } from '../app/job-history.js'
import { JobReader } from '../app/job-reader.js'
import { readMetrics } from '../app/metrics-input.js'
import { metricRules } from '../app/metrics-run.js'
import { readRunnerContext } from '../io/context.js'
import { readSmallFile } from '../io/files.js'
import { checkVerdict, metricsOutput } from '../render/metrics.js'
import { checkPlan, readConfig, type Config } from '../core/inputs/config.js'
import { InputError, errorMessage } from '../core/errors.js'
import { backtest } from '../core/history/backtest.js'
import {
  backtestDepth,
  fullWindowPositions,
  judgeRead,
  type GateRule
} from '../core/history/replay.js'
import { createClient } from '../github/client.js'
import { testKnobs } from '../app/knobs.js'
import { defaultBranch } from '../github/runs.js'
import { outputValues } from '../render/outputs.js'
import type { HistoryRead, NamedReport } from '../core/types.js'
import { EmptyDirError, readLocalSamples } from './dir.js'
import { backtestJson, renderBacktest, renderMetricsText, renderText } from './text.js'

export const USAGE =
  'usage: helm-rolling-report [--repo OWNER/NAME] [--workflow chart.yml] [--branch main] [--window N] [--budget S] [--min-runs N] [--decide rubric|confident] [--lookback N] [--history N] [--min-shift S] [--match KEYS] [--artifact-name NAME] [--file PATH] [--job NAME [--steps SPAN]] [--metrics FILE] [--dir DIR] [--backtest [--positions K]] [--json] [--help]'

const HELP = `${USAGE}

Rolling median of "helm install to DaemonSet Ready" seconds across recent workflow runs,
judged against a budget: the same check as the helm-rolling-action step, with the same
inputs as flags.

  --repo OWNER/NAME   repository whose runs are read (default: $GITHUB_REPOSITORY)
  --workflow FILE     workflow file name or id (default: chart.yml)
  --branch NAME       only runs on this branch (default: the repository's default branch);
                      not with --dir
  --window N          samples the median is taken over (default: $N, else 10)
  --budget S          seconds; passes when median <= budget (default: 300)
  --min-runs N        fewer samples than this is insufficient (default: the window)
  --decide MODE       rubric (median against budget) or confident (breach when at least
                      k(n) of the n runs are over the budget, pass when k(n) are within,
                      else inconclusive; 8 of 10, 15 of 20)
  --lookback N        most runs examined (default: 50); with --dir, most folders read
  --history N         samples read for change-point attribution (default: the window, or
                      up to 30 within lookback)
  --min-shift S       seconds, or MADs (2.5mad); the smallest level shift reported
                      (default: 5% of budget)
  --match KEYS        environment keys (image-version,kind): only samples that equal
                      the newest sample's on them count (like for like)
  --artifact-name T   the artifact of each run, {run_id} its id
                      (default: helm-install-duration-{run_id})
  --file PATH         the file inside it (default: install_to_ready_seconds.txt)
  --job NAME          read the samples from GitHub's job timings instead of artifacts:
                      the job's name as GitHub shows it (install (1.29, ubuntu) for a
                      matrix leg); * matches any text
  --steps SPAN        with --job: NAME for one step, or FIRST .. LAST for the span from
                      the first's start to the last's end (default: the whole job)
  --metrics FILE      several metrics: FILE holds the YAML list of the action's 'metrics'
                      input; prints one line per metric
  --dir DIR           read artifacts already downloaded, one sub-folder per run, instead
                      of the API; no token needed. Download them all with:
                      gh run download -R OWNER/NAME -p 'helm-install-duration-*' -D DIR
  --backtest          replay the gate at each position of the history: what it would have
                      said then, with these settings and with nearby budgets and modes
  --positions K       with --backtest: the newest K positions (default: every position
                      with a full window within lookback)
  --json              print the action's outputs (and the backtest) as JSON
  --help              this text

The token comes from GH_TOKEN or GITHUB_TOKEN (for example GH_TOKEN=$(gh auth token)).
Exit status: 0 pass, insufficient or inconclusive, 1 breach, 2 bad usage or an empty or
missing --dir, 3 the check could not run (token refused, workflow not found, network), with
the reason on stderr and nothing on stdout. With --backtest, the newest position's verdict.
`

const OFFLINE = `helm-rolling-report: offline: no GH_TOKEN or GITHUB_TOKEN, and no --dir.
Give a token to read the runs through the GitHub API:
  GH_TOKEN=$(gh auth token) helm-rolling-report --repo OWNER/NAME
or read artifacts you downloaded already (every run's, into one folder each):
  gh run download -R OWNER/NAME -p 'helm-install-duration-*' -D runs
  helm-rolling-report --dir runs
`

const NO_REPOSITORY =
  'no repository to read: give --repo OWNER/NAME (or set GITHUB_REPOSITORY), or --dir DIR for downloaded artifacts'

/** The exit status when the check could not run: the API refused, found nothing, or was unreachable. */
export const COULD_NOT_CHECK = 3

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Inputs whose flag is not their name. */
const FLAG_OF: Record<string, string> = {
  repository: 'repo',
  'github-token': 'token (GH_TOKEN)',
  backtest: 'positions'
}

/** The inputs the command takes as flags of the same name. */
const SAME_NAME = [
  'workflow',
  'branch',
  'budget',
  'min-runs',
  'decide',
  'lookback',
  'history',
  'min-shift',
  'match',
  'artifact-name',
  'file',
  'job',
  'steps'
] as const

type Flags = Record<string, string | boolean | undefined>

function parseFlags(argv: string[]): Flags {
  const text = { type: 'string' } as const
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      ...Object.fromEntries(SAME_NAME.map(name => [name, text])),
      repo: text,
      window: text,
      dir: text,
      positions: text,
      metrics: text,
      backtest: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' }
    }
  }).values
}

/** Runs the command and returns what to print and the exit status; never exits by itself. */
export async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  let flags: Flags
  try {
    flags = parseFlags(argv)
  } catch (error) {
    return usage(errorMessage(error))
  }
  if (flags.help) return { code: 0, stdout: HELP, stderr: '' }
  const token = env.GH_TOKEN || env.GITHUB_TOKEN || ''
  const dir = typeof flags.dir === 'string' ? flags.dir : undefined
  const repository = (flags.repo as string | undefined) ?? env.GITHUB_REPOSITORY
  if (dir !== undefined && flags.branch !== undefined)
    return usage(
      '--branch does not apply to --dir: the folders are the runs you downloaded (choose them when downloading)'
    )
  if (flags.positions !== undefined && !flags.backtest) return usage('--positions needs --backtest')
  if (dir !== undefined && (flags.job !== undefined || flags.steps !== undefined))
    return usage('--job and --steps read the jobs API; --dir reads downloaded artifacts: give one')
  // The command runs in no job of its own: the job is always named.
  if (flags.steps !== undefined && flags.job === undefined)
    return usage('--steps needs --job: the command runs in no job of its own to default to')

  // The flags are checked by the action's own input rules before anything else, offline
  // too. What a --dir report or an offline answer does not read gets a stand-in that passes.
  let config: Config
  try {
    config = readConfig(
      inputReader(flags, env, token || 'not-needed', repository || 'not/given'),
      {}
    )
  } catch (error) {
    if (error instanceof InputError)
      return usage(`--${FLAG_OF[error.input] ?? error.input} ${error.problem}`)
    throw error
  }
  if (!token && dir === undefined) return { code: 0, stdout: OFFLINE, stderr: '' }
  if (dir === undefined && !repository) return usage(NO_REPOSITORY)

  try {
    return await answer(config, flags, env, dir)
  } catch (error) {
    if (error instanceof EmptyDirError) return usage(error.message)
    // A --metrics list is checked once read: its problem is bad usage, as a flag's.
    if (error instanceof InputError)
      return usage(`--${FLAG_OF[error.input] ?? error.input} ${error.problem}`)
    // Exit 1 says breach: a check that could not run has its own code, so that a script
    // never reads a refused token or a mistyped workflow as a verdict.
    return {
      code: COULD_NOT_CHECK,
      stdout: '',
      stderr: `helm-rolling-report: could not check: ${errorMessage(error)}\n`
    }
  }
}

function inputReader(
  flags: Flags,
  env: NodeJS.ProcessEnv,
  token: string,
  repository: string
): (name: string) => string {
  const inputs: Record<string, string | undefined> = {
    ...Object.fromEntries(SAME_NAME.map(name => [name, flags[name] as string | undefined])),
    'github-token': token,
    repository,
    workflow: (flags.workflow as string | undefined) ?? 'chart.yml',
    window: (flags.window as string | undefined) ?? env.N,
    backtest: flags.positions as string | undefined,
    metrics: metricsFile(flags.metrics)
  }
  return name => inputs[name] ?? ''
}

/** Reads the history once, judges its newest position, and replays the rest when asked. */
async function answer(
  config: Config,
  flags: Flags,
  env: NodeJS.ProcessEnv,
  dir: string | undefined
): Promise<CliResult> {
  if (config.metrics) return several(config, dir, env, flags.json === true)
  // The rubric and the history rule do not depend on the branch.
  const plan = checkPlan(config, '')
  const rule: GateRule = { rubric: plan.rubric, history: plan.history }
  const depth = flags.backtest
    ? backtestDepth(config.backtest, rule, config.lookback)
    : rule.history.size
  const read =
    dir !== undefined
      ? await readLocalSamples(dir, { ...plan.artifact, lookback: config.lookback }, depth)
      : await fromApi(config, env, depth)
  const report = judgeRead(read, rule)
  const code = report.verdict === 'breach' ? 1 : 0
  if (!flags.backtest) {
    const stdout = flags.json ? json(outputValues(report)) : renderText(report)
    return { code, stdout, stderr: '' }
  }
  const full = fullWindowPositions(read.samples.length, config.window)
  const positions = Math.min(config.backtest ?? full, full)
  const result = backtest(read.samples, positions, rule, config.backtest)
  const stdout = flags.json
    ? json({ ...outputValues(report), backtest: backtestJson(result) })
    : renderBacktest(result, report, read.source)
  return { code, stdout, stderr: '' }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

function usage(problem: string): CliResult {
  return { code: 2, stdout: '', stderr: `helm-rolling-report: ${problem}\n${USAGE}\n` }
}

async function fromApi(
  config: Config,
  env: NodeJS.ProcessEnv,
  depth: number
): Promise<HistoryRead> {
  const client = createClient(config.token, testKnobs(env).client)
  const branch = config.branch ?? (await defaultBranch(client, config.owner, config.repo))
  const plan = checkPlan(config, branch)
  const job = config.jobs?.job
  if (job === undefined) return readHistory(client, { ...plan, depth })
  // The same history the action reads: the job's runs, each run's span from its jobs.
  return readSpanHistory(client, {
    plan,
    span: Promise.resolve({ job: { text: job, exact: false }, steps: config.jobs?.steps }),
    reader: new JobReader(client, { owner: config.owner, repo: config.repo }),
    depth
  })
}

/** The `--metrics` file's YAML text; a file that cannot be read is bad usage (exit 2). */
function metricsFile(path: string | boolean | undefined): string | undefined {
  if (typeof path !== 'string') return undefined
  const text = readSmallFile(path, 64 * 1024, '--metrics')
  if (text === undefined) throw new InputError('metrics', `cannot read ${JSON.stringify(path)}`)
  return text
}

/** dist/report.js is one file, with no chunk to load the library from: imported with it. */
const yaml = () => Promise.resolve({ parse })

/** A check of several metrics: one line each (or the outputs as JSON); 1 when the worst breached. */
async function several(
  config: Config,
  dir: string | undefined,
  env: NodeJS.ProcessEnv,
  json: boolean
): Promise<CliResult> {
  // A terminal is no workflow run: no run of its own, so an entry's `value` is not this run's.
  const rules = metricRules(
    config,
    readRunnerContext({}),
    await readMetrics(config.metrics ?? '', yaml)
  )
  const metrics =
    dir !== undefined
      ? await Promise.all(rules.map(async rule => fromDirMetric(dir, config, rule)))
      : await fromApiMetrics(config, env, rules)
  const verdict = checkVerdict(metrics)
  const stdout = json
    ? `${JSON.stringify({ verdict, metrics: metricsOutput(metrics) }, null, 2)}\n`
    : renderMetricsText(metrics)
  return { code: verdict === 'breach' ? 1 : 0, stdout, stderr: '' }
}

async function fromDirMetric(dir: string, config: Config, rule: MetricRule): Promise<NamedReport> {
  if (rule.file === undefined)
    throw new InputError('metrics', `entry ${rule.name}: --dir holds artifacts, not job timings`)
  const plan = checkPlan(config, '')
  const what = { template: plan.artifact.template, file: rule.file, lookback: config.lookback }
  const read = await readLocalSamples(dir, what, config.history)
  return { name: rule.name, report: judgeMetric(read.samples, read.skipped, rule, plan, dir) }
}

async function fromApiMetrics(
  config: Config,
  env: NodeJS.ProcessEnv,
  rules: MetricRule[]
): Promise<NamedReport[]> {
  const client = createClient(config.token, testKnobs(env).client)
  const branch = config.branch ?? (await defaultBranch(client, config.owner, config.repo))
  return checkMetrics(client, checkPlan(config, branch), rules)
}
