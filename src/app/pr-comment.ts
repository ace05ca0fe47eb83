/** The sticky pull request comment against GitHub: find it by its marker, then edit or add it. */
import * as core from '@actions/core'
import type { PrCommentMode } from '../core/inputs/config.js'
import type { PullRequestFacts } from '../io/context.js'
import type { Client } from '../github/client.js'
import { addComment, editComment, listComments, type CommentInfo } from '../github/comments.js'
import { mayHaveTakenEffect } from '../github/failures.js'
import { MAX_PAGES, type RepoRef } from '../github/issues.js'
import { prCommentBody } from '../render/pr-comment.js'
import { computeStats } from '../core/verdict/rubric.js'
import { commentMarker, isCommentOf, prCommentStep } from '../core/notify/tracking.js'
import type { Report } from '../core/types.js'
import type { Ownership } from './ownership.js'

export interface CommentRequest {
  ref: RepoRef
  gate: string
  mode: PrCommentMode
  pr: PullRequestFacts
  workflow: string
  baseBranch: string
  /** The pull request's own samples: this workflow's runs on its head branch, `pull_request` events. */
  readOwn: () => Promise<Report>
  /** Tells this gate's comment from others' text that carries its marker. */
  ownership: Ownership
  now: Date
}

const WHAT = 'Pull request comment'

/** Adds or edits this gate's comment on the pull request, as `pr-comment` asks. */
export async function stickyComment(
  client: Client,
  report: Report,
  request: CommentRequest
): Promise<void> {
  const { ref, pr } = request
  const { budget } = report
  // Watched metrics only: no budget to compare the pull request with.
  if (budget === null) return
  const current = report.samples.find(s => s.current)?.value
  // The default branch's own samples: this run's (a pull request's) is never among them.
  const base = (report.history ?? report.samples).filter(s => !s.current).slice(0, report.window)
  const own = await request.readOwn()
  const ownValues = own.samples.map(s => s.value)
  const prMedian = computeStats(ownValues).median
  const found = await findComment(client, request)
  const step = prCommentStep({
    mode: request.mode,
    budget,
    current,
    prMedian,
    exists: found.existing !== undefined
  })
  if (step === 'none') {
    core.info(`${WHAT}: nothing over the budget, so none (pr-comment: on-breach)`)
    return
  }
  const body = prCommentBody({
    marker: commentMarker(request.gate),
    workflow: request.workflow,
    budget,
    current,
    base: {
      branch: request.baseBranch,
      values: base.map(s => s.value),
      stats: computeStats(base.map(s => s.value))
    },
    pr: { branch: pr.headRef, values: ownValues, median: prMedian },
    now: request.now
  })
  if (found.existing) {
    await editComment(client, ref, found.existing.id, body)
    core.info(`${WHAT}: edited on #${pr.number}`)
    return
  }
  if (!found.complete)
    throw new Error(
      `over ${MAX_PAGES * 100} comments on #${pr.number}, the most read; not adding one that may be a duplicate`
    )
  await addOnce(client, request, body)
  core.info(`${WHAT}: added on #${pr.number}`)
}

/** The gate's comment the token wrote, the oldest when there are several; and whether the listing was read to its end. */
async function findComment(
  client: Client,
  request: CommentRequest
): Promise<{ existing?: CommentInfo; complete: boolean }> {
  const listed = await listComments(client, request.ref, request.pr.number)
  const marked = listed.items.filter(c => isCommentOf(c.body, request.gate))
  const [existing] = await request.ownership.own(marked, WHAT)
  return { existing, complete: listed.complete }
}

/**
 * Adds the comment once (never retried): a create that took effect and then answered 5xx
 * would otherwise leave two, one stale for ever. When the failure may have taken effect, the
 * listing says whether it did.
 */
async function addOnce(client: Client, request: CommentRequest, body: string): Promise<void> {
  try {
    await addComment(client, request.ref, request.pr.number, body)
  } catch (error) {
    if (!mayHaveTakenEffect(error)) throw error
    const made = (await findComment(client, request).catch(() => undefined))?.existing
    if (!made) throw error
    core.info(`${WHAT}: the create failed on its way back, but the comment was added`)
  }
}
