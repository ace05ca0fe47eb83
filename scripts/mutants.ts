/**
 * The mutation list: each mutant breaks one safety or correctness rule, and names the test
 * files (under __tests__/, without `.test.ts`) that must kill it. `npm run mutation` runs only
 * those files against it, so a mutant killed elsewhere, or by a flaky test, does not count.
 *
 * To add one: the rule's file, the exact text to replace (it must occur exactly once in the
 * file; __tests__/mutants.test.ts checks that on every run of the suite) and its replacement,
 * and the test that guards the rule. An `e2e.*` or `bundle` test rebuilds the action's bundle
 * for the mutant (about 15 s); prefer an in-process test where one can see the rule. `grep`
 * narrows a long test file to the tests that matter (jest's --testNamePattern); keep it to
 * the tests that kill the mutant, since the baseline runs only what the mutants run.
 */
export interface Mutant {
  /** What the mutant breaks, in words: the run's output names it. */
  what: string
  file: string
  from: string
  to: string
  /** Test files that must kill it: `stats` for __tests__/stats.test.ts. */
  tests: string[]
  grep?: string
  /**
   * Whether the mutant needs the action's bundle rebuilt: by default, when it names an
   * `e2e.*` or `bundle` test; false for in-process tests kept in an e2e file.
   */
  bundle?: boolean
}

const m = (
  what: string,
  file: string,
  from: string,
  to: string,
  tests: string[],
  extra: Pick<Mutant, 'grep' | 'bundle'> = {}
): Mutant => ({ what, file, from, to, tests, ...extra })

