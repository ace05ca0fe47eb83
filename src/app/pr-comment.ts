/** The sticky pull request comment against GitHub: find it by its marker, then edit or add it. */
import * as core from '@actions/core'
import type { PrCommentMode } from '../core/inputs/config.js'
import type { PullRequestFacts } from '../io/context.js'
import type { Client } from '../github/client.js'
import { addComment, editComment, listComments } from '../github/comments.js'
import type { RepoRef } from '../github/issues.js'
import { prCommentBody } from '../render/pr-comment.js'
import { computeStats } from '../core/verdict/rubric.js'
import { commentMarker, isCommentOf, prCommentStep } from '../core/notify/tracking.js'
import type { Report } from '../core/types.js'

export interface CommentRequest {
  ref: RepoRef
  gate: string
  mode: PrCommentMode
  pr: PullRequestFacts
  workflow: string
  baseBranch: string
  /** The pull request's own samples: this workflow's runs on its head branch, `pull_request` events. */
  readOwn: () => Promise<Report>
  now: Date
}

/** Adds or edits this gate's comment on the pull request, as `pr-comment` asks. */
export async function stickyComment(
  client: Client,
  report: Report,
  request: CommentRequest
): Promise<void> {
  const { ref, gate, pr } = request
  const { budget } = report
  // Watched metrics only: no budget to compare the pull request with.
  if (budget === null) return
  const current = report.samples.find(s => s.current)?.value
  // The default branch's own samples: this run's (a pull request's) is never among them.
  const base = (report.history ?? report.samples).filter(s => !s.current).slice(0, report.window)
  const own = await request.readOwn()
  const ownValues = own.samples.map(s => s.value)
  const prMedian = computeStats(ownValues).median
  const existing = (await listComments(client, ref, pr.number)).find(c => isCommentOf(c.body, gate))
  const step = prCommentStep({
    mode: request.mode,
    budget,
    current,
    prMedian,
    exists: existing !== undefined
  })
  if (step === 'none') {
    core.info('Pull request comment: nothing over the budget, so none (pr-comment: on-breach)')
    return
  }
  const body = prCommentBody({
    marker: commentMarker(gate),
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
  if (existing) await editComment(client, ref, existing.id, body)
  else await addComment(client, ref, pr.number, body)
  core.info(`Pull request comment: ${existing ? 'edited' : 'added'} on #${pr.number}`)
}
