import type { HistoryRule } from '../history/attribution.js'
import { METADATA_FILE, parseEnvironmentLines, parseMatchKeys } from '../history/environment.js'
import { InputError } from '../errors.js'
import { parseSteps, type SpanSpec, type StepSpan } from '../history/job-span.js'
import { CONFIDENT_MIN } from '../stats/summary.js'
import { DECIDE_MODES, DECIMALS, type DecideMode, type Rubric } from '../verdict/rubric.js'
import type { Result, Environment } from '../types.js'

export const CONCLUSIONS = [
  'success',
  'failure',
  'cancelled',
  'skipped',
  'timed_out',
  'action_required',
  'neutral',
  'stale',
  'startup_failure'
] as const

export interface Config {
  token: string
  owner: string
  repo: string
  workflow: string
  /** Undefined until resolved: the repository's default branch. */
  branch?: string
  event?: string
  conclusions: string[]
  artifactName: string
  file: string
  window: number
  minRuns: number
  budget: number
  lookback: number
  /** Samples read for change-point attribution (>= window); the verdict uses the newest window. */
  history: number
  /** Seconds: the smallest level shift attribution reports (0 when given in MADs). */
  minShift: number
  /** `min-shift: 2.5mad`: the smallest shift in MADs of the residuals around the fitted step. */
  minShiftMads?: number
  decide: DecideMode
  value?: string
  record: boolean
  retentionDays: number
  allowForks: boolean
  failOnBreach: boolean
  failOnInsufficient: boolean
  summary: boolean
  /** Keep parsed samples in the Actions cache, bound to artifact id and digest. */
  cache: boolean
  /** Open, update and close one tracking issue for this gate (needs `issues: write`). */
  issue: boolean
  /** Labels of the tracking issue; the first is how it is found. */
  issueLabels: string[]
  /** The issue closes when the rolling verdict at each of this many newest runs is pass. */
  issueCloseAfter: number
  /** One comment per pull request and gate (needs `pull-requests: write`). */
  prComment: PrCommentMode
  /** The workflow's own environment keys, recorded beside the runner's. */
  environment: Environment
  /** Environment keys a sample must share with this run to count; empty: all count. */
  match: string[]
  /**
   * With `job` and/or `steps`: samples from GitHub's job timings instead of an artifact. `job`
   * undefined: the job this step runs in.
   */
  jobs?: { job?: string; steps?: StepSpan }
  /** `workflow` or `repository` names another workflow than the one running this step. */
  otherWorkflow?: boolean
  /** The `metrics` input's YAML text, parsed on use (`parseMetrics`); undefined: one metric. */
  metrics?: string
  /** Positions to replay for the summary's backtest; undefined: no backtest. */
  backtest?: number
}

export const PR_COMMENT_MODES = ['off', 'always', 'on-breach'] as const
export type PrCommentMode = (typeof PR_COMMENT_MODES)[number]

/** Reads one input by its action.yml name; returns '' when unset (as `core.getInput`). */
export type InputReader = (name: string) => string