export const MUTANTS: Mutant[] = [
  // Which runs and artifacts count.
  m(
    'fork filter removed',
    'src/github/runs.ts',
    'if (!filter.allowForks && run.head_repository?.id !== run.repository.id)',
    'if (false)',
    ['runs']
  ),
  m(
    'artifact size cap removed',
    'src/github/artifacts.ts',
    'live.size_in_bytes > MAX_ZIP_BYTES',
    'live.size_in_bytes > 1e12',
    ['artifacts']
  ),
  m(
    'download cap removed',
    'src/github/artifacts.ts',
    'zip = await readCapped(stream, maxBytes)',
    'zip = await readCapped(stream, 1e12)',
    ['artifacts']
  ),
  m(
    'inflate cap removed',
    'src/github/zip.ts',
    'if (entry.uncompressedSize > maxBytes) {',
    'if (false) {',
    ['zip']
  ),
  m(
    'digest check removed',
    'src/github/artifacts.ts',
    'if (actual !== expected.toLowerCase())',
    'if (false && actual !== expected)',
    ['artifacts']
  ),
  m(
    'workflow_run check removed',
    'src/github/artifacts.ts',
    'a.name === name && a.workflowRunId === runId',
    'a.name === name',
    ['artifacts']
  ),
  m(
    'artifact head repository check removed',
    'src/github/artifacts.ts',
    'if (both && live.headRepositoryId !== headRepositoryId) {',
    'if (both && false) {',
    ['artifact-index']
  ),
  m(
    'signed URL in the blob fault',
    'src/github/artifacts.ts',
    'throw new DownloadFault(`artifact download failed (HTTP ${blob.status})`)',
    'throw new DownloadFault(`artifact download failed (HTTP ${blob.status}) from ${location}`)',
    ['artifacts']
  ),
  m(
    'signed URL in the blob skip reason',
    'src/github/artifacts.ts',
    'throw new SkipRun(`artifact download failed (HTTP ${blob.status})`)',
    'throw new SkipRun(`artifact download failed (HTTP ${blob.status}) from ${location}`)',
    ['e2e.hardening'],
    { grep: 'signed URL' }
  ),
  m(
    'metadata.json read without its cap',
    'src/app/check.ts',
    '[METADATA_FILE]: MAX_METADATA_BYTES',
    '[METADATA_FILE]: MAX_METADATA_BYTES * 1e6',
    ['e2e.environment'],
    { grep: 'metadata.json is huge' }
  ),
  m(
    "this run's jobs never read again with metrics",
    'src/app/check.ts',
    '({ lagging }) => lagging.length > 0',
    '() => false',
    ['e2e.metrics'],
    { grep: 'reads this run again' }
  ),
  m(
    "this run's jobs read again past the bound",
    'src/app/current-run.ts',
    'reread < REREADS && unsettled(judged)',
    'reread <= REREADS && unsettled(judged)',
    ['current-run']
  ),

  // The verdict.
  m(
    'budget boundary made strict',
    'src/core/verdict/rubric.ts',
    'return round(value) <= round(budget)',
    'return round(value) < round(budget)',
    ['stats']
  ),
  m(
    'boundary compared unrounded',
    'src/core/verdict/rubric.ts',
    'return round(value) <= round(budget)',
    'return value <= budget',
    ['stats']
  ),
  m(
    'rubric mode says inconclusive',
    'src/core/verdict/rubric.ts',
    "if (mode === 'confident') return confidentVerdict(stats, budget)",
    "if (mode === 'confident' || stats.count > 0) return confidentVerdict(stats, budget)",
    ['stats']
  ),
  m(
    'confident mode ignores the count',
    'src/core/verdict/rubric.ts',
    "if (mode === 'confident') return confidentVerdict(stats, budget)",
    'if (false) return confidentVerdict(stats, budget)',
    ['stats']
  ),
  m(
    'inconclusive before insufficient',
    'src/core/verdict/rubric.ts',
    "  if (stats.median === null || stats.count < minRuns) return 'insufficient'\n  if (mode === 'confident') return confidentVerdict(stats, budget)",
    "  if (mode === 'confident' && stats.count > 0) return confidentVerdict(stats, budget)\n  if (stats.median === null || stats.count < minRuns) return 'insufficient'",
    ['stats']
  ),
  m(
    'k(n) at a looser error rate',
    'src/core/stats/summary.ts',
    'at >= 0 && tail <= CONFIDENT_ALPHA; at--',
    'at >= 0 && tail <= 2 * CONFIDENT_ALPHA; at--',
    ['stats']
  ),
  m(
    'confident: a run at the budget counted as over',
    'src/core/verdict/rubric.ts',
    "if (signHigh !== null && atOrUnder(signHigh, budget)) return 'pass'",
    "if (signHigh !== null && signHigh < budget) return 'pass'",
    ['stats']
  ),
  m(
    'conclusive from the interval again',
    'src/core/verdict/rubric.ts',
    "return confidentVerdict(stats, budget) !== 'inconclusive'",
    'return stats.ciLow !== null && stats.ciHigh !== null && (atOrUnder(stats.ciHigh, budget) || !atOrUnder(stats.ciLow, budget))',
    ['stats']
  ),
  m(
    'independence read on the raw history',
    'src/core/history/attribution.ts',
    'lagOneAutocorrelation(stepResiduals(values, fittedStep(result)))',
    'lagOneAutocorrelation(values)',
    ['independence']
  ),
  m(
    'min-shift in MADs ignored',
    'src/core/stats/changepoint.ts',
    'if (mads === undefined) return options.minShift',
    'if (true) return options.minShift',
    ['changepoint']
  ),
  m(
    'min-shift MADs of the whole history',
    'src/core/stats/residuals.ts',
    'return mad(stepResiduals(values, index)) ?? 0',
    'return mad(stepResiduals(values)) ?? 0',
    ['changepoint']
  ),
  m(
    'compare link at the exact split',
    'src/core/history/attribution.ts',
    'change.spanFrom = oldestFirst[Math.max(0, at - 2)]',
    'change.spanFrom = oldestFirst[at - 1]',
    ['attribution']
  ),
  m(
    'even median takes the lower middle',
    'src/core/stats/summary.ts',
    'sorted[mid - 1] / 2 + sorted[mid] / 2',
    'sorted[mid - 1]',
    ['stats']
  ),
  m(
    'inconclusive fails the step',
    'src/main.ts',
    "if (report.verdict === 'inconclusive') core.warning(",
    "if (report.verdict === 'inconclusive') core.setFailed(",
    ['main']
  ),
  m(
    'verdict judged over the whole history',
    'src/core/history/attribution.ts',
    'judge(history.slice(0, rubric.window),',
    'judge([...history],',
    ['attribution']
  ),
  m(
    'history default back to the window',
    'src/core/inputs/config.ts',
    'Math.max(window, Math.min(DEFAULT_HISTORY, lookback)),',
    'window,',
    ['config']
  ),
  m(
    'file collision check compared with case',
    'src/core/inputs/config.ts',
    'const first = parts[0].toLowerCase()',
    'const first = parts[0]',
    ['config']
  ),

  // The change-point and recent slow-down tests.
  m(
    'recent test speaks before the scan',
    'src/core/stats/changepoint.ts',
    'if (split.p < SCAN_ALPHA && large) return',
    'if (false) return',
    ['changepoint']
  ),
  m(
    'scan location unrefined',
    'src/core/stats/changepoint.ts',
    'options.refine ?? true',
    'options.refine ?? false',
    ['recent'],
    { grep: 'refined' }
  ),
  m(
    'recent test without Bonferroni',
    'src/core/stats/recent.ts',
    'p: Math.min(1, looks.length * best.p)',
    'p: best.p',
    ['recent']
  ),
  m(
    'recent test counts ties as below',
    'src/core/stats/recent.ts',
    'if (s >= observed) tail',
    'if (s > observed) tail',
    ['recent']
  ),

  // The backtest (issue 32).
  m(
    'backtest position reads later runs',
    'src/core/history/replay.ts',
    'const seen = read.slice(at, at + rule.history.size)',
    'const seen = read.slice(0, at + rule.history.size)',
    ['backtest']
  ),
  m(
    'early stop of the shuffles too early',
    'src/core/stats/changepoint.ts',
    '++hits >= enough) break',
    '++hits >= enough / 10) break',
    ['backtest']
  ),

  // Like for like.
  m(
    'environment not validated on read',
    'src/core/history/environment.ts',
    'validateEnvironment((data as { environment: unknown }).environment)',
    '({ value: (data as { environment: Environment }).environment } as Result<Environment>)',
    ['environment']
  ),
  m(
    'match filter removed',
    'src/core/history/matching.ts',
    'const kept = history.filter(s => matches(s, reference, keys))',
    'const kept = [...history]',
    ['environment']
  ),
  m(
    'unknown environment matches',
    'src/core/history/matching.ts',
    'if (!environment || !reference) return false',
    'if (!environment || !reference) return true',
    ['environment']
  ),

  // Listings.
  m(
    'listing de-duplication removed',
    'src/github/listing.ts',
    'if (seen.has(id)) continue',
    'if (false) continue',
    ['e2e.faults'],
    { grep: 'counts a run once' }
  ),
  m(
    'next-link origin check removed',
    'src/github/listing.ts',
    'if (next.origin !== api.origin || ',
    'if (false && ',
    ['faults']
  ),
  m(
    'entries restored at once race to make their folder',
    'src/cache/sample-cache.ts',
    '  mkdirSync(dirname(join(root, path)), { recursive: true })\n',
    '',
    ['cache-restore']
  ),
  m(
    'listing page cap removed',
    'src/github/listing.ts',
    'const cap = pageCap(listing)',
    'const cap = 1e9',
    ['e2e.faults'],
    { grep: 'stops after the page cap' }
  ),
  m(
    "repository listing joins any run's artifact",
    'src/github/artifact-index.ts',
    '(this.byRun.get(run.id) ?? []).filter(a => a.name === name)',
    '[...this.byRun.values()].flat().filter(a => a.name === name)',
    ['artifact-index']
  ),
  m(
    'repository listing lag margin removed',
    'src/github/artifact-index.ts',
    'Date.parse(run.updated_at) + LISTING_LAG_MS <= this.now()',
    'Date.parse(run.updated_at) + 0 <= this.now()',
    ['artifact-index']
  ),
  m(
    'repository listing order check removed',
    'src/github/artifact-index.ts',
    'if (!(artifact.createdAt <= this.oldest + ORDER_SLACK_MS)) this.trusted = false',
    'void ORDER_SLACK_MS',
    ['artifact-index']
  ),
  m(
    'repository listing absence without order confirmation',
    'src/github/artifact-index.ts',
    'const before = this.confirmed + ORDER_SLACK_MS',
    'const before = Math.min(this.confirmed, this.oldest) + ORDER_SLACK_MS',
    ['artifact-index']
  ),
  m(
    'artifact expiry judged by the runner clock',
    'src/github/artifact-index.ts',
    'parse: raw => toArtifact(raw, this.now())',
    'parse: raw => toArtifact(raw, Date.now())',
    ['e2e.cache'],
    { grep: 'expiry by the API server' }
  ),

  // The sample cache.
  m(
    'cache value not bound to the digest',
    'src/core/history/sample-book.ts',
    'const known = this.known.get(`${artifact.id}:${artifact.digest}:${file}`)',
    'const known = [...this.known.values()].find(o => o.artifact_id === artifact.id && o.file === file)',
    ['sample-book']
  ),
  m(
    'cache learns a digest that is not sha256',
    'src/core/history/sample-book.ts',
    "if (!artifact.digest || !DIGEST.test(artifact.digest) || !isFileName(file)) return\n    if ('reason' in read",
    "if (!artifact.digest || !isFileName(file)) return\n    if ('reason' in read",
    ['sample-book']
  ),
  m(
    'cache entry values not validated',
    'src/core/history/sample-book.ts',
    "typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_SAMPLE_SECONDS",
    "typeof value === 'number'",
    ['sample-book']
  ),
  m(
    'cached environment not validated',
    'src/core/history/sample-book.ts',
    'const environment = validateEnvironment(item)',
    'const environment = { value: item as Environment }',
    ['sample-book']
  ),
  m(
    "restored runs' jobs not re-checked as the jobs API's answers",
    'src/core/history/run-jobs-book.ts',
    'jobs = o.jobs.map(toJob)',
    'jobs = o.jobs as JobTiming[]',
    ['run-jobs-book'],
    { grep: 'refuses a file with any bad run or job' }
  ),
  m(
    "restored runs' jobs taken for another repository or workflow",
    'src/core/history/run-jobs-book.ts',
    "if (book.scope !== scope) return { reason: 'saved for another repository or workflow' }",
    '',
    ['run-jobs-book'],
    { grep: 'refuses a file of another format' }
  ),
  m(
    "a re-run's jobs taken from its first attempt's entry",
    'src/core/history/run-jobs-book.ts',
    'return this.known.get(key(runId, attempt))?.jobs',
    'return [...this.known.values()].find(r => r.run_id === runId)?.jobs',
    ['run-jobs-book'],
    { grep: 'same run and attempt' }
  ),
  m(
    'cache saved off the default branch',
    'src/main.ts',
    'context.ref !== `refs/heads/${home.defaultBranch}`',
    'false',
    ['e2e.cache'],
    { grep: 'saves nothing from a pull request' }
  ),

  // Recording.
  m(
    'GHES record guard removed',
    'src/main.ts',
    'if (!first || context.isGhes) return',
    'if (!first) return',
    ['e2e.ghes'],
    { grep: 'record cannot upload' }
  ),
  m(
    're-run 409 made a warning',
    'src/github/record.ts',
    'CONFLICT.test(message) && context.runAttempt > 1',
    'false',
    ['e2e.rerun'],
    { grep: 'uploadFailure', bundle: false }
  ),

  // Untrusted text.
  m(
    'summary escaping removed',
    'src/core/untrusted/escape.ts',
    "const fence = '`'.repeat(longest + 1)",
    "const fence = '`'.repeat(1 + 0 * longest)",
    ['summary']
  ),
  m(
    'summary table pipes not escaped',
    'src/core/untrusted/escape.ts',
    "replaceAll('|', '\\\\|')",
    "replaceAll('|', '|')",
    ['summary']
  ),
  m(
    'autolink breaks removed',
    'src/core/untrusted/escape.ts',
    ".replace(/(www|&#58;\\/\\/|&#64;)/gi, '$1\\u200b')",
    ".replace(/(www|&#58;\\/\\/|&#64;)/gi, '$1')",
    ['escape']
  ),
  m(
    'references not neutralised in issues and comments',
    'src/core/untrusted/escape.ts',
    ".replace(/&#35;/g, '&#35;\\u200b')",
    ".replace(/&#35;/g, '&#35;')",
    ['tracking']
  ),
  m(
    'summary byte cap removed',
    'src/render/summary.ts',
    'if (Buffer.byteLength(markdown) <= max) return markdown',
    'if (Buffer.byteLength(markdown) <= 1e12) return markdown',
    ['summary']
  ),
  m(
    'summary skipped rows not capped',
    'src/render/summary.ts',
    '.slice(0, MAX_SKIPPED_ROWS)',
    '.slice(0)',
    ['summary']
  ),

  // The tracking issue and the comment.
  m(
    'tracking issue from any branch',
    'src/core/notify/tracking.ts',
    'if (where.ref !== `refs/heads/${where.defaultBranch}`)',
    'if (false)',
    ['tracking']
  ),
  m(
    'attribution comment on a one-run wobble',
    'src/core/notify/tracking.ts',
    '(key === attribution || (facts.nearby ?? []).includes(key))',
    'key === attribution',
    ['tracking']
  ),
  m(
    "anyone's text with the marker adopted",
    'src/core/notify/tracking.ts',
    'if (!author) return false',
    "if (author !== 'x') return true",
    ['tracking', 'notify-rules']
  ),
  m(
    'issue and comment creates retried',
    'src/github/issues.ts',
    'export const ONCE = { request: { retries: 0 } } as const',
    'export const ONCE = {} as const',
    ['e2e.notify']
  ),
  m(
    'issue-number written outside the output guard',
    'src/main.ts',
    "await optional('The issue-number output could not be written', 'GITHUB_OUTPUT', () =>",
    "await (async (_w: string, _v: string, write: () => unknown) => write())('', '', () =>",
    ['main', 'e2e.notify']
  ),
  m(
    'duplicate tracking issues kept',
    'src/core/notify/tracking.ts',
    'return { keep: sorted[0], close: sorted.slice(1) }',
    'return { keep: sorted[sorted.length - 1], close: [] }',
    ['tracking']
  ),
  m(
    'a failed issue or comment write fails the step',
    'src/app/notify.ts',
    '    core.warning(\n      escapeLog(\n        bound.signal.aborted',
    '    core.setFailed(\n      escapeLog(\n        bound.signal.aborted',
    ['e2e.issue'],
    { grep: 'create fails' }
  ),

  // The example workflow.
  m(
    'timed-out wait records nothing',
    '.github/workflows/example-chart.yml',
    'seconds=$READY_TIMEOUT',
    'exit 1',
    ['example-workflow']
  ),
  m(
    'helm failure records a sample',
    '.github/workflows/example-chart.yml',
    'no sample recorded (a broken chart is not a timing)"',
    'no sample recorded (a broken chart is not a timing)"; echo 0 > "$SAMPLE_FILE"',
    ['example-workflow']
  )
]
