/**
 * The tracking issue's calls: list open issues by label, create the label, create and edit
 * an issue. Issue bodies are anyone's text: only the fields read here are kept, each checked.
 */
import type { Client } from './client.js'

export interface RepoRef {
  owner: string
  repo: string
}

/** An open issue as the tracking logic reads it. */
export interface IssueInfo {
  number: number
  body: string | null
  html_url: string
}

/** A listing holds at most this many pages of 100: plenty for one label, or one pull request. */
const MAX_PAGES = 5

/** Pages of 100 items, read until a short page or the cap; each item kept when `pick` reads it. */
export async function listSmall<T>(
  page: (n: number) => Promise<{ data: unknown }>,
  pick: (item: unknown) => T | undefined,
  what: string
): Promise<T[]> {
  const found: T[] = []
  for (let n = 1; n <= MAX_PAGES; n++) {
    const { data } = await page(n)
    if (!Array.isArray(data)) throw new Error(`${what} is not a list`)
    for (const item of data as unknown[]) {
      const picked = pick(item)
      if (picked !== undefined) found.push(picked)
    }
    if (data.length < 100) break
  }
  return found
}

/**
 * Open issues carrying `label`, oldest first; pull requests (which the issues API also
 * answers) are dropped. Not the search API: its index lags behind a just-opened issue and
 * it allows 30 requests a minute.
 */
export async function listOpenIssues(
  client: Client,
  ref: RepoRef,
  label: string
): Promise<IssueInfo[]> {
  return listSmall(
    page =>
      client.octokit.rest.issues.listForRepo({
        ...ref,
        labels: label,
        state: 'open',
        sort: 'created',
        direction: 'asc',
        per_page: 100,
        page
      }),
    issueInfo,
    'the issue listing'
  )
}

function issueInfo(item: unknown): IssueInfo | undefined {
  const i = item as Record<string, unknown> | null
  if (!i || typeof i !== 'object' || ('pull_request' in i && i.pull_request)) return undefined
  if (!Number.isSafeInteger(i.number) || typeof i.html_url !== 'string') return undefined
  return {
    number: i.number as number,
    body: typeof i.body === 'string' ? i.body : null,
    html_url: i.html_url
  }
}

/**
 * Creates the label; one that exists already answers 422, which is fine. GitHub creates a
 * missing label with the issue only by undocumented behaviour, so it is not relied on.
 */
export async function ensureLabel(client: Client, ref: RepoRef, name: string): Promise<void> {
  try {
    await client.octokit.rest.issues.createLabel({
      ...ref,
      name,
      color: 'd62728',
      description: 'Rolling median over budget (helm-rolling-action)'
    })
  } catch (error) {
    if ((error as { status?: number }).status !== 422) throw error
  }
}

export async function createIssue(
  client: Client,
  ref: RepoRef,
  issue: { title: string; body: string; labels: string[] }
): Promise<IssueInfo> {
  const { data } = await client.octokit.rest.issues.create({ ...ref, ...issue })
  const created = issueInfo(data)
  if (!created) throw new Error('the created issue came back without a number')
  return created
}

export async function editIssue(
  client: Client,
  ref: RepoRef,
  number: number,
  change: { title?: string; body?: string; state?: 'closed'; reason?: 'completed' | 'duplicate' }
): Promise<void> {
  await client.octokit.rest.issues.update({
    ...ref,
    issue_number: number,
    ...(change.title === undefined ? {} : { title: change.title }),
    ...(change.body === undefined ? {} : { body: change.body }),
    ...(change.state ? { state: change.state, state_reason: change.reason } : {})
  })
}