/** Turns the raw inputs and the runner's environment into a checked Config. */
export function readConfig(input: InputReader, env: NodeJS.ProcessEnv): Config {
  const [owner, repo] = repository(input('repository') || env.GITHUB_REPOSITORY || '')
  const window = integer(input, 'window', 10, 1, 1000)
  const lookback = integer(input, 'lookback', 50, 1, 1000)
  const budget = positive(input, 'budget', 300)
  const minRuns = integer(input, 'min-runs', window, 1, window)
  const decide = decideMode(input('decide'), minRuns)
  const config: Config = {
    token: input('github-token') || env.GITHUB_TOKEN || '',
    owner,
    repo,
    workflow: workflow(input('workflow'), env.GITHUB_WORKFLOW_REF),
    branch: input('branch') || undefined,
    event: optionalName(input, 'event'),
    conclusions: conclusions(input('conclusions') || 'success,failure'),
    artifactName: artifactName(input('artifact-name') || DEFAULT_ARTIFACT_NAME),
    file: filePath(input('file') || DEFAULT_FILE),
    window,
    minRuns,
    budget,
    lookback,
    // Never below the window (the verdict's samples are its newest); a window already larger
    // than lookback keeps working, so the ceiling is whichever is larger. The default of 30
    // lets attribution find the commit at the first breach (bench/changepoint.md).
    history: integer(
      input,
      'history',
      Math.max(window, Math.min(DEFAULT_HISTORY, lookback)),
      window,
      Math.max(window, lookback)
    ),
    ...minShift(input('min-shift'), budget),
    decide,
    value: input('value') || undefined,
    record: flag(input, 'record', false),
    retentionDays: integer(input, 'retention-days', 90, 1, 400),
    allowForks: flag(input, 'allow-forks', false),
    failOnBreach: flag(input, 'fail-on-breach', true),
    failOnInsufficient: flag(input, 'fail-on-insufficient', false),
    summary: flag(input, 'summary', true),
    cache: flag(input, 'cache', true),
    issue: flag(input, 'issue', false),
    issueLabels: labels(input('issue-labels') || 'rolling-median'),
    issueCloseAfter: integer(input, 'issue-close-after', 3, 1, 100),
    prComment: prComment(input('pr-comment') || 'off'),
    environment: checked('environment', parseEnvironmentLines(input('environment'))),
    match: checked('match', parseMatchKeys(input('match'))),
    jobs: jobTimings(input),
    otherWorkflow: otherWorkflow(input, env),
    backtest: input('backtest').trim() ? integer(input, 'backtest', 0, 1, MAX_POSITIONS) : undefined
  }
  if (config.jobs && !config.jobs.job && config.otherWorkflow)
    throw new InputError(
      'job',
      "is required with 'steps' when 'workflow' or 'repository' names another workflow: its jobs are not this step's"
    )
  const metrics = input('metrics').trim()
  if (metrics) {
    config.metrics = metrics
    const beside = PER_METRIC_INPUTS.find(name => {
      const text = input(name).trim()
      return text !== '' && text !== RUNNER_DEFAULTS[name]
    })
    if (beside)
      throw new InputError(
        beside,
        "is given per metric when 'metrics' is set: move it into the entries of 'metrics'"
      )
  }
  if (!config.token) {
    throw new InputError('github-token', 'is empty: pass `github-token: ${{ github.token }}`')
  }
  return config
}

/**
 * Inputs that belong to the artifact source, with the value that leaves them unused: the
 * runner passes action.yml's defaults as if given, so only another value is a conflict.
 */
const ARTIFACT_INPUTS: Record<string, (text: string) => boolean> = {
  value: text => text === '',
  record: text => text === '' || /^(false|False|FALSE)$/.test(text),
  file: text => text === '' || text === DEFAULT_FILE,
  'artifact-name': text => text === '' || text === DEFAULT_ARTIFACT_NAME
}
const DEFAULT_FILE = 'install_to_ready_seconds.txt'
const DEFAULT_ARTIFACT_NAME = 'helm-install-duration-{run_id}'

/** `job` and `steps`: the job timings source, refused beside an artifact input. */
function jobTimings(input: InputReader): Config['jobs'] {
  const job = input('job').trim()
  const stepsText = input('steps').trim()
  if (!job && !stepsText) return undefined
  const given = job ? 'job' : 'steps'
  const artifact = Object.keys(ARTIFACT_INPUTS).find(
    name => !ARTIFACT_INPUTS[name](input(name).trim())
  )
  if (artifact)
    throw new InputError(
      given,
      `cannot be given with '${artifact}': '${given}' reads the sample from GitHub's job timings, '${artifact}' belongs to a recorded artifact; give one of them`
    )
  if (job.length > 1000) throw new InputError('job', 'is longer than 1000 characters')
  const steps = stepsText ? checked('steps', parseSteps(stepsText)) : undefined
  return { ...(job ? { job } : {}), ...(steps ? { steps } : {}) }
}

/** Whether the inputs point at another workflow than the one this step runs in. */
function otherWorkflow(input: InputReader, env: NodeJS.ProcessEnv): boolean {
  const own = env.GITHUB_WORKFLOW_REF?.split('@')[0].split('/').pop() ?? ''
  const workflowInput = input('workflow').trim()
  const repositoryInput = input('repository').trim().toLowerCase()
  const ownRepository = (env.GITHUB_REPOSITORY ?? '').toLowerCase()
  return (
    (workflowInput !== '' && workflowInput !== own) ||
    (repositoryInput !== '' && repositoryInput !== ownRepository)
  )
}

