import type { ChangePoint, Standing } from './stats/changepoint.js'

/**
 * A value, or the reason there is none: what every parse, read and lookup in `src/` answers.
 * `'reason' in result` tells the two apart.
 */
export type Result<T> = { value: T } | NoValue

/** Why there is no value: a short sentence for the log or the summary. */
export interface NoValue {
  reason: string
}

/** One counted measurement: a run's sample, newest first in every list. */
export interface Sample {
  run_id: number
  run_number: number
  value: number
  head_sha: string
  created_at: string
  html_url: string
  conclusion: string
  /** True for the run executing this step (its `value` input). */
  current?: boolean
  /** The environment the run recorded; absent when unknown (`environmentProblem` says why). */
  environment?: Environment
  environmentProblem?: string
}

/** What reading one run's artifact gives: its value and what it recorded of its environment. */
export type Measured = Pick<Sample, 'value' | 'environment' | 'environmentProblem'>

/**
 * What the pure core needs of a run: enough to name and link a sample. The GitHub listing
 * and the command's `--dir` reader each produce it their own way.
 */
export interface RunInfo {
  id: number
  run_number: number
  head_sha: string
  created_at: string
  html_url: string
  conclusion: string | null
}

/** A run that was examined and not counted. */
export interface Skip {
  run_id: number
  run_number?: number
  html_url?: string
  reason: string
}

/**
 * `inconclusive` only with `decide: confident`; `watched` for a metric without a budget
 * (judged by nothing, never failing), and for a check of watched metrics only.
 */
export type Verdict = 'pass' | 'breach' | 'insufficient' | 'inconclusive' | 'watched'

export interface Stats {
  count: number
  median: number | null
  min: number | null
  max: number | null
  mad: number | null
  ciLow: number | null
  ciHigh: number | null
  /** Coverage of the interval [ciLow, ciHigh], e.g. 0.979 for 10 samples. */
  ciLevel: number | null
  /**
   * The confident rule's bounds: the k(n)-th largest sample (over the budget: k(n) runs are)
   * and the k(n)-th smallest (at or under it: k(n) runs are); null under 5 samples.
   */
  signLow: number | null
  signHigh: number | null
}

export interface Report {
  verdict: Verdict
  /** Seconds; null for a watched metric (verdict `watched`). */
  budget: number | null
  minRuns: number
  window: number
  /** How the verdict was reached; absent means `rubric`. */
  decide?: 'rubric' | 'confident'
  stats: Stats
  samples: Sample[]
  skipped: Skip[]
  /** Where the samples came from, for the summary's heading. */
  source: string
  /**
   * Newest first: the window's samples and older ones up to `history`, read for change-point
   * attribution only. Absent where no attribution ran.
   */
  history?: Sample[]
  change?: Change
  /** Where this run's own sample stands against the rest of the history. */
  standing?: Standing
  /** With `match`: what matching left of the samples read. */
  match?: MatchSummary
  /** With job timings: how far back the history reaches, and where it stops. */
  reach?: Reach
}

/** How far back the job timings reach: the oldest sample read, and the newest run whose job or step was not found. */
export interface Reach {
  /** Samples read, this run's included. */
  read: number
  oldest?: Sample
  /** The newest run skipped for a job or step not found: where a rename shows. */
  stop?: Skip
}

/** One metric of a check and its report: `default` when the check is the inputs' one metric. */
export interface NamedReport {
  name: string
  report: Report
}

/** The change-point test over the history, with its split mapped back to runs. */
export interface Change {
  result: ChangePoint
  /** Samples tested (the history's length). */
  count: number
  /** The smallest shift reported, seconds (0 when given in MADs). */
  minShift: number
  /** `min-shift` in MADs of the residuals around the fitted step. */
  minShiftMads?: number
  /**
   * Lag-1 autocorrelation of the ranks of the residuals around the fitted step (around the
   * median when there is none); null under 20 samples.
   */
  autocorrelation: number | null
  /** The first run after the split; absent when too few samples to test. */
  firstAfter?: Sample
  /** The last run before it. */
  lastBefore?: Sample
  /**
   * One run further either side (the split may be a run off): the compare view runs from
   * spanFrom's commit to spanTo's.
   */
  spanFrom?: Sample
  spanTo?: Sample
  /** With a shift: whether the environment changed within two runs of it. */
  environment?: EnvironmentShift
  /** When it did: how many of the history's possible splits lie that near a change. */
  environmentPace?: ChangePace
}

/** What the check cost against the token's hourly budget, from GitHub's own headers. */
export interface Usage {
  requests: number
  /** Of those, the ones that write (issues, comments, labels): anything but GET. */
  writes?: number
  remaining?: number
  resetAt?: Date
  /** The API server's clock minus this runner's, from the last `date` header seen. */
  clockOffsetMs?: number
}

/** A run's environment. Key -> value, each checked by `validateEnvironment`. Read keys with `keyValue`. */
export type Environment = Readonly<Record<string, string>>

/** Key -> [value before, value after]; null where the run did not set the key. */
export type KeyChanges = Record<string, [string | null, string | null]>

/**
 * The value holds the keys that changed near the split ({} when the recorded environment was
 * constant there); the reason says why it cannot be told (a run there has no environment).
 */
export type EnvironmentShift = Result<KeyChanges>

/** How many of the places a split can fall lie within two runs of an environment change. */
export interface ChangePace {
  /** Splits where the environment changed within reach (`environmentAround`). */
  near: number
  /** Splits the test can report: 3 samples or more on each side. */
  of: number
}

/** With `match`: what matching left of the samples read. */
export interface MatchSummary {
  keys: string[]
  /** This run's environment (or the newest sample's); undefined when it is unknown. */
  reference?: Environment
  /** Samples read, before matching. */
  read: number
  matched: number
  /** Of those left out, how many had no recorded environment (never a match). */
  unknown: number
  /** With two or more keys: how many would match with each key dropped in turn. */
  dropped: { key: string; matched: number }[]
}

/**
 * What one read of a history gives, before any judging: the samples newest first (this run's
 * own first, when it has one) and the runs examined and not counted.
 */
export interface HistoryRead {
  samples: Sample[]
  skipped: Skip[]
  /** Where the samples came from, for the headings. */
  source: string
}
