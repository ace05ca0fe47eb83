/**
 * The JSON bodies the fake GitHub serves, built whole: every field GitHub's OpenAPI description
 * marks required, with its type, so the action is tested against the shapes GitHub sends and
 * not against the few fields it happens to read. `__tests__/openapi.test.ts` validates them.
 */

/** Where the fake serves from: the API base (`…/api/v3` on GHES) and the web origin. */
export interface Hosts {
  api: string
  web: string
}

export interface RepoFacts {
  id: number
  owner: string
  name: string
}

const STAMP = '2026-11-01T00:00:00Z'

/** `simple-user`: the owner of a repository. */
export function simpleUser(
  hosts: Hosts,
  login: string,
  id: number,
  type: 'Organization' | 'User' | 'Bot' = 'Organization'
) {
  const api = `${hosts.api}/users/${login}`
  return {
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `${hosts.web}/avatars/${login}`,
    gravatar_id: '',
    url: api,
    html_url: `${hosts.web}/${login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    site_admin: false
  }
}

/** The workflow's `GITHUB_TOKEN` writes as this account; a test may name another author. */
export const ACTIONS_BOT = 'github-actions[bot]'

/** The author of an issue or a comment: a bot (`…[bot]`) or a person. */
export function author(hosts: Hosts, login = ACTIONS_BOT) {
  const id = login === ACTIONS_BOT ? 41898282 : 60_000 + (login.length % 1000)
  return simpleUser(hosts, login, id, login.endsWith('[bot]') ? 'Bot' : 'User')
}

/** `public-user`: `GET /user` for a token that belongs to a person (a personal access token). */
export function authenticatedUser(hosts: Hosts, login: string) {
  return {
    ...author(hosts, login),
    user_view_type: 'public',
    name: null,
    company: null,
    blog: null,
    location: null,
    email: null,
    hireable: null,
    bio: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: STAMP,
    updated_at: STAMP
  }
}

/** `minimal-repository`: the `repository` and `head_repository` of a workflow run. */
export function minimalRepository(hosts: Hosts, repo: RepoFacts) {
  const full = `${repo.owner}/${repo.name}`
  const api = `${hosts.api}/repos/${full}`
  return {
    id: repo.id,
    node_id: `MDEwOlJlcG9zaXRvcnk${repo.id}`,
    name: repo.name,
    full_name: full,
    owner: simpleUser(hosts, repo.owner, repo.id + 1),
    private: false,
    html_url: `${hosts.web}/${full}`,
    description: null,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    hooks_url: `${api}/hooks`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`
  }
}

/** `full-repository`: `GET /repos/{owner}/{repo}`. */
export function fullRepository(hosts: Hosts, repo: RepoFacts, defaultBranch: string) {
  const full = `${repo.owner}/${repo.name}`
  const host = new URL(hosts.web).host
  return {
    ...minimalRepository(hosts, repo),
    clone_url: `${hosts.web}/${full}.git`,
    git_url: `git://${host}/${full}.git`,
    ssh_url: `git@${host}:${full}.git`,
    svn_url: `${hosts.web}/${full}`,
    mirror_url: null,
    homepage: null,
    language: 'Go',
    default_branch: defaultBranch,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 1,
    open_issues: 0,
    open_issues_count: 0,
    network_count: 0,
    subscribers_count: 0,
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    license: null,
    pushed_at: STAMP,
    created_at: STAMP,
    updated_at: STAMP
  }
}

export interface RunFacts {
  id: number
  run_number: number
  run_attempt: number
  head_branch: string | null
  head_sha: string
  event: string
  status: string | null
  conclusion: string | null
  created_at: string
  /** When the run last changed (for a completed run, when it completed); created_at if unset. */
  updated_at?: string
  workflowId: number
  workflowPath: string
  repository: RepoFacts
  /** Null for a run whose head repository was deleted (see the note in openapi.test.ts). */
  headRepository: RepoFacts | null
}