/** Inputs that `metrics` gives per entry: beside it, which metric they meant is unknown. */
export const PER_METRIC_INPUTS = ['job', 'steps', 'file', 'value', 'budget', 'min-shift', 'match']

/**
 * action.yml's defaults of those inputs: the runner passes them as if given, so only another
 * value is one the user set.
 */
const RUNNER_DEFAULTS: Readonly<Record<string, string>> = {
  budget: '300',
  file: DEFAULT_FILE
}

/** The most positions a backtest replays: as many as `lookback` can hold runs. */
export const MAX_POSITIONS = 1000

/** Samples read for attribution unless `history` says otherwise (within window..lookback). */
export const DEFAULT_HISTORY = 30

function decideMode(text: string, minRuns: number): DecideMode {
  const value = text.trim() || 'rubric'
  const modes: readonly string[] = DECIDE_MODES
  if (!modes.includes(value))
    throw new InputError('decide', `must be rubric or confident, got ${JSON.stringify(text)}`)
  // Under 5 runs, even all of them on one side happens too often by chance: never decides.
  if (value === 'confident' && minRuns < CONFIDENT_MIN)
    throw new InputError(
      'decide',
      `confident needs min-runs >= ${CONFIDENT_MIN} (fewer runs can never decide at the stated error rate), got min-runs ${minRuns}`
    )
  return value as DecideMode
}

/** A parser's result, or its problem as the input's error. */
function checked<T>(name: string, parsed: Result<T>): T {
  if ('reason' in parsed) throw new InputError(name, parsed.reason)
  return parsed.value
}

function repository(text: string): [string, string] {
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(text.trim())
  // `.` and `..` are path segments, not names: `../..` would become a request to the API root.
  if (!match || match.slice(1).some(part => part === '.' || part === '..')) {
    throw new InputError('repository', `must be owner/name, got ${JSON.stringify(text)}`)
  }
  return [match[1], match[2]]
}

function workflow(text: string, workflowRef: string | undefined): string {
  // GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/chart.yml@refs/heads/main
  const fromRef = workflowRef?.split('@')[0].split('/').pop() ?? ''
  const value = text.trim() || fromRef
  if (!value) {
    throw new InputError(
      'workflow',
      'is empty and GITHUB_WORKFLOW_REF is not set: give chart.yml or an id'
    )
  }
  if (!/^(?:\d+|[\w.-]+\.ya?ml)$/.test(value)) {
    throw new InputError(
      'workflow',
      `must be a workflow file name (chart.yml) or a numeric id, got ${JSON.stringify(value)}`
    )
  }
  return value
}

function optionalName(input: InputReader, name: string): string | undefined {
  const value = input(name).trim()
  if (value && !/^[a-z_]+$/.test(value)) {
    throw new InputError(name, `must be an event name such as push, got ${JSON.stringify(value)}`)
  }
  return value || undefined
}

function conclusions(text: string): string[] {
  const list = text
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
  const known: readonly string[] = CONCLUSIONS
  const unknown = list.filter(c => !known.includes(c))
  if (list.length === 0 || unknown.length > 0) {
    throw new InputError(
      'conclusions',
      `accepts a comma-separated list of ${CONCLUSIONS.join(', ')}; got ${JSON.stringify(text)}`
    )
  }
  return list
}

/** GitHub's label names: at most 50 characters; a comma would split the list. */
function labels(text: string): string[] {
  const list = text
    .split(',')
    .map(s => s.trim())
    .filter(Boolean)
  // eslint-disable-next-line no-control-regex
  if (list.length === 0 || list.some(l => l.length > 50 || /[\u0000-\u001f]/.test(l))) {
    throw new InputError(
      'issue-labels',
      `must be a comma-separated list of label names (each 1 to 50 characters), got ${JSON.stringify(text)}`
    )
  }
  return list
}

function prComment(text: string): PrCommentMode {
  const value = text.trim()
  const modes: readonly string[] = PR_COMMENT_MODES
  if (!modes.includes(value)) {
    throw new InputError(
      'pr-comment',
      `must be one of ${PR_COMMENT_MODES.join(', ')}, got ${JSON.stringify(text)}`
    )
  }
  return value as PrCommentMode
}

