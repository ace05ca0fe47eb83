import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { FakeCacheService } from './cache-service.js'
import * as shapes from './github-json.js'
import type { FakeJob } from './jobs.js'

/**
 * A fake of the slice of GitHub's REST API the action uses, on loopback, with the shapes of
 * GitHub's documentation: Link-header pagination, the 302 from the artifact endpoint to a
 * signed blob URL on another origin, 410 for expired artifacts, auth, and rate-limit headers.
 * Tests steer it with injected faults and latency, and read back every request it served.
 */

export interface FakeArtifact {
  name: string
  zip: Buffer
  expired?: boolean
  /** Reported size; defaults to the zip's real size. */
  sizeInBytes?: number
  /** `workflow_run.id` reported for the artifact; defaults to its run; null: `workflow_run: null`. */
  workflowRunId?: number | null
  /** `digest` reported; defaults to the zip's real sha256, `null` for none. */
  digest?: string | null
  /** When the upload started; defaults to the run's created_at. */
  createdAt?: string
  /**
   * When the upload finished, where the repository-wide listing places it; defaults to
   * createdAt. A long upload is listed here, among artifacts created long after it.
   */
  finishedAt?: string
  /** When it expires; defaults to 90 days from now, or created_at for an expired one. */
  expiresAt?: string
}

export interface FakeRun {
  id: number
  run_number: number
  /** Null as GitHub sends it for a run whose branch is gone. */
  head_branch: string | null
  head_sha: string
  event: string
  status: string | null
  conclusion: string | null
  created_at: string
  /** When it completed; defaults to created_at. */
  updated_at?: string
  /**
   * Another workflow of the repository: its runs are not in our workflow's listing, but its
   * artifacts interleave with ours in the repository-wide listing.
   */
  workflow?: string
  /** 1 unless the run was re-run. */
  run_attempt?: number
  /** Head repository: ours (default), another (a fork), or null (deleted fork). */
  head?: 'own' | 'fork' | 'null'
  artifacts: FakeArtifact[]
  /** Its jobs with their steps' times (`GET …/runs/{run_id}/jobs`); none by default. */
  jobs?: FakeJob[]
}

export interface Fault {
  method?: string
  /** Matched against the path and query of the request. */
  path: RegExp
  /** How many matching requests get the fault; then it is spent. */
  times: number
  status?: number
  headers?: Record<string, string>
  body?: unknown
  /** Never answer: the connection stays open until the server stops. */
  hang?: boolean
  /**
   * Serve the normal answer, with `headers` merged and `rewrite` applied (see faults.ts for
   * the fault models built on these).
   */
  passThrough?: boolean
  rewrite?: (answer: Answer, url: URL) => Answer
  /** Runs before the answer is made: the history changes between two requests. */
  before?: (fake: FakeGitHub) => void
  /** Send the headers (with the full length) and this many bytes of the body, then reset. */
  resetAfter?: number
  /** Send the headers and this many bytes of the body, then nothing more, never ending. */
  stallAfter?: number
  /** Wait this long, then serve the normal answer (a slow service, a slow create). */
  delayMs?: number
  /**
   * Hold the request until this many requests matching `path` (and `method`) have been
   * answered, then serve it normally: another process's lookup answered first, by design
   * rather than by a delay that a loaded machine may outlast.
   */
  holdUntil?: { method?: string; path: RegExp; answered: number }
}

/** One answer of the fake: status, body (JSON unless a string or Buffer) and headers. */
export interface Answer {
  status: number
  body: unknown
  headers: Record<string, string>
}

export interface RequestRecord {
  method: string
  path: string
  authorization?: string
  status: number
  /** Wall-clock ms (Date.now) when the request arrived and when its answer was sent. */
  at: number
  doneAt?: number
}

/** An artifact uploaded through the fake Actions results service (the record path). */
export interface Upload {
  name: string
  runId: number
  expiresAt?: string
  blocks: Map<string, Buffer>
  zip?: Buffer
  finalized: boolean
}

export interface FakeOptions {
  owner?: string
  repo?: string
  repoId?: number
  workflow?: string
  workflowId?: number
  defaultBranch?: string
  token?: string
  runs?: FakeRun[]
  latencyMs?: number
  /** Path the REST API lives under: '' on api.github.com, '/api/v3' on GitHub Enterprise Server. */
  apiPrefix?: string
  /** `x-ratelimit-*` headers on every answer; GHES with rate limiting off sends none. */
  rateLimitHeaders?: boolean
  /** Artifacts carry a `digest`; GHES (and artifacts from upload-artifact v3) have none. */
  digests?: boolean
  /** The web origin in `html_url`s: https://github.com, or the GHES host. */
  webUrl?: string
  /** What the token may do with issues and pull requests; `write` unless a test says less. */
  permissions?: Permissions
  /**
   * The person a token belongs to (a personal access token): `GET /user` names them and they
   * author what the token writes. Unset: an installation token such as the workflow's
   * `GITHUB_TOKEN`, whose `GET /user` is refused and which writes as `github-actions[bot]`.
   */
  tokenLogin?: string
}