/** `workflow-run`: one item of `GET …/actions/workflows/{workflow_id}/runs`. */
export function workflowRun(hosts: Hosts, run: RunFacts) {
  const full = `${run.repository.owner}/${run.repository.name}`
  const api = `${hosts.api}/repos/${full}/actions/runs/${run.id}`
  return {
    id: run.id,
    name: 'chart',
    node_id: `WFR_${run.id}`,
    check_suite_id: run.id * 3,
    check_suite_node_id: `CS_${run.id}`,
    head_branch: run.head_branch,
    head_sha: run.head_sha,
    path: run.workflowPath,
    display_title: 'chart',
    run_number: run.run_number,
    run_attempt: run.run_attempt,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflowId,
    url: api,
    html_url: `${hosts.web}/${full}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.created_at,
    updated_at: run.updated_at ?? run.created_at,
    run_started_at: run.created_at,
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${hosts.api}/repos/${full}/check-suites/${run.id * 3}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${hosts.api}/repos/${full}/actions/workflows/${run.workflowId}`,
    head_commit: {
      id: run.head_sha,
      tree_id: run.head_sha,
      message: 'chart: bump',
      timestamp: run.created_at,
      author: { name: 'dev', email: 'dev@example.com' },
      committer: { name: 'dev', email: 'dev@example.com' }
    },
    repository: minimalRepository(hosts, run.repository),
    head_repository: run.headRepository && minimalRepository(hosts, run.headRepository)
  }
}

export interface ArtifactFacts {
  id: number
  name: string
  size_in_bytes: number
  expired: boolean
  created_at: string
  /** When it expires (or expired); created_at when unset. */
  expires_at?: string
  /** `sha256:…`, null for none, or undefined to leave the field out (GHES has no digests). */
  digest?: string | null
  /** Null when the run behind the artifact is unknown; the schema allows it. */
  workflowRun: {
    id: number
    repository_id: number
    head_repository_id: number
    head_branch: string
    head_sha: string
  } | null
  repository: RepoFacts
}

/** `artifact`: one item of the per-run and the repository-wide artifact listings. */
export function artifact(hosts: Hosts, a: ArtifactFacts) {
  const api = `${hosts.api}/repos/${a.repository.owner}/${a.repository.name}/actions/artifacts/${a.id}`
  return {
    id: a.id,
    node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
    name: a.name,
    size_in_bytes: a.size_in_bytes,
    url: api,
    archive_download_url: `${api}/zip`,
    expired: a.expired,
    ...(a.digest === undefined ? {} : { digest: a.digest }),
    created_at: a.created_at,
    expires_at: a.expires_at ?? a.created_at,
    updated_at: a.created_at,
    workflow_run: a.workflowRun
  }
}

export interface IssueFacts {
  number: number
  title: string
  body: string | null
  state: 'open' | 'closed'
  state_reason: 'completed' | 'duplicate' | 'not_planned' | 'reopened' | null
  labels: string[]
  comments: number
  created_at: string
  updated_at: string
  closed_at: string | null
  /** A pull request: the issues API answers for pull requests too. */
  pull_request?: boolean
  repository: RepoFacts
  /** Who wrote it; `github-actions[bot]` unless a test says otherwise. */
  author?: string
}

/** `label`: one item of an issue's labels, and `POST /repos/{owner}/{repo}/labels`. */
export function label(hosts: Hosts, repo: RepoFacts, name: string, id: number) {
  return {
    id,
    node_id: `LA_${id}`,
    url: `${hosts.api}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(name)}`,
    name,
    description: null,
    color: 'd62728',
    default: false
  }
}

