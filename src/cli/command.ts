import { parseArgs } from 'node:util'
import { check, checkMetrics, judgeMetric, type MetricRule } from '../app/check.js'
import { parse } from 'yaml'
import { readMetrics } from '../app/metrics-input.js'
import { metricRules } from '../app/metrics-run.js'
import { readRunnerContext } from '../io/context.js'
import { readSmallFile } from '../io/files.js'
import { checkVerdict, metricsOutput } from '../render/metrics.js'
import { checkSpan } from '../app/job-history.js'
import { JobReader } from '../app/job-reader.js'
import { checkPlan, readConfig, type Config } from '../core/inputs/config.js'
import { InputError, errorMessage } from '../core/errors.js'
import { judgeHistory } from '../core/history/attribution.js'
import { createClient } from '../github/client.js'
import { testKnobs } from '../app/knobs.js'
import { defaultBranch } from '../github/runs.js'
import { outputValues } from '../render/outputs.js'
import type { NamedReport, Report } from '../core/types.js'
import { EmptyDirError, readLocalSamples } from './dir.js'
import { renderMetricsText, renderText } from './text.js'

export const USAGE =
  'usage: helm-rolling-report [--repo OWNER/NAME] [--workflow chart.yml] [--branch main] [--window N] [--budget S] [--decide rubric|confident] [--match KEYS] [--job NAME [--steps SPAN]] [--metrics FILE] [--dir DIR] [--json] [--help]'

const HELP = `${USAGE}

Rolling median of "helm install to DaemonSet Ready" seconds across recent workflow runs,
judged against a budget: the same check as the helm-rolling-action step.

  --repo OWNER/NAME   repository whose runs are read (default: $GITHUB_REPOSITORY)
  --workflow FILE     workflow file name or id (default: chart.yml)
  --branch NAME       only runs on this branch (default: the repository's default branch)
  --window N          samples the median is taken over (default: $N, else 10)
  --budget S          seconds; passes when median <= budget (default: 300)
  --decide MODE       rubric (median against budget) or confident (pass or breach only
                      when the median's interval is wholly on one side, else inconclusive)
  --match KEYS        environment keys (image-version,kind): only samples that equal
                      the newest sample's on them count (like for like)
  --job NAME          read the samples from GitHub's job timings instead of artifacts:
                      the job's name as GitHub shows it (install (1.29, ubuntu) for a
                      matrix leg); * matches any text
  --steps SPAN        with --job: NAME for one step, or FIRST .. LAST for the span from
                      the first's start to the last's end (default: the whole job)
  --metrics FILE      several metrics: FILE holds the YAML list of the action's 'metrics'
                      input; prints one line per metric
  --dir DIR           read artifacts already downloaded, one sub-folder per run
                      (gh run download -D DIR), instead of the API; no token needed
  --json              print the action's outputs as JSON instead of the report
  --help              this text

The token comes from GH_TOKEN or GITHUB_TOKEN (for example GH_TOKEN=$(gh auth token)).
Exit status: 0 pass, insufficient or inconclusive, 1 breach, 2 bad usage or an empty or
missing --dir, 3 the check could not run (token refused, workflow not found, network), with
the reason on stderr and nothing on stdout.
`

const OFFLINE = `helm-rolling-report: offline: no GH_TOKEN or GITHUB_TOKEN, and no --dir.
Give a token to read the runs through the GitHub API:
  GH_TOKEN=$(gh auth token) helm-rolling-report --repo OWNER/NAME
or read artifacts you downloaded already:
  gh run download --repo OWNER/NAME -D runs <run-id> ... && helm-rolling-report --dir runs
`

/** The exit status when the check could not run: the API refused, found nothing, or was unreachable. */
export const COULD_NOT_CHECK = 3

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

const FLAG_OF: Record<string, string> = { repository: 'repo', 'github-token': 'token (GH_TOKEN)' }