function artifactName(text: string): string {
  // GitHub refuses these characters in artifact names, so a template with them can never match.
  if (/["':<>|*?\\/\r\n]/.test(text)) {
    throw new InputError(
      'artifact-name',
      `holds a character artifact names cannot have: ${JSON.stringify(text)}`
    )
  }
  return text
}

/**
 * The names the action writes and reads inside an artifact besides `file`. Compared without
 * case: runners on macOS and Windows fold it, so METADATA.JSON is the same file there.
 */
const ARTIFACT_OWN_NAMES = [METADATA_FILE]

/** A file inside the artifact; `name` is how an error names where it came from. */
export function filePath(text: string, name = 'file'): string {
  const parts = text.split('/')
  // `file` equal to one of them, or a folder of that name, would have `record` write one path
  // twice (the sample lost), and every reader would then skip the artifact: no breach, ever.
  const first = parts[0].toLowerCase()
  const taken = ARTIFACT_OWN_NAMES.find(name => name === first)
  if (taken) {
    throw new InputError(
      name,
      `collides with ${taken}, which the action writes beside the sample in every artifact ` +
        `(compared without case): choose another name, got ${JSON.stringify(text)}`
    )
  }
  if (
    text.startsWith('/') ||
    text.includes('\\') ||
    parts.some(p => p === '' || p === '.' || p === '..')
  ) {
    throw new InputError(
      name,
      `must be a relative path inside the artifact, got ${JSON.stringify(text)}`
    )
  }
  return text
}

function integer(
  input: InputReader,
  name: string,
  fallback: number,
  min: number,
  max: number
): number {
  const text = input(name).trim()
  if (text === '') return fallback
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new InputError(
      name,
      `must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`
    )
  }
  return value
}

function positive(input: InputReader, name: string, fallback: number): number {
  const text = input(name).trim()
  return text === '' ? fallback : positiveSeconds(text, name)
}

/** A budget in seconds: positive, at most the printed precision's decimals. */
export function positiveSeconds(text: string, name: string): number {
  const value = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0) || !Number.isFinite(value)) {
    throw new InputError(name, `must be a positive number of seconds, got ${JSON.stringify(text)}`)
  }
  // Compared at the printed precision: a finer budget would print as one value and judge as another.
  if ((text.split('.')[1]?.length ?? 0) > DECIMALS)
    throw new InputError(name, `has more than ${DECIMALS} decimals, got ${JSON.stringify(text)}`)
  return value
}

/** The largest `min-shift` in MADs: a shift of more spreads is never small. */
export const MAX_MIN_SHIFT_MADS = 100

/**
 * `min-shift`: seconds (default 5% of the budget), or `2.5mad`, MADs of the residuals around
 * the fitted step, which a drifting runner's wider spread raises with it.
 */
function minShift(text: string, budget: number): Pick<Config, 'minShift' | 'minShiftMads'> {
  const mads = /^(\d+(?:\.\d+)?)\s*mad$/i.exec(text.trim())
  if (!mads) return { minShift: nonNegative(() => text, 'min-shift', budget * 0.05) }
  const value = Number(mads[1])
  if (!(value > 0 && value <= MAX_MIN_SHIFT_MADS))
    throw new InputError(
      'min-shift',
      `in MADs must be over 0 and at most ${MAX_MIN_SHIFT_MADS}, got ${JSON.stringify(text)}`
    )
  return { minShift: 0, minShiftMads: value }
}

function nonNegative(input: InputReader, name: string, fallback: number): number {
  const text = input(name).trim()
  return text === '' ? fallback : nonNegativeSeconds(text, name)
}

/** A number of seconds >= 0 (a level shift). */
export function nonNegativeSeconds(text: string, name: string): number {
  const value = Number(text)
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(value)) {
    throw new InputError(
      name,
      `must be a number of seconds >= 0${name === 'min-shift' ? ' or MADs (2.5mad)' : ''}, got ${JSON.stringify(text)}`
    )
  }
  return value
}

function flag(input: InputReader, name: string, fallback: boolean): boolean {
  const text = input(name).trim()
  if (text === '') return fallback
  if (/^(true|True|TRUE)$/.test(text)) return true
  if (/^(false|False|FALSE)$/.test(text)) return false
  throw new InputError(name, `must be true or false, got ${JSON.stringify(text)}`)
}