export type Access = 'none' | 'read' | 'write'

export interface Permissions {
  issues: Access
  pullRequests: Access
}

/** An issue or a pull request, as the issues API keeps them. */
export type FakeIssue = Omit<shapes.IssueFacts, 'repository'>

export type FakeComment = Omit<shapes.CommentFacts, 'repository'>

/** GitHub's refusal when the job's token lacks the permission. */
const NOT_ACCESSIBLE = {
  message: 'Resource not accessible by integration',
  documentation_url: 'https://docs.github.com/rest',
  status: '403'
}

export class FakeGitHub {
  readonly owner: string
  readonly repo: string
  readonly repoId: number
  readonly workflow: string
  readonly workflowId: number
  readonly defaultBranch: string
  readonly token: string
  runs: FakeRun[]
  latencyMs: number
  readonly apiPrefix: string
  readonly rateLimitHeaders: boolean
  readonly digests: boolean
  readonly webUrl: string
  faults: Fault[] = []
  /**
   * The server's clock minus the runner's: sent in every `date` header, and the time by which
   * an artifact past its `expires_at` answers 410, whatever its `expired` flag says.
   */
  clockSkewMs = 0
  permissions: Permissions
  tokenLogin?: string
  /** Issues and pull requests, by number; their comments; the repository's labels. */
  issues: FakeIssue[] = []
  comments: FakeComment[] = []
  labels = new Set<string>()
  readonly requests: RequestRecord[] = []
  private server?: Server
  private sockets = new Set<Socket>()
  private blobs = new Map<number, FakeArtifact>()
  readonly uploads = new Map<string, Upload>()
  /** The Actions cache service (v2) and its blob store: see cache-service.ts. */
  readonly cache = new FakeCacheService(() => this.url)
  url = ''

  constructor(options: FakeOptions = {}) {
    this.owner = options.owner ?? 'tracecore'
    this.repo = options.repo ?? 'tracecore'
    this.repoId = options.repoId ?? 1001
    this.workflow = options.workflow ?? 'chart.yml'
    this.workflowId = options.workflowId ?? 4242
    this.defaultBranch = options.defaultBranch ?? 'main'
    this.token = options.token ?? 'fake-token'
    this.runs = options.runs ?? []
    this.latencyMs = options.latencyMs ?? 0
    this.apiPrefix = options.apiPrefix ?? ''
    this.rateLimitHeaders = options.rateLimitHeaders ?? true
    this.digests = options.digests ?? true
    this.webUrl = options.webUrl ?? 'https://github.com'
    this.permissions = options.permissions ?? { issues: 'write', pullRequests: 'write' }
    this.tokenLogin = options.tokenLogin
  }

  /** Who the token's writes are authored by. */
  get writer(): string {
    return this.tokenLogin ?? shapes.ACTIONS_BOT
  }

  /** Puts an issue in place as if someone had opened it: open, labelled as given. */
  addIssue(issue: Pick<FakeIssue, 'body'> & Partial<FakeIssue>): FakeIssue {
    const added: FakeIssue = {
      number: Math.max(0, ...this.issues.map(i => i.number)) + 1,
      title: 'an issue',
      state: 'open',
      state_reason: null,
      labels: [],
      comments: 0,
      created_at: STAMP_NOW(),
      updated_at: STAMP_NOW(),
      closed_at: null,
      ...issue
    }
    this.issues.push(added)
    return added
  }

  /** Puts a comment on issue or pull request `number`, as `author` wrote it. */
  addComment(number: number, body: string, author?: string): FakeComment {
    const comment: FakeComment = {
      id: 80_000 + this.comments.length + 1,
      issue: number,
      body,
      created_at: STAMP_NOW(),
      updated_at: STAMP_NOW(),
      author
    }
    this.comments.push(comment)
    const on = this.issues.find(i => i.number === number)
    if (on) on.comments++
    return comment
  }

  /** Forgets every issue, pull request, comment and label. */
  resetIssues(): void {
    this.issues = []
    this.comments = []
    this.labels.clear()
  }

  /** Opens a pull request (an issue with `pull_request`), for comments to land on. */
  addPullRequest(number: number): void {
    this.addIssue({ number, title: 'chart: faster probe', body: null, pull_request: true })
  }

