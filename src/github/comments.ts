/** Comments on an issue or a pull request (GitHub files both under the issues API). */
import type { Client } from './client.js'
import { ONCE, authorOf, listAll, type Listed, type RepoRef } from './issues.js'

export interface CommentInfo {
  id: number
  body: string | null
  /** Its author's login, when GitHub named one. */
  author?: string
}

/** The comments of issue or pull request `number`, oldest first. */
export async function listComments(
  client: Client,
  ref: RepoRef,
  number: number
): Promise<Listed<CommentInfo>> {
  return listAll(
    page =>
      client.octokit.rest.issues.listComments({
        ...ref,
        issue_number: number,
        per_page: 100,
        page
      }),
    item => {
      const c = item as Record<string, unknown> | null
      return c && typeof c === 'object' && Number.isSafeInteger(c.id)
        ? {
            id: c.id as number,
            body: typeof c.body === 'string' ? c.body : null,
            author: authorOf(c)
          }
        : undefined
    },
    'the comment listing'
  )
}

export async function addComment(
  client: Client,
  ref: RepoRef,
  number: number,
  body: string
): Promise<void> {
  await client.octokit.rest.issues.createComment({ ...ref, issue_number: number, body, ...ONCE })
}

export async function editComment(
  client: Client,
  ref: RepoRef,
  id: number,
  body: string
): Promise<void> {
  await client.octokit.rest.issues.updateComment({ ...ref, comment_id: id, body })
}
