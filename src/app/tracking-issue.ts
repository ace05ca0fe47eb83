/** The tracking issue's lifecycle against GitHub: find, open, edit, comment, close. */
import * as core from '@actions/core'
import type { Client } from '../github/client.js'
import { addComment } from '../github/comments.js'
import { mayHaveTakenEffect } from '../github/failures.js'
import {
  MAX_PAGES,
  createIssue,
  editIssue,
  ensureLabel,
  listOpenIssues,
  type IssueInfo,
  type RepoRef
} from '../github/issues.js'
import {
  attributionComment,
  closingComment,
  duplicateComment,
  issueBody,
  issueTitle,
  type Where
} from '../render/issue.js'
import {
  attributionKey,
  attributionOf,
  isIssueOf,
  issueMarker,
  keepOldest,
  nearbyKeys,
  nextIssueStep,
  readState
} from '../core/notify/tracking.js'
import { replayVerdicts, type GateRule } from '../core/history/replay.js'
import type { Report } from '../core/types.js'
import type { Ownership } from './ownership.js'

export interface IssueRequest {
  ref: RepoRef
  gate: string
  labels: string[]
  /** The check's settings: the look back over recent runs replays the gate with them. */
  rule: GateRule
  where: Where
  /** Tells this gate's issues from others' text that carries its marker. */
  ownership: Ownership
  /**
   * Told the number of the issue left open as soon as it is known (undefined once closed),
   * so that a later failure (a refused edit, a failed listing) still names it.
   */
  known: (number: number | undefined) => void
}

const WHAT = 'Tracking issue'

/** Runs one check's step of the lifecycle. */
export async function trackIssue(
  client: Client,
  report: Report,
  request: IssueRequest
): Promise<void> {
  const { ref, gate, where } = request
  const found = await findIssue(client, request)
  const open = found.keep
  request.known(open?.number)
  const recent = replayVerdicts(report.history ?? report.samples, where.closeAfter, request.rule)
  const step = nextIssueStep({
    verdict: report.verdict,
    recent,
    open: open && readState(open.body, gate, where.now),
    attribution: attributionKey(attributionOf(report)),
    nearby: nearbyKeys(report),
    now: where.now
  })
  const title = issueTitle(report, where.workflow)
  switch (step.kind) {
    case 'none':
      return
    case 'open': {
      if (!found.complete)
        throw new Error(
          `over ${MAX_PAGES * 100} open issues carry the label ${request.labels[0]}, the most read; not opening one that may be a duplicate`
        )
      for (const label of request.labels) await ensureLabel(client, ref, label)
      const body = issueBody(issueMarker(gate, step.state), report, where)
      const created = await createOnce(client, request, () =>
        createIssue(client, ref, { title, body, labels: request.labels })
      )
      request.known(created.number)
      request.ownership.learn(created.author)
      // Another check may have opened one at the same moment: the oldest stays.
      const kept = (await findIssue(client, request)).keep ?? created
      request.known(kept.number)
      core.info(`${WHAT}: opened #${kept.number} (${kept.html_url})`)
      return
    }
    case 'update': {
      if (!open) return
      const body = issueBody(issueMarker(gate, step.state), report, where)
      await editIssue(client, ref, open.number, { title, body })
      if (step.comment) await addComment(client, ref, open.number, attributionComment(report))
      core.info(
        `${WHAT}: #${open.number} updated${step.comment ? ', with a comment on the newly attributed run' : ''}`
      )
      return
    }
    case 'close': {
      if (!open) return
      // Closed first: a close that fails leaves no comment behind to be posted again next time.
      await editIssue(client, ref, open.number, { state: 'closed', reason: 'completed' })
      request.known(undefined)
      await addComment(client, ref, open.number, closingComment(report, where.closeAfter))
      core.info(`${WHAT}: #${open.number} closed, the median is back within the budget`)
      return
    }
  }
}

/**
 * Creates the issue once (never retried); when the create fails in a way that may have taken
 * effect (a 5xx, no answer), the listing says whether it did.
 */
async function createOnce(
  client: Client,
  request: IssueRequest,
  create: () => Promise<IssueInfo>
): Promise<IssueInfo> {
  try {
    return await create()
  } catch (error) {
    if (!mayHaveTakenEffect(error)) throw error
    const made = (await findIssue(client, request).catch(() => undefined))?.keep
    if (!made) throw error
    core.info(`${WHAT}: the create failed on its way back, but #${made.number} was opened`)
    return made
  }
}

/**
 * This gate's open issue, of those the token wrote: the oldest, when two checks opened one
 * each at once; the newer are closed as its duplicates, by one edit each that two checks can
 * make alike. `complete` says whether the listing was read to its end.
 */
async function findIssue(
  client: Client,
  request: IssueRequest
): Promise<{ keep?: IssueInfo; complete: boolean }> {
  const listed = await listOpenIssues(client, request.ref, request.labels[0])
  const marked = listed.items.filter(i => isIssueOf(i.body, request.gate))
  const own = await request.ownership.own(marked, WHAT)
  const { keep, close } = keepOldest(own)
  for (const issue of close) {
    if (!keep) break
    await editIssue(client, request.ref, issue.number, {
      body: duplicateComment(keep.number),
      state: 'closed',
      reason: 'duplicate'
    })
    core.info(`${WHAT}: #${issue.number} closed as a duplicate of #${keep.number}`)
  }
  return { keep, complete: listed.complete }
}
