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
  /** Its author's login, when GitHub named one (a deleted account has none). */
  author?: string
}

/**
 * The most pages of 100 one listing reads: 10,000 open issues under one label, or comments on
 * one pull request. The gate's own item may sit anywhere in a long list (the sticky comment
 * early, an issue among hundreds of others), so the listing is read to its end up to this.
 */
export const MAX_PAGES = 100

/** What a listing read: its items, and whether it reached its end within `MAX_PAGES`. */
export interface Listed<T> {
  items: T[]
  complete: boolean
}

/** Pages of 100 items, read until a short page or the cap; each item kept when `pick` reads it. */
export async function listAll<T>(
  page: (n: number) => Promise<{ data: unknown }>,
  pick: (item: unknown) => T | undefined,
  what: string,
  maxPages = MAX_PAGES
): Promise<Listed<T>> {
  const items: T[] = []
  for (let n = 1; n <= maxPages; n++) {
    const { data } = await page(n)
    if (!Array.isArray(data)) throw new Error(`${what} is not a list`)
    for (const item of data as unknown[]) {
      const picked = pick(item)
      if (picked !== undefined) items.push(picked)
    }
    if (data.length < 100) return { items, complete: true }
  }
  return { items, complete: false }
}

/** The login of an item's `user`, when it is a string. */
export function authorOf(item: Record<string, unknown>): string | undefined {
  const user = item.user as Record<string, unknown> | null | undefined
  return user && typeof user === 'object' && typeof user.login === 'string' ? user.login : undefined
}

/**
 * A create is not idempotent: one that took effect and then answered 5xx would be made twice
 * by a retry. Creates are therefore tried once; the caller looks for what it made instead.
 */
export const ONCE = { request: { retries: 0 } } as const

/**
 * Open issues carrying `label`, oldest first; pull requests (which the issues API also
 * answers) are dropped. Not the search API: its index lags behind a just-opened issue and
 * it allows 30 requests a minute.
 */
export async function listOpenIssues(
  client: Client,
  ref: RepoRef,
  label: string
): Promise<Listed<IssueInfo>> {
  return listAll(
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
    html_url: i.html_url,
    author: authorOf(i)
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
  const { data } = await client.octokit.rest.issues.create({ ...ref, ...issue, ...ONCE })
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