/** Runs the command and returns what to print and the exit status; never exits by itself. */
export async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  let flags: Record<string, string | boolean | undefined>
  try {
    flags = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        repo: { type: 'string' },
        workflow: { type: 'string' },
        branch: { type: 'string' },
        window: { type: 'string' },
        budget: { type: 'string' },
        decide: { type: 'string' },
        match: { type: 'string' },
        job: { type: 'string' },
        steps: { type: 'string' },
        metrics: { type: 'string' },
        dir: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (error) {
    return usage(errorMessage(error))
  }
  if (flags.help) return { code: 0, stdout: HELP, stderr: '' }
  const token = env.GH_TOKEN || env.GITHUB_TOKEN || ''
  const dir = typeof flags.dir === 'string' ? flags.dir : undefined
  if (!token && dir === undefined) return { code: 0, stdout: OFFLINE, stderr: '' }
  if (dir !== undefined && (flags.job !== undefined || flags.steps !== undefined))
    return usage('--job and --steps read the jobs API; --dir reads downloaded artifacts: give one')
  // The command runs in no job of its own: the job is always named.
  if (flags.steps !== undefined && flags.job === undefined)
    return usage('--steps needs --job: the command runs in no job of its own to default to')

  try {
    // The action's input rules check the flags too. A --dir report reads no repository and
    // needs no token, so it gets stand-ins that pass them.
    const inputs: Record<string, string | undefined> = {
      'github-token': token || 'not-needed-for---dir',
      repository:
        (flags.repo as string | undefined) ??
        (dir !== undefined ? 'local/dir' : env.GITHUB_REPOSITORY),
      workflow: (flags.workflow as string | undefined) ?? 'chart.yml',
      branch: flags.branch as string | undefined,
      window: (flags.window as string | undefined) ?? env.N,
      budget: flags.budget as string | undefined,
      decide: flags.decide as string | undefined,
      match: flags.match as string | undefined,
      job: flags.job as string | undefined,
      steps: flags.steps as string | undefined,
      metrics: metricsFile(flags.metrics)
    }
    const config = readConfig(name => inputs[name] ?? '', {})
    if (config.metrics) return await several(config, dir, env, flags.json === true)
    const report = dir !== undefined ? await fromDir(dir, config) : await fromApi(config, env)
    const stdout = flags.json
      ? `${JSON.stringify(outputValues(report), null, 2)}\n`
      : renderText(report)
    return { code: report.verdict === 'breach' ? 1 : 0, stdout, stderr: '' }
  } catch (error) {
    if (error instanceof InputError)
      return usage(`--${FLAG_OF[error.input] ?? error.input} ${error.problem}`)
    if (error instanceof EmptyDirError) return usage(error.message)
    // Exit 1 says breach: a check that could not run has its own code, so that a script
    // never reads a refused token or a mistyped workflow as a verdict.
    return {
      code: COULD_NOT_CHECK,
      stdout: '',
      stderr: `helm-rolling-report: could not check: ${errorMessage(error)}\n`
    }
  }
}

function usage(problem: string): CliResult {
  return { code: 2, stdout: '', stderr: `helm-rolling-report: ${problem}\n${USAGE}\n` }
}

async function fromDir(dir: string, config: Config): Promise<Report> {
  const collected = await readLocalSamples(dir, config.file, config.history)
  const { rubric, history } = checkPlan(config, '')
  return judgeHistory(collected.samples, collected.skipped, rubric, history, dir)
}

async function fromApi(config: Config, env: NodeJS.ProcessEnv): Promise<Report> {
  const client = createClient(config.token, testKnobs(env).client)
  const branch = config.branch ?? (await defaultBranch(client, config.owner, config.repo))
  const plan = checkPlan(config, branch)
  const job = config.jobs?.job
  if (job === undefined) return check(client, plan)
  // The same history the action reads: the job's runs, each run's span from its jobs.
  return checkSpan(client, {
    plan,
    span: Promise.resolve({ job: { text: job, exact: false }, steps: config.jobs?.steps }),
    reader: new JobReader(client, { owner: config.owner, repo: config.repo })
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
  const collected = await readLocalSamples(dir, rule.file, config.history)
  const { rubric } = checkPlan(config, '')
  return {
    name: rule.name,
    report: judgeMetric(collected.samples, collected.skipped, rule, { rubric }, dir)
  }
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
