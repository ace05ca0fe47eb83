/** Comments on an issue or a pull request (GitHub files both under the issues API). */
import type { Client } from './client.js'
import type { RepoRef } from './issues.js'

export interface CommentInfo {
  id: number
  body: string | null
}

/** A pull request with more comments than this is not searched further for the marker. */
const MAX_PAGES = 5

/** The comments of issue or pull request `number`, oldest first. */
export async function listComments(
  client: Client,
  ref: RepoRef,
  number: number
): Promise<CommentInfo[]> {
  const found: CommentInfo[] = []
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { data } = await client.rest.issues.listComments({
      ...ref,
      issue_number: number,
      per_page: 100,
      page
    })
    if (!Array.isArray(data)) throw new Error('the comment listing is not a list')
    for (const item of data as unknown[]) {
      const c = item as Record<string, unknown> | null
      if (c && Number.isSafeInteger(c.id))
        found.push({ id: c.id as number, body: typeof c.body === 'string' ? c.body : null })
    }
    if (data.length < 100) break
  }
  return found
}

export async function addComment(
  client: Client,
  ref: RepoRef,
  number: number,
  body: string
): Promise<void> {
  await client.rest.issues.createComment({ ...ref, issue_number: number, body })
}

export async function editComment(
  client: Client,
  ref: RepoRef,
  id: number,
  body: string
): Promise<void> {
  await client.rest.issues.updateComment({ ...ref, comment_id: id, body })
}