/**
 * A lookback shorter than the window can never fill it (the window also counts this run's
 * `value`). Not an input error: `min-runs` may still be met, and the verdict then says
 * `insufficient` honestly; the warning says why.
 */
export function lookbackWarning(config: Config, hasCurrent: boolean): string | undefined {
  const fromHistory = config.window - (hasCurrent ? 1 : 0)
  if (config.lookback < fromHistory)
    return `'lookback' ${config.lookback} is smaller than the ${fromHistory} runs the window of ${config.window} needs from the history: the window cannot fill`
  return issueCloseWarning(config, hasCurrent)
}

/**
 * The tracking issue closes on the verdicts at the newest `issue-close-after` runs, each over
 * a full window: that takes `window + issue-close-after - 1` runs. A lookback that holds fewer
 * leaves the oldest of those positions short, so an open issue could never close.
 */
function issueCloseWarning(config: Config, hasCurrent: boolean): string | undefined {
  const needed = config.window + config.issueCloseAfter - 1
  const fromHistory = needed - (hasCurrent ? 1 : 0)
  if (!config.issue || config.lookback >= fromHistory) return undefined
  return `'lookback' ${config.lookback} is smaller than the ${fromHistory} runs that closing the tracking issue needs from the history ('window' ${config.window} + 'issue-close-after' ${config.issueCloseAfter} - 1${hasCurrent ? ", less this run's value" : ''}): an open issue would never close`
}

/** The artifact name a run's sample is stored under: the template with `{run_id}` filled in. */
export function artifactNameFor(template: string, runId: number | string): string {
  return template.replaceAll('{run_id}', String(runId))
}

/** Which runs are listed: the workflow's completed runs on a branch, at most `lookback`. */
export interface RunQuery {
  owner: string
  repo: string
  workflow: string
  branch: string
  event?: string
  lookback: number
}

/** Which listed runs count. */
export interface RunFilter {
  branch: string
  event?: string
  conclusions: readonly string[]
  allowForks: boolean
  /** The run executing this step: its sample is the `value` input, not an artifact. */
  currentRunId?: number
}

/** Named parts of a check, never a config spread: each stage gets only what it reads. */
export interface CheckPlan {
  /** What to list (the workflow's runs on a branch, at most `lookback`) and which of them count. */
  runs: RunQuery & RunFilter
  /** Which artifact of a run holds the sample (`{run_id}` filled in), and which file inside it. */
  artifact: { template: string; file: string }
  rubric: Rubric
  history: HistoryRule
  /**
   * Job timings instead of an artifact: the job as resolved (this step's own job, found among
   * this run's jobs, or the `job` input) and the steps. Set once the job is resolved.
   */
  span?: SpanSpec
}

/** The check's parts as the inputs give them; `branch` is resolved (the input or the default). */
export function checkPlan(config: Config, branch: string, currentRunId?: number): CheckPlan {
  return {
    runs: {
      owner: config.owner,
      repo: config.repo,
      workflow: config.workflow,
      branch,
      event: config.event,
      lookback: config.lookback,
      conclusions: config.conclusions,
      allowForks: config.allowForks,
      currentRunId
    },
    artifact: { template: config.artifactName, file: config.file },
    rubric: {
      budget: config.budget,
      minRuns: config.minRuns,
      window: config.window,
      decide: config.decide
    },
    // The tracking issue closes on the verdicts at the newest issue-close-after runs, each
    // over its own window: that many more samples are read.
    history: {
      size: config.issue
        ? Math.max(config.history, config.window + config.issueCloseAfter - 1)
        : config.history,
      minShift: config.minShift,
      ...(config.minShiftMads === undefined ? {} : { minShiftMads: config.minShiftMads }),
      match: config.match
    }
  }
}

/**
 * The pull request's own samples: this workflow's runs on its head branch from `pull_request`
 * events, at most `window` of them, judged by themselves (a median of one is a median).
 */
export function pullRequestPlan(plan: CheckPlan, headBranch: string): CheckPlan {
  return {
    ...plan,
    runs: { ...plan.runs, branch: headBranch, event: 'pull_request' },
    rubric: { ...plan.rubric, minRuns: 1 },
    history: { ...plan.history, size: plan.rubric.window }
  }
}
