/**
 * What to do with the tracking issue and the pull request comment, given the verdicts: pure
 * decisions, no I/O. The action keeps no state of its own: what it must remember between
 * checks (the attributed run, since when, what was last commented on) lives in the issue
 * body's hidden marker, which anyone who can edit the issue can change, so it is validated
 * on read like any other untrusted text.
 */
import { createHash } from 'node:crypto'
import type { PrCommentMode } from '../inputs/config.js'
import { isOver } from '../verdict/rubric.js'
import type { Report, Sample, Verdict } from '../types.js'

/** What makes one gate: two gates in one repository get an issue and a comment each. */
export interface Gate {
  workflow: string
  artifactName: string
  /** The `match` environment keys: the same workflow judged like for like per environment. */
  match: readonly string[]
  /** With job timings: the job as resolved and the steps (`spanIdentity`), so two matrix legs or two spans are two gates. */
  span?: string
}

/** A short, stable name of the gate for the markers: its fields hashed. */
export function gateId(gate: Gate): string {
  // Without a span, the key is the one every earlier version wrote: their issues are found again.
  const fields = [gate.workflow, gate.artifactName, [...gate.match].sort()]
  const key = JSON.stringify(gate.span === undefined ? fields : [...fields, gate.span])
  return createHash('sha256').update(key).digest('hex').slice(0, 16)
}

const MARK = 'helm-rolling-action'

export function issueMarker(gate: string, state: TrackState): string {
  const data = Buffer.from(JSON.stringify(state)).toString('base64url')
  return `<!-- ${MARK}:issue gate=${gate} state=${data} -->`
}

export function commentMarker(gate: string): string {
  return `<!-- ${MARK}:pr-comment gate=${gate} -->`
}

/** Whether a body (an issue's or a comment's) is this gate's, by its marker. */
export function isIssueOf(body: string | null, gate: string): boolean {
  return body?.includes(`<!-- ${MARK}:issue gate=${gate} `) ?? false
}

export function isCommentOf(body: string | null, gate: string): boolean {
  return body?.includes(commentMarker(gate)) ?? false
}

/** What a breach remembers between checks, in the issue body. */
export interface TrackState {
  /** The run or commit the breach was attributed to at the last check. */
  attributed?: string
  /** For how many consecutive breaching checks it has been the attribution. */
  held: number
  /** The attribution last commented on (or written in the opening body). */
  commented?: string
  /** When the last comment was added (ISO). */
  commentedAt?: string
}

const ATTRIBUTION = /^(?:[0-9a-f]{7,64}|run-\d{1,20})$/

/**
 * The state in a body's marker; anything missing or malformed reads as a fresh state, and a
 * date after `now` (which would hold comments back until then) as no date.
 */
export function readState(body: string | null, gate: string, now: Date): TrackState {
  const data = new RegExp(`<!-- ${MARK}:issue gate=${gate} state=([A-Za-z0-9_-]{1,2000}) -->`).exec(
    body ?? ''
  )?.[1]
  let raw: Record<string, unknown> = {}
  try {
    const parsed: unknown = data ? JSON.parse(Buffer.from(data, 'base64url').toString()) : {}
    if (typeof parsed === 'object' && parsed !== null) raw = parsed as Record<string, unknown>
  } catch {
    // Someone edited the marker: start over, as if the issue had just been opened.
  }
  const key = (v: unknown) => (typeof v === 'string' && ATTRIBUTION.test(v) ? v : undefined)
  const held = Number.isSafeInteger(raw.held) ? Math.min(Math.max(raw.held as number, 0), 1000) : 0
  const at = typeof raw.commentedAt === 'string' ? Date.parse(raw.commentedAt) : NaN
  return {
    attributed: key(raw.attributed),
    held,
    commented: key(raw.commented),
    commentedAt: Number.isFinite(at) && at <= now.getTime() ? new Date(at).toISOString() : undefined
  }
}

/** The run or commit the report's change-point attribution names; undefined when none. */
export function attributionOf(report: Report): Sample | undefined {
  const change = report.change
  return change?.result.kind === 'shift' ? change.firstAfter : undefined
}

export function attributionKey(sample: Sample | undefined): string | undefined {
  if (!sample) return undefined
  const sha = sample.head_sha.toLowerCase()
  return ATTRIBUTION.test(sha) ? sha : `run-${sample.run_id}`
}

/**
 * The keys of the runs within one of the attributed one (the split may be a run off either
 * way): a later check that names any of them names the same shift.
 */
export function nearbyKeys(report: Report): string[] {
  const change = report.change
  if (change?.result.kind !== 'shift') return []
  const runs = [change.lastBefore, change.firstAfter, change.spanTo]
  return runs.map(attributionKey).filter((key): key is string => key !== undefined)
}

export type IssueStep =
  | { kind: 'none' }
  | { kind: 'open'; state: TrackState }
  | { kind: 'update'; state: TrackState; comment: boolean }
  | { kind: 'close' }

/** A day: the most often a long breach comments on a newly attributed run. */
export const COMMENT_INTERVAL_MS = 86_400_000

export interface IssueFacts {
  verdict: Verdict
  /** The verdicts at the newest `issue-close-after` runs (`replayVerdicts`), newest first. */
  recent: readonly Verdict[]
  /** The open issue's state, when there is one. */
  open?: TrackState
  attribution?: string
  /** Keys of the runs within one of the attributed run (`nearbyKeys`): the same shift. */
  nearby?: readonly string[]
  now: Date
}