  openIssues(): FakeIssue[] {
    return this.issues.filter(i => i.state === 'open' && !i.pull_request)
  }

  commentsOn(number: number): FakeComment[] {
    return this.comments.filter(c => c.issue === number)
  }

  /** The REST API's base URL, as the runner gives it in GITHUB_API_URL. */
  get apiUrl(): string {
    return this.url + this.apiPrefix
  }

  private get hosts(): shapes.Hosts {
    return { api: this.apiUrl, web: this.webUrl }
  }

  private get own(): shapes.RepoFacts {
    return { id: this.repoId, owner: this.owner, name: this.repo }
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res))
    this.server.on('connection', socket => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    await new Promise<void>(resolve => this.server?.listen(port, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.url
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(resolve =>
      this.server ? this.server.close(() => resolve()) : resolve()
    )
  }

  /** Requests served, without the blob hops and the cache service, as "GET /path" lines. */
  /** REST API requests, the ones the rate limit counts: not blobs, the cache or artifact upload services. */
  apiCalls(): string[] {
    return this.requests
      .filter(
        r =>
          !r.path.startsWith('/blob/') &&
          !this.cache.serves(r.path) &&
          !r.path.startsWith('/twirp/github.actions.results.api.v1.ArtifactService/') &&
          !r.path.startsWith('/devstoreaccount1/')
      )
      .map(r => `${r.method} ${r.path}`)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url)
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
      status: 0,
      at: Date.now()
    }
    res.on('finish', () => {
      record.doneAt = Date.now()
      this.wakeHeld()
    })
    const body = await readBody(req)
    this.requests.push(record)
    if (this.latencyMs > 0) {
      this.delayed++
      await new Promise(resolve => setTimeout(resolve, this.latencyMs))
      this.delayed--
    }
    const fault = this.faults.find(
      f => f.times > 0 && (!f.method || f.method === record.method) && f.path.test(record.path)
    )
    if (fault) {
      fault.times--
      fault.before?.(this)
      if (fault.hang) return
      if (fault.holdUntil) await this.heldUntil(fault.holdUntil)
      if (fault.delayMs) await new Promise(resolve => setTimeout(resolve, fault.delayMs))
      if (!fault.passThrough && !fault.delayMs && !fault.holdUntil) {
        record.status = fault.status ?? 500
        return this.send(
          res,
          record.status,
          fault.body ?? { message: 'Injected fault' },
          fault.headers,
          fault.resetAfter,
          fault.stallAfter
        )
      }
    }
    const [status, answer, headers] = this.cache.serves(url.pathname)
      ? await this.cache.handle(record.method, url, req.headers, body)
      : url.pathname.startsWith('/twirp/')
        ? this.twirp(url.pathname, body, req.headers.authorization)
        : url.pathname.startsWith('/devstoreaccount1/')
          ? this.blobUpload(url, body)
          : this.route(record.method, url, req.headers.authorization, body)
    let served: Answer = { status, body: answer, headers: { ...headers, ...fault?.headers } }
    if (fault?.rewrite) served = fault.rewrite(served, url)
    record.status = served.status
    this.send(res, served.status, served.body, served.headers, fault?.resetAfter, fault?.stallAfter)
  }

  private held: { done: () => boolean; release: () => void }[] = []
  /** Requests still in their latency, not yet handled (nor counted by the cache service). */
  private delayed = 0

  /**
   * Resolves once no request is still in its latency: a test that made the latency long and
   * whose action ended with a call on the way (given up on) waits here, so that the call is
   * not handled, and counted, during the next test.
   */
  async settled(): Promise<void> {
    while (this.delayed > 0) await new Promise(resolve => setTimeout(resolve, 10))
  }

  /** Resolves once `answered` requests matching the condition have been answered. */
  private heldUntil(until: NonNullable<Fault['holdUntil']>): Promise<void> {
    const done = () =>
      this.requests.filter(
        r =>
          r.doneAt !== undefined &&
          (!until.method || r.method === until.method) &&
          until.path.test(r.path)
      ).length >= until.answered
    if (done()) return Promise.resolve()
    return new Promise(release => this.held.push({ done, release }))
  }

  private wakeHeld(): void {
    const ready = this.held.filter(h => h.done())
    this.held = this.held.filter(h => !ready.includes(h))
    for (const h of ready) h.release()
  }

  private route(
    method: string,
    url: URL,
    authorization?: string,
    body: Buffer = Buffer.alloc(0)
  ): [number, unknown, Record<string, string>?] {
    const blob = /^\/blob\/(\d+)$/.exec(url.pathname)
    if (blob) return this.blob(Number(blob[1]), url, authorization)
    // A GHES fake serves only under its prefix; the plain one also answers under /api/v3, so a
    // test can point GITHUB_API_URL there without a second server.
    const prefix = this.apiPrefix || (/^\/api\/v3\//.test(url.pathname) ? '/api/v3' : '')
    if (!url.pathname.startsWith(`${prefix}/`)) return [404, { message: 'Not Found' }]
    // GitHub's links may name a repository by its id.
    const path = url.pathname
      .slice(prefix.length)
      .replace(
        new RegExp(`^/repositories/${this.repoId}(?=/)`),
        `/repos/${this.owner}/${this.repo}`
      )
    if (authorization !== `token ${this.token}` && authorization !== `Bearer ${this.token}`) {
      return [
        401,
        {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
          status: '401'
        }
      ]
    }
    if (path === '/user' && method === 'GET') return this.authenticated()
    const repoPath = `/repos/${this.owner}/${this.repo}`
    if (path.startsWith(`${repoPath}/issues`) || path === `${repoPath}/labels`)
      return this.issuesApi(method, path.slice(repoPath.length), url, body)
    if (method !== 'GET') return [404, { message: 'Not Found' }]
    if (path === repoPath) return [200, this.repository()]
    if (!path.startsWith(`${repoPath}/`)) return [404, { message: 'Not Found' }]
    const rest = path.slice(repoPath.length)
    let match = /^\/actions\/workflows\/([^/]+)\/runs$/.exec(rest)
    if (match) {
      const id = decodeURIComponent(match[1])
      if (id !== this.workflow && id !== String(this.workflowId))
        return [404, { message: 'Not Found' }]
      return this.listRuns(url)
    }
    match = /^\/actions\/runs\/(\d+)\/jobs$/.exec(rest)
    if (match) return this.listJobs(Number(match[1]), url)
    match = /^\/actions\/runs\/(\d+)\/attempts\/(\d+)\/jobs$/.exec(rest)
    if (match) return this.listJobs(Number(match[1]), url, Number(match[2]))
    match = /^\/actions\/runs\/(\d+)\/artifacts$/.exec(rest)
    if (match) return this.listArtifacts(Number(match[1]), url)
    if (rest === '/actions/artifacts') return this.listRepoArtifacts(url)
    match = /^\/actions\/artifacts\/(\d+)\/zip$/.exec(rest)
    if (match) return this.download(Number(match[1]))
    return [404, { message: 'Not Found' }]
  }

  /** The issues API: issues, pull requests as issues, their comments, and labels. */
  private issuesApi(
    method: string,
    rest: string,
    url: URL,
    raw: Buffer
  ): [number, unknown, Record<string, string>?] {
    const body = (raw.length ? JSON.parse(raw.toString()) : {}) as Record<string, unknown>
    const write = method !== 'GET'
    const allowed = (pullRequest: boolean) => {
      const need: Access = write ? 'write' : 'read'
      const rank = { none: 0, read: 1, write: 2 }
      const ok = (a: Access) => rank[a] >= rank[need]
      return ok(this.permissions.issues) || (pullRequest && ok(this.permissions.pullRequests))
    }
    if (rest === '/labels' && method === 'POST') {
      if (!allowed(false)) return [403, NOT_ACCESSIBLE]
      const name = String(body.name ?? '')
      if (this.labels.has(name)) return [422, validationFailed('Label', 'already_exists', 'name')]
      this.labels.add(name)
      return [201, shapes.label(this.hosts, this.own, name, 500 + this.labels.size)]
    }
    if (rest === '/issues' && method === 'GET') {
      if (!allowed(false)) return [403, NOT_ACCESSIBLE]
      return this.listIssues(url)
    }
    if (rest === '/issues' && method === 'POST') {
      if (!allowed(false)) return [403, NOT_ACCESSIBLE]
      const problem = tooLong(body.body)
      if (problem || !body.title) return [422, validationFailed('Issue', 'custom', 'body')]
      const issue: FakeIssue = {
        number: Math.max(0, ...this.issues.map(i => i.number)) + 1,
        title: String(body.title),
        body: typeof body.body === 'string' ? body.body : null,
        state: 'open',
        state_reason: null,
        labels: Array.isArray(body.labels) ? body.labels.map(String) : [],
        comments: 0,
        created_at: STAMP_NOW(),
        updated_at: STAMP_NOW(),
        closed_at: null,
        author: this.writer
      }
      this.issues.push(issue)
      return [201, this.issueJson(issue)]
    }
    let match = /^\/issues\/(\d+)$/.exec(rest)
    if (match && method === 'PATCH') {
      const issue = this.issues.find(i => i.number === Number(match?.[1]))
      if (!issue) return [404, { message: 'Not Found' }]
      if (!allowed(issue.pull_request ?? false)) return [403, NOT_ACCESSIBLE]
      if (tooLong(body.body)) return [422, validationFailed('Issue', 'custom', 'body')]
      if (typeof body.title === 'string') issue.title = body.title
      if (typeof body.body === 'string') issue.body = body.body
      if (body.state === 'closed' && issue.state === 'open') {
        issue.state = 'closed'
        issue.closed_at = STAMP_NOW()
        issue.state_reason = (body.state_reason as FakeIssue['state_reason']) ?? 'completed'
      }
      issue.updated_at = STAMP_NOW()
      return [200, this.issueJson(issue)]
    }
    match = /^\/issues\/(\d+)\/comments$/.exec(rest)
    if (match) {
      const issue = this.issues.find(i => i.number === Number(match?.[1]))
      if (!issue) return [404, { message: 'Not Found' }]
      if (!allowed(issue.pull_request ?? false)) return [403, NOT_ACCESSIBLE]
      if (method === 'GET') return this.listComments(issue.number, url)
      if (method !== 'POST') return [404, { message: 'Not Found' }]
      if (!body.body || tooLong(body.body))
        return [422, validationFailed('IssueComment', 'custom', 'body')]
      const comment = this.addComment(issue.number, String(body.body), this.writer)
      return [201, shapes.issueComment(this.hosts, { ...comment, repository: this.own })]
    }
    match = /^\/issues\/comments\/(\d+)$/.exec(rest)
    if (match && method === 'PATCH') {
      const comment = this.comments.find(c => c.id === Number(match?.[1]))
      if (!comment) return [404, { message: 'Not Found' }]
      const on = this.issues.find(i => i.number === comment.issue)
      if (!allowed(on?.pull_request ?? false)) return [403, NOT_ACCESSIBLE]
      if (!body.body || tooLong(body.body))
        return [422, validationFailed('IssueComment', 'custom', 'body')]
      comment.body = String(body.body)
      comment.updated_at = STAMP_NOW()
      return [200, shapes.issueComment(this.hosts, { ...comment, repository: this.own })]
    }
    return [404, { message: 'Not Found' }]
  }

  /** `GET /user`: a person's token is named; an installation token may not read it. */
  private authenticated(): [number, unknown] {
    if (!this.tokenLogin) return [403, NOT_ACCESSIBLE]
    return [200, shapes.authenticatedUser(this.hosts, this.tokenLogin)]
  }

  private issueJson(issue: FakeIssue) {
    return shapes.issue(this.hosts, { ...issue, repository: this.own })
  }

  /** Issues and pull requests with every label asked for, by state, oldest or newest first. */
  private listIssues(url: URL): [number, unknown, Record<string, string>] {
    const q = url.searchParams
    const perPage = Math.min(100, Number(q.get('per_page') ?? 30))
    const page = Math.max(1, Number(q.get('page') ?? 1))
    const wanted = (q.get('labels') ?? '').split(',').filter(Boolean)
    const state = q.get('state') ?? 'open'
    const matching = this.issues
      .filter(i => state === 'all' || i.state === state)
      .filter(i => wanted.every(l => i.labels.includes(l)))
      .sort((a, b) => (q.get('direction') === 'asc' ? a.number - b.number : b.number - a.number))
    const items = matching.slice((page - 1) * perPage, page * perPage).map(i => this.issueJson(i))
    return [200, items, pageLinks(url, page, perPage, matching.length)]
  }

  private listComments(number: number, url: URL): [number, unknown, Record<string, string>] {
    const q = url.searchParams
    const perPage = Math.min(100, Number(q.get('per_page') ?? 30))
    const page = Math.max(1, Number(q.get('page') ?? 1))
    const all = this.commentsOn(number)
    const items = all
      .slice((page - 1) * perPage, page * perPage)
      .map(c => shapes.issueComment(this.hosts, { ...c, repository: this.own }))
    return [200, items, pageLinks(url, page, perPage, all.length)]
  }

  private repository() {
    return shapes.fullRepository(this.hosts, this.own, this.defaultBranch)
  }

  private listRuns(url: URL): [number, unknown, Record<string, string>] {
    const q = url.searchParams
    const perPage = Math.min(100, Number(q.get('per_page') ?? 30))
    const page = Math.max(1, Number(q.get('page') ?? 1))
    const status = q.get('status')
    const matching = this.runs
      .filter(r => (r.workflow ?? this.workflow) === this.workflow)
      .filter(r => !q.get('branch') || r.head_branch === q.get('branch'))
      .filter(r => !q.get('event') || r.event === q.get('event'))
      .filter(r => !status || r.status === status || r.conclusion === status)
      .sort((a, b) => b.id - a.id)
    const items = matching.slice((page - 1) * perPage, page * perPage).map(r => this.runJson(r))
    return [
      200,
      { total_count: matching.length, workflow_runs: items },
      pageLinks(url, page, perPage, matching.length)
    ]
  }

  /** The run's head repository: ours, a fork's, or null (a deleted fork). */
  private headOf(run: FakeRun): shapes.RepoFacts | null {
    if (run.head === 'fork') return { id: FORK_ID, owner: 'mallory', name: this.repo }
    return run.head === 'null' ? null : this.own
  }

  runJson(run: FakeRun) {
    const head = this.headOf(run)
    return shapes.workflowRun(this.hosts, {
      ...run,
      run_attempt: run.run_attempt ?? 1,
      workflowId: this.workflowId,
      workflowPath: `.github/workflows/${this.workflow}`,
      repository: this.own,
      headRepository: head
    })
  }

  /**
   * A run's jobs: `filter=latest` (the default) gives each job of the latest attempt, or of the
   * earlier one that a partial re-run did not repeat; `filter=all` every attempt's; an attempt's
   * own listing only the jobs that attempt ran. Paged like every listing.
   */
  private listJobs(
    runId: number,
    url: URL,
    attempt?: number
  ): [number, unknown, Record<string, string>?] {
    const run = this.runs.find(r => r.id === runId)
    const latest = run?.run_attempt ?? 1
    if (!run || (attempt !== undefined && (attempt < 1 || attempt > latest)))
      return [404, { message: 'Not Found' }]
    const q = url.searchParams
    const perPage = Math.min(100, Number(q.get('per_page') ?? 30))
    const page = Math.max(1, Number(q.get('page') ?? 1))
    const all = (run.jobs ?? []).map((job, index) => ({
      job,
      index,
      attempt: job.attempt ?? latest
    }))
    const newest = new Map<string, number>()
    for (const j of all) newest.set(j.job.name, Math.max(newest.get(j.job.name) ?? 0, j.attempt))
    const matching = all.filter(j =>
      attempt !== undefined
        ? j.attempt === attempt
        : q.get('filter') === 'all' || newest.get(j.job.name) === j.attempt
    )
    const items = matching
      .slice((page - 1) * perPage, page * perPage)
      .map(j => this.jobJson(run, j.job, j.index, j.attempt))
    return [
      200,
      { total_count: matching.length, jobs: items },
      pageLinks(url, page, perPage, matching.length)
    ]
  }

  /** A job's JSON: its steps' seconds counted from a minute after the run was created. */
  private jobJson(run: FakeRun, job: FakeJob, index: number, attempt: number) {
    const base = Date.parse(run.created_at) + 60_000 + (attempt - 1) * 3_600_000
    const at = (seconds: number | null | undefined) =>
      seconds === null || seconds === undefined
        ? null
        : new Date(base + seconds * 1000).toISOString().replace('.000', '')
    const status = job.status ?? 'completed'
    const steps = job.steps.map((step, i) => {
      const stepStatus = step.status ?? 'completed'
      return {
        name: step.name,
        number: i + 1,
        status: stepStatus,
        conclusion:
          step.conclusion === undefined
            ? stepStatus === 'completed'
              ? 'success'
              : null
            : step.conclusion,
        started_at: at(step.start),
        completed_at: at(step.end)
      }
    })
    const ends = job.steps.map(step => step.end ?? 0)
    return shapes.job(this.hosts, {
      id: run.id * 1000 + index,
      run_id: run.id,
      run_attempt: attempt,
      name: job.name,
      status,
      conclusion:
        job.conclusion === undefined ? (status === 'completed' ? 'success' : null) : job.conclusion,
      created_at: at(0) ?? run.created_at,
      started_at: at(0) ?? run.created_at,
      completed_at: status === 'completed' ? at(Math.max(0, ...ends)) : null,
      head_sha: run.head_sha,
      head_branch: run.head_branch,
      labels: job.labels ?? ['ubuntu-latest'],
      runner_name: job.runnerName === undefined ? 'GitHub Actions 7' : job.runnerName,
      runner_group_name: job.runnerGroup === undefined ? 'GitHub Actions' : job.runnerGroup,
      steps,
      repository: this.own
    })
  }

  /** Artifact ids are the run id and the artifact's place in it: run 9000's first is 90000. */
  artifactId(run: FakeRun, index: number): number {
    const id = run.id * 10 + index
    this.blobs.set(id, run.artifacts[index])
    return id
  }

  /** Zip downloads requested for a run's artifacts. */
  downloadsOf(runId: number): number {
    return this.requests.filter(r => new RegExp(`/artifacts/${runId}\\d/zip`).test(r.path)).length
  }

  private listArtifacts(runId: number, url: URL): [number, unknown] {
    const run = this.runs.find(r => r.id === runId)
    if (!run) return [404, { message: 'Not Found' }]
    const name = url.searchParams.get('name')
    const artifacts = run.artifacts
      .map((_a, index) => this.artifactJson(run, index))
      .filter(a => !name || a.name === name)
    return [200, { total_count: artifacts.length, artifacts }]
  }

  /**
   * `GET /repos/{owner}/{repo}/actions/artifacts`: every workflow's artifacts, newest first
   * (by when the upload finished, where GitHub lists it; `created_at` says when it started),
   * so other workflows' interleave.
   */
  private listRepoArtifacts(url: URL): [number, unknown, Record<string, string>] {
    const q = url.searchParams
    const perPage = Math.min(100, Number(q.get('per_page') ?? 30))
    const page = Math.max(1, Number(q.get('page') ?? 1))
    const listedAt = (run: FakeRun, a: FakeArtifact) =>
      Date.parse(a.finishedAt ?? a.createdAt ?? run.created_at)
    const matching = this.runs
      .flatMap(run =>
        run.artifacts.map((a, index) => ({
          at: listedAt(run, a),
          json: this.artifactJson(run, index)
        }))
      )
      .filter(({ json }) => !q.get('name') || json.name === q.get('name'))
      .sort((a, b) => b.at - a.at || b.json.id - a.json.id)
      .map(({ json }) => json)
    return [
      200,
      {
        total_count: matching.length,
        artifacts: matching.slice((page - 1) * perPage, page * perPage)
      },
      pageLinks(url, page, perPage, matching.length)
    ]
  }

  /** The one place artifact JSON is built, for both listings. */
  private artifactJson(run: FakeRun, index: number) {
    const a = run.artifacts[index]
    const id = this.artifactId(run, index)
    const digest = a.digest === undefined ? sha256(a.zip) : a.digest
    return shapes.artifact(this.hosts, {
      id,
      name: a.name,
      size_in_bytes: a.sizeInBytes ?? a.zip.length,
      expired: a.expired ?? false,
      created_at: a.createdAt ?? run.created_at,
      // Retention runs from now, so a history dated in the past stays unexpired.
      expires_at: a.expiresAt ?? (a.expired ? run.created_at : inDays(90)),
      digest: this.digests ? digest : undefined,
      workflowRun:
        a.workflowRunId === null
          ? null
          : {
              id: a.workflowRunId ?? run.id,
              repository_id: this.repoId,
              head_repository_id: this.headOf(run)?.id ?? DELETED_FORK_ID,
              head_branch: run.head_branch ?? '',
              head_sha: run.head_sha
            },
      repository: this.own
    })
  }

  private download(id: number): [number, unknown, Record<string, string>?] {
    const artifact = this.blobs.get(id)
    if (!artifact) return [404, { message: 'Not Found' }]
    const expiresAt = Date.parse(artifact.expiresAt ?? '')
    if (artifact.expired || expiresAt <= Date.now() + this.clockSkewMs)
      return [410, { message: 'Artifact has expired' }]
    // The real one is a short-lived signed URL on another host; its query string is a secret.
    return [302, '', { location: `${this.url}/blob/${id}?sig=SECRET-SIGNATURE&se=2099-01-01` }]
  }

  private blob(
    id: number,
    url: URL,
    authorization?: string
  ): [number, unknown, Record<string, string>?] {
    const artifact = this.blobs.get(id)
    if (!artifact || url.searchParams.get('sig') !== 'SECRET-SIGNATURE')
      return [403, 'AuthenticationFailed']
    // Blob storage is another origin: a token sent here has leaked.
    if (authorization) return [400, 'Authorization header leaked to the blob host']
    return [200, artifact.zip, { 'content-type': 'application/zip' }]
  }

  /** The Actions results service's artifact calls, as `@actions/artifact` makes them. */
  private twirp(path: string, body: Buffer, authorization?: string): [number, unknown] {
    const match = /^\/twirp\/github\.actions\.results\.api\.v1\.ArtifactService\/(\w+)$/.exec(path)
    if (!match) return [404, { code: 'bad_route', msg: 'no such method' }]
    if (!authorization?.startsWith('Bearer '))
      return [401, { code: 'unauthenticated', msg: 'no token' }]
    const request = JSON.parse(body.toString() || '{}') as Record<string, string>
    const runId = Number(/^run-(\d+)$/.exec(request.workflow_run_backend_id ?? '')?.[1])
    const key = `${runId}-${request.name}`
    if (match[1] === 'CreateArtifact') {
      if (!runId || !request.name) return [400, { code: 'invalid_argument', msg: 'bad request' }]
      // Artifact names are unique within a run, across its attempts, as on GitHub.
      const taken = this.runs
        .find(r => r.id === runId)
        ?.artifacts.some(a => a.name === request.name)
      if (taken || this.uploads.get(key)?.finalized)
        return [
          409,
          {
            code: 'already_exists',
            msg: 'an artifact with this name already exists on the workflow run'
          }
        ]
      this.uploads.set(key, {
        name: request.name,
        runId,
        expiresAt: request.expires_at,
        blocks: new Map(),
        finalized: false
      })
      return [
        200,
        {
          ok: true,
          signed_upload_url: `${this.url}/devstoreaccount1/actions-results/${encodeURIComponent(key)}?sig=UPLOAD-SIG`
        }
      ]
    }
    if (match[1] === 'FinalizeArtifact') {
      const upload = this.uploads.get(key)
      const run = this.runs.find(r => r.id === runId)
      if (!upload?.zip || !run) return [404, { code: 'not_found', msg: 'artifact not found' }]
      upload.finalized = true
      run.artifacts.push({ name: upload.name, zip: upload.zip, digest: request.hash ?? null })
      return [200, { ok: true, artifact_id: String(run.id * 10 + run.artifacts.length - 1) }]
    }
    return [404, { code: 'bad_route', msg: 'no such method' }]
  }

  /** Azure block-blob upload (`stageBlock`, then `commitBlockList`) to the signed URL. */
  private blobUpload(url: URL, body: Buffer): [number, unknown, Record<string, string>?] {
    const key = decodeURIComponent(url.pathname.split('/').pop() ?? '')
    const upload = this.uploads.get(key)
    if (!upload || url.searchParams.get('sig') !== 'UPLOAD-SIG') return [403, '']
    const comp = url.searchParams.get('comp')
    if (comp === 'block') {
      upload.blocks.set(url.searchParams.get('blockid') ?? '', body)
      return [201, '', { 'x-ms-request-id': '1', 'x-ms-version': '2024-11-04' }]
    }
    if (comp === 'blocklist') {
      const ids = [...body.toString().matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)</g)].map(
        m => m[1]
      )
      upload.zip = Buffer.concat(ids.map(id => upload.blocks.get(id) ?? Buffer.alloc(0)))
      return [201, '', { etag: '"1"', 'x-ms-request-id': '1', 'x-ms-version': '2024-11-04' }]
    }
    upload.zip = body
    return [201, '', { etag: '"1"', 'x-ms-request-id': '1' }]
  }

  private rateLimit(): Record<string, string> {
    return {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, 5000 - this.requests.length)),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core'
    }
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    resetAfter?: number,
    stallAfter?: number
  ): void {
    const payload = Buffer.isBuffer(body)
      ? body
      : typeof body === 'string'
        ? Buffer.from(body)
        : Buffer.from(JSON.stringify(body))
    const isJson = !Buffer.isBuffer(body) && typeof body !== 'string'
    res.writeHead(status, {
      ...(isJson ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...(this.rateLimitHeaders ? this.rateLimit() : {}),
      date: new Date(Date.now() + this.clockSkewMs).toUTCString(),
      ...headers,
      'content-length': String(payload.length)
    })
    if (stallAfter !== undefined) {
      // A slow body: the headers promised more than ever comes, and the connection stays open.
      res.flushHeaders()
      return void res.write(payload.subarray(0, stallAfter))
    }
    if (resetAfter === undefined) return void res.end(payload)
    // The connection breaks mid-answer: the headers promised more than arrives.
    res.flushHeaders()
    res.write(payload.subarray(0, resetAfter), () => res.socket?.destroy())
  }
}

/** GitHub's Link header: next and last while there are more pages, first and prev after page 1. */
function pageLinks(url: URL, page: number, perPage: number, total: number): Record<string, string> {
  const last = Math.max(1, Math.ceil(total / perPage))
  const link = (p: number, rel: string) => {
    const next = new URL(url)
    next.searchParams.set('page', String(p))
    return `<${next.href}>; rel="${rel}"`
  }
  const links = [
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : [])
  ]
  return links.length ? { link: links.join(', ') } : {}
}

/** A fork's repository id, and the one its artifacts still name once the fork is deleted. */
const FORK_ID = 9999
const DELETED_FORK_ID = 9998

/** GitHub refuses a body of 65,536 characters or more. */
const tooLong = (body: unknown) => typeof body === 'string' && body.length >= 65_536

function validationFailed(resource: string, code: string, field: string) {
  return {
    message: 'Validation Failed',
    errors: [{ resource, code, field }],
    documentation_url: 'https://docs.github.com/rest',
    status: '422'
  }
}

const STAMP_NOW = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()

const sha256 = (data: Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