/** `issue`: `GET /repos/{owner}/{repo}/issues` items, and the created or edited issue. */
export function issue(hosts: Hosts, i: IssueFacts) {
  const full = `${i.repository.owner}/${i.repository.name}`
  const api = `${hosts.api}/repos/${full}/issues/${i.number}`
  const kind = i.pull_request ? 'pull' : 'issues'
  return {
    id: 70_000 + i.number,
    node_id: `I_${i.number}`,
    url: api,
    repository_url: `${hosts.api}/repos/${full}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${hosts.web}/${full}/${kind}/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: i.state_reason,
    title: i.title,
    body: i.body,
    user: author(hosts, i.author),
    labels: i.labels.map((name, k) => label(hosts, i.repository, name, 500 + k)),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: i.comments,
    ...(i.pull_request
      ? {
          pull_request: {
            url: `${hosts.api}/repos/${full}/pulls/${i.number}`,
            html_url: `${hosts.web}/${full}/pull/${i.number}`,
            diff_url: `${hosts.web}/${full}/pull/${i.number}.diff`,
            patch_url: `${hosts.web}/${full}/pull/${i.number}.patch`,
            merged_at: null
          }
        }
      : {}),
    closed_at: i.closed_at,
    created_at: i.created_at,
    updated_at: i.updated_at,
    author_association: 'NONE'
  }
}

export interface CommentFacts {
  id: number
  issue: number
  body: string
  created_at: string
  updated_at: string
  repository: RepoFacts
  /** Who wrote it; `github-actions[bot]` unless a test says otherwise. */
  author?: string
}

/** `issue-comment`: `GET …/issues/{issue_number}/comments` items, and the created or edited one. */
export function issueComment(hosts: Hosts, c: CommentFacts) {
  const full = `${c.repository.owner}/${c.repository.name}`
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${hosts.api}/repos/${full}/issues/comments/${c.id}`,
    body: c.body,
    html_url: `${hosts.web}/${full}/issues/${c.issue}#issuecomment-${c.id}`,
    user: author(hosts, c.author),
    created_at: c.created_at,
    updated_at: c.updated_at,
    issue_url: `${hosts.api}/repos/${full}/issues/${c.issue}`,
    author_association: 'NONE'
  }
}

/** One step of a job: `completed_at` and `started_at` null until it starts or ends. */
export interface StepFacts {
  name: string
  number: number
  status: 'queued' | 'in_progress' | 'completed'
  conclusion: string | null
  started_at: string | null
  completed_at: string | null
}

export interface JobFacts {
  id: number
  run_id: number
  run_attempt: number
  name: string
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending'
  conclusion: string | null
  created_at: string
  started_at: string
  completed_at: string | null
  head_sha: string
  head_branch: string | null
  labels: string[]
  runner_name: string | null
  runner_group_name: string | null
  steps: StepFacts[]
  repository: RepoFacts
}

/** `job`: one item of `GET …/actions/runs/{run_id}/jobs` (and of an attempt's jobs). */
export function job(hosts: Hosts, j: JobFacts) {
  const full = `${j.repository.owner}/${j.repository.name}`
  const api = `${hosts.api}/repos/${full}`
  return {
    id: j.id,
    run_id: j.run_id,
    run_url: `${api}/actions/runs/${j.run_id}`,
    run_attempt: j.run_attempt,
    node_id: `CR_${j.id}`,
    head_sha: j.head_sha,
    url: `${api}/actions/jobs/${j.id}`,
    html_url: `${hosts.web}/${full}/actions/runs/${j.run_id}/job/${j.id}`,
    status: j.status,
    conclusion: j.conclusion,
    created_at: j.created_at,
    started_at: j.started_at,
    completed_at: j.completed_at,
    name: j.name,
    steps: j.steps,
    check_run_url: `${api}/check-runs/${j.id}`,
    labels: j.labels,
    runner_id: j.runner_name === null ? null : 7,
    runner_name: j.runner_name,
    runner_group_id: j.runner_group_name === null ? null : 1,
    runner_group_name: j.runner_group_name,
    workflow_name: 'chart',
    head_branch: j.head_branch
  }
}