/**
 * The lifecycle: a breach opens the issue or edits it; a comment only when a newly attributed
 * shift (more than a run from the one last commented on) has held for two consecutive checks
 * and a day has passed since the last comment; a pass at every recent position closes it. Any
 * other verdict (insufficient, inconclusive) leaves it as it is. The verdicts are those of the
 * `decide` mode in use.
 */
export function nextIssueStep(facts: IssueFacts): IssueStep {
  const { verdict, open, attribution } = facts
  // A split that wobbles by one run between checks is the same shift.
  const same = (key: string | undefined) =>
    key !== undefined &&
    attribution !== undefined &&
    (key === attribution || (facts.nearby ?? []).includes(key))
  if (verdict === 'breach') {
    if (!open)
      return { kind: 'open', state: { attributed: attribution, held: 1, commented: attribution } }
    const held = same(open.attributed) ? open.held + 1 : 1
    const last = open.commentedAt ? Date.parse(open.commentedAt) : -Infinity
    const comment =
      attribution !== undefined &&
      held >= 2 &&
      !same(open.commented) &&
      facts.now.getTime() - last >= COMMENT_INTERVAL_MS
    const state: TrackState = comment
      ? {
          attributed: attribution,
          held,
          commented: attribution,
          commentedAt: facts.now.toISOString()
        }
      : { ...open, attributed: attribution, held }
    return { kind: 'update', state, comment }
  }
  const recovered = facts.recent.length > 0 && facts.recent.every(v => v === 'pass')
  if (open && verdict === 'pass' && recovered) return { kind: 'close' }
  return { kind: 'none' }
}

/** Of several open issues of one gate (two checks opened one at once), the oldest is kept. */
export function keepOldest<T extends { number: number }>(
  issues: readonly T[]
): { keep?: T; close: T[] } {
  const sorted = [...issues].sort((a, b) => a.number - b.number)
  return { keep: sorted[0], close: sorted.slice(1) }
}

export interface PrFacts {
  mode: PrCommentMode
  budget: number
  /** This run's own sample, when it has one. */
  current?: number
  /** The median of the pull request's own samples (this run's included). */
  prMedian: number | null
  /** The comment already on the pull request. */
  exists: boolean
}

/** `on-breach` starts commenting only over the budget, and then keeps the comment current. */
export function prCommentStep(facts: PrFacts): 'create' | 'update' | 'none' {
  if (facts.mode === 'off') return 'none'
  if (facts.exists) return 'update'
  const over = (v: number | null | undefined) =>
    v !== null && v !== undefined && isOver(v, facts.budget)
  if (facts.mode === 'always' || over(facts.current) || over(facts.prMedian)) return 'create'
  return 'none'
}

export interface IssueWhere {
  eventName: string
  /** `GITHUB_REF` of this run. */
  ref: string
  /** `GITHUB_REPOSITORY`: where this run runs. */
  repository: string
  /** `owner/name` the check reads (the `repository` input). */
  checked: string
  /** The repository's default branch: the event payload's, or the API's. */
  defaultBranch?: string
  /** The branch the check judged. */
  branch: string
}

/**
 * Why this run may not touch the tracking issue, or undefined when it may: only a run on the
 * default branch of the repository itself, never a pull request (whose code anyone may have
 * written, and whose samples are not the default branch's).
 */
export function issueRefusal(where: IssueWhere): string | undefined {
  const placed = placeRefusal(where)
  if (placed) return placed
  if (!where.defaultBranch) return 'the default branch is not known'
  if (where.ref !== `refs/heads/${where.defaultBranch}`)
    return `only runs on the default branch ${where.defaultBranch} may; this one is on ${where.ref || 'no ref'}`
  if (where.branch !== where.defaultBranch)
    return `the check judges branch ${where.branch}, not the default branch ${where.defaultBranch}`
  return undefined
}

/** The part of `issueRefusal` that needs no default branch: the event and the repository. */
export function placeRefusal(where: Omit<IssueWhere, 'defaultBranch'>): string | undefined {
  if (where.eventName.startsWith('pull_request')) return `this is a ${where.eventName} event`
  if (where.checked.toLowerCase() !== where.repository.toLowerCase())
    return `the check reads ${where.checked}, not the repository running it`
  return undefined
}

/**
 * Who the token writes as: a login known exactly (a personal access token's owner, named by
 * `GET /user`, or the author of what this check just created), or a GitHub App's bot account
 * (an installation token, such as the workflow's `GITHUB_TOKEN`, which writes as
 * `github-actions[bot]` and may not read `GET /user`).
 */
export type Identity = { kind: 'login'; login: string } | { kind: 'bot' }

/** GitHub's documented prefix of an installation token, the kind `GITHUB_TOKEN` is. */
export const isInstallationToken = (token: string): boolean => token.startsWith('ghs_')

/** Whether the token's own identity wrote an item: only such items are read back or edited. */
export function writtenBy(author: string | undefined, identity: Identity): boolean {
  if (!author) return false
  if (identity.kind === 'login') return author.toLowerCase() === identity.login.toLowerCase()
  return /^[a-z0-9][a-z0-9-]*\[bot\]$/i.test(author)
}
