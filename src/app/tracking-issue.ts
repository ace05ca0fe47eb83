/** The tracking issue's lifecycle against GitHub: find, open, edit, comment, close. */
import * as core from '@actions/core'
import type { Client } from '../github/client.js'
import { addComment } from '../github/comments.js'
import {
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

export interface IssueRequest {
  ref: RepoRef
  gate: string
  labels: string[]
  /** The check's settings: the look back over recent runs replays the gate with them. */
  rule: GateRule
  where: Where
}

/** Runs one check's step of the lifecycle; answers the number of the issue left open. */
export async function trackIssue(
  client: Client,
  report: Report,
  request: IssueRequest
): Promise<number | undefined> {
  const { ref, gate, where } = request
  const open = await findIssue(client, request)
  const recent = replayVerdicts(report.history ?? report.samples, where.closeAfter, request.rule)
  const step = nextIssueStep({
    verdict: report.verdict,
    recent,
    open: open && readState(open.body, gate),
    attribution: attributionKey(attributionOf(report)),
    nearby: nearbyKeys(report),
    now: where.now
  })
  const title = issueTitle(report, where.workflow)
  switch (step.kind) {
    case 'none':
      return open?.number
    case 'open': {
      for (const label of request.labels) await ensureLabel(client, ref, label)
      const body = issueBody(issueMarker(gate, step.state), report, where)
      const created = await createIssue(client, ref, { title, body, labels: request.labels })
      // Another check may have opened one at the same moment: the oldest stays.
      const kept = (await findIssue(client, request)) ?? created
      core.info(`Tracking issue: opened #${kept.number} (${kept.html_url})`)
      return kept.number
    }
    case 'update': {
      if (!open) return undefined
      const body = issueBody(issueMarker(gate, step.state), report, where)
      await editIssue(client, ref, open.number, { title, body })
      if (step.comment) await addComment(client, ref, open.number, attributionComment(report))
      core.info(
        `Tracking issue: #${open.number} updated${step.comment ? ', with a comment on the newly attributed run' : ''}`
      )
      return open.number
    }
    case 'close': {
      if (!open) return undefined
      await addComment(client, ref, open.number, closingComment(report, where.closeAfter))
      await editIssue(client, ref, open.number, { state: 'closed', reason: 'completed' })
      core.info(`Tracking issue: #${open.number} closed, the median is back within the budget`)
      return undefined
    }
  }
}

/**
 * This gate's open issue: the oldest, when two checks opened one each at once; the newer are
 * closed as its duplicates, by one edit each that two checks can make alike.
 */
async function findIssue(client: Client, request: IssueRequest): Promise<IssueInfo | undefined> {
  const listed = await listOpenIssues(client, request.ref, request.labels[0])
  const { keep, close } = keepOldest(listed.filter(i => isIssueOf(i.body, request.gate)))
  for (const issue of close) {
    if (!keep) break
    await editIssue(client, request.ref, issue.number, {
      body: duplicateComment(keep.number),
      state: 'closed',
      reason: 'duplicate'
    })
    core.info(`Tracking issue: #${issue.number} closed as a duplicate of #${keep.number}`)
  }
  return keep
}
