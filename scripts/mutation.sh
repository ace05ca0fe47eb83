#!/usr/bin/env bash
# Mutation check: breaks one safety rule at a time, rebuilds dist/, and shows that the test
# suite fails. Restores every file afterwards. Slow (a rebuild and a full test run each).
set -uo pipefail
cd "$(dirname "$0")/.."
survivors=0

mutate() {
  local what=$1 file=$2 from=$3 to=$4 backup
  # ONLY=regex runs the mutants whose description matches (e.g. ONLY='cache|listing').
  if [[ -n ${ONLY:-} && ! $what =~ $ONLY ]]; then return; fi
  backup=$(mktemp)
  cp "$file" "$backup"
  FROM=$from TO=$to node -e '
    const fs = require("fs"); const p = process.argv[1]; const s = fs.readFileSync(p, "utf8")
    if (!s.includes(process.env.FROM)) process.exit(3)
    fs.writeFileSync(p, s.replace(process.env.FROM, process.env.TO))' "$file" || {
    # A pattern that no longer matches means the script fell behind the code: that is an
    # error to fix here, never a mutant that "survived".
    cp "$backup" "$file"
    echo "ERROR    $what: pattern not found in $file; update scripts/mutation.sh" >&2
    npm run package >/dev/null 2>&1
    exit 2
  }
  npm run package >/dev/null 2>&1
  local result
  result=$(npm test 2>&1 | grep -E '^Tests:')
  cp "$backup" "$file"
  if [[ -z $result ]]; then
    # No test ran (the mutant did not build): that proves nothing either way.
    echo "ERROR    $what: the mutant did not build or the tests did not run" >&2
    npm run package >/dev/null 2>&1
    exit 2
  fi
  if [[ $result == *failed* ]]; then echo "killed   $what: $result"; else echo "SURVIVED $what: $result"; survivors=$((survivors + 1)); fi
}

mutate "fork filter removed" src/github/runs.ts "if (!filter.allowForks && run.head_repository?.id !== run.repository.id)" "if (false)"
mutate "artifact size cap removed" src/github/artifacts.ts "live.size_in_bytes > MAX_ZIP_BYTES" "live.size_in_bytes > 1e12"
mutate "download cap removed" src/github/artifacts.ts "zip = await readCapped(stream, maxBytes)" "zip = await readCapped(stream, 1e12)"
mutate "inflate cap removed" src/github/zip.ts "if (entry.uncompressedSize > maxBytes) {" "if (false) {"
mutate "digest check removed" src/github/artifacts.ts "if (actual !== expected.toLowerCase())" "if (false && actual !== expected)"
mutate "workflow_run check removed" src/github/artifacts.ts "a.name === name && a.workflowRunId === runId" "a.name === name"
mutate "budget boundary made strict" src/core/verdict/rubric.ts "return round(value) <= round(budget)" "return round(value) < round(budget)"
mutate "boundary compared unrounded" src/core/verdict/rubric.ts "return round(value) <= round(budget)" "return value <= budget"
mutate "rubric mode says inconclusive" src/core/verdict/rubric.ts "if (mode === 'confident') return confidentVerdict(stats, budget)" "if (mode === 'confident' || stats.count > 0) return confidentVerdict(stats, budget)"
mutate "confident mode ignores the count" src/core/verdict/rubric.ts "if (mode === 'confident') return confidentVerdict(stats, budget)" "if (false) return confidentVerdict(stats, budget)"
mutate "inconclusive before insufficient" src/core/verdict/rubric.ts "  if (stats.median === null || stats.count < minRuns) return 'insufficient'
  if (mode === 'confident') return confidentVerdict(stats, budget)" "  if (mode === 'confident' && stats.count > 0) return confidentVerdict(stats, budget)
  if (stats.median === null || stats.count < minRuns) return 'insufficient'"
mutate "k(n) at a looser error rate" src/core/stats/summary.ts "at >= 0 && tail <= CONFIDENT_ALPHA; at--" "at >= 0 && tail <= 2 * CONFIDENT_ALPHA; at--"
mutate "confident: a run at the budget counted as over" src/core/verdict/rubric.ts "if (signHigh !== null && atOrUnder(signHigh, budget)) return 'pass'" "if (signHigh !== null && signHigh < budget) return 'pass'"
mutate "conclusive from the interval again" src/core/verdict/rubric.ts "return confidentVerdict(stats, budget) !== 'inconclusive'" "return stats.ciLow !== null && stats.ciHigh !== null && (atOrUnder(stats.ciHigh, budget) || !atOrUnder(stats.ciLow, budget))"
mutate "attribution comment on a one-run wobble" src/core/notify/tracking.ts "(key === attribution || (facts.nearby ?? []).includes(key))" "key === attribution"
mutate "independence read on the raw history" src/core/history/attribution.ts "lagOneAutocorrelation(stepResiduals(values, fittedStep(result)))" "lagOneAutocorrelation(values)"
mutate "min-shift in MADs ignored" src/core/stats/changepoint.ts "if (mads === undefined) return options.minShift" "if (true) return options.minShift"
mutate "min-shift MADs of the whole history" src/core/stats/residuals.ts "return mad(stepResiduals(values, index)) ?? 0" "return mad(stepResiduals(values)) ?? 0"
mutate "compare link at the exact split" src/core/history/attribution.ts "change.spanFrom = oldestFirst[Math.max(0, at - 2)]" "change.spanFrom = oldestFirst[at - 1]"
mutate "inconclusive fails the step" src/main.ts "if (report.verdict === 'inconclusive') core.warning(" "if (report.verdict === 'inconclusive') core.setFailed("
mutate "recent test speaks before the scan" src/core/stats/changepoint.ts "if (split.p < SCAN_ALPHA && large) return" "if (false) return"
mutate "recent test without Bonferroni" src/core/stats/recent.ts "p: Math.min(1, looks.length * best.p)" "p: best.p"
mutate "recent test counts ties as below" src/core/stats/recent.ts "if (s >= observed) tail" "if (s > observed) tail"
mutate "scan location unrefined" src/core/stats/changepoint.ts "options.refine ?? true" "options.refine ?? false"
mutate "history default back to the window" src/core/inputs/config.ts "Math.max(window, Math.min(DEFAULT_HISTORY, lookback))," "window,"
mutate "even median takes the lower middle" src/core/stats/summary.ts "sorted[mid - 1] / 2 + sorted[mid] / 2" "sorted[mid - 1]"
mutate "GHES record guard removed" src/main.ts "if (!current || context.isGhes) return" "if (!current) return"
mutate "re-run 409 made a warning" src/github/record.ts "CONFLICT.test(message) && context.runAttempt > 1" "false"
mutate "timed-out wait records nothing" .github/workflows/example-chart.yml 'seconds=$READY_TIMEOUT' 'exit 1'
mutate "helm failure records a sample" .github/workflows/example-chart.yml 'no sample recorded (a broken chart is not a timing)"' 'no sample recorded (a broken chart is not a timing)"; echo 0 > "$SAMPLE_FILE"'
mutate "verdict judged over the whole history" src/core/history/attribution.ts "judge(history.slice(0, rubric.window)," "judge([...history],"
mutate "backtest position reads later runs" src/core/history/replay.ts "const seen = read.slice(at, at + rule.history.size)" "const seen = read.slice(0, at + rule.history.size)"
mutate "early stop of the shuffles too early" src/core/stats/changepoint.ts "++hits >= enough) break" "++hits >= enough / 10) break"
mutate "summary escaping removed" src/core/untrusted/escape.ts "const fence = '\`'.repeat(longest + 1)" "const fence = '\`'.repeat(1 + 0 * longest)"
mutate "summary table pipes not escaped" src/core/untrusted/escape.ts "replaceAll('|', '\\\\|')" "replaceAll('|', '|')"
mutate "listing de-duplication removed" src/github/listing.ts "if (seen.has(id)) continue" "if (false) continue"
mutate "next-link origin check removed" src/github/listing.ts "if (next.origin !== api.origin || " "if (false && "
mutate "listing page cap removed" src/github/listing.ts "const cap = pageCap(listing)" "const cap = 1e9"
mutate "repository listing joins any run's artifact" src/github/artifact-index.ts "(this.byRun.get(run.id) ?? []).filter(a => a.name === name)" "[...this.byRun.values()].flat().filter(a => a.name === name)"
mutate "repository listing lag margin removed" src/github/artifact-index.ts "Date.parse(run.updated_at) + LISTING_LAG_MS <= this.now()" "Date.parse(run.updated_at) + 0 <= this.now()"
mutate "repository listing order check removed" src/github/artifact-index.ts "if (!(artifact.createdAt <= this.oldest + ORDER_SLACK_MS)) this.trusted = false" "void ORDER_SLACK_MS"
mutate "artifact head repository check removed" src/github/artifacts.ts "if (both && live.headRepositoryId !== headRepositoryId) {" "if (both && false) {"
mutate "cache value not bound to the digest" src/core/history/sample-book.ts 'const known = this.known.get(`${artifact.id}:${artifact.digest}`)' "const known = [...this.known.values()].find(o => o.artifact_id === artifact.id)"
mutate "cache learns a digest that is not sha256" src/core/history/sample-book.ts "if (!artifact.digest || !DIGEST.test(artifact.digest)) return
    if ('reason' in read" "if (!artifact.digest) return
    if ('reason' in read"
mutate "cache entry values not validated" src/core/history/sample-book.ts "typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_SAMPLE_SECONDS" "typeof value === 'number'"
mutate "cache saved off the default branch" src/main.ts 'context.ref !== `refs/heads/${home.defaultBranch}`' "false"
mutate "tracking issue from any branch" src/core/notify/tracking.ts 'if (where.ref !== `refs/heads/${where.defaultBranch}` || where.branch !== where.defaultBranch)' "if (false)"
mutate "duplicate tracking issues kept" src/core/notify/tracking.ts "return { keep: sorted[0], close: sorted.slice(1) }" "return { keep: sorted[sorted.length - 1], close: [] }"
mutate "references not neutralised in issues and comments" src/core/untrusted/escape.ts ".replace(/&#35;/g, '&#35;\u200b')" ".replace(/&#35;/g, '&#35;')"
mutate "a failed issue or comment write fails the step" src/app/notify.ts "    core.warning(
      escapeLog(
        bound.signal.aborted" "    core.setFailed(
      escapeLog(
        bound.signal.aborted"
mutate "environment not validated on read" src/core/history/environment.ts "validateEnvironment((data as { environment: unknown }).environment)" "({ value: (data as { environment: Environment }).environment } as Result<Environment>)"
mutate "metadata.json read without its cap" src/app/check.ts "[METADATA_FILE]: MAX_METADATA_BYTES" "[METADATA_FILE]: MAX_METADATA_BYTES * 1e6"
mutate "cached environment not validated" src/core/history/sample-book.ts "const environment = validateEnvironment(item)" "const environment = { value: item as Environment }"
mutate "match filter removed" src/core/history/matching.ts "const kept = history.filter(s => matches(s, reference, keys))" "const kept = [...history]"
mutate "unknown environment matches" src/core/history/matching.ts "if (!environment || !reference) return false" "if (!environment || !reference) return true"

mutate "file collision check compared with case" src/core/inputs/config.ts "const first = parts[0].toLowerCase()" "const first = parts[0]"
mutate "repository listing absence without order confirmation" src/github/artifact-index.ts "const before = this.confirmed + ORDER_SLACK_MS" "const before = Math.min(this.confirmed, this.oldest) + ORDER_SLACK_MS"
mutate "artifact expiry judged by the runner clock" src/github/artifact-index.ts "parse: raw => toArtifact(raw, this.now())" "parse: raw => toArtifact(raw, Date.now())"
mutate "summary byte cap removed" src/render/summary.ts "if (Buffer.byteLength(markdown) <= max) return markdown" "if (Buffer.byteLength(markdown) <= 1e12) return markdown"
mutate "summary skipped rows not capped" src/render/summary.ts ".slice(0, MAX_SKIPPED_ROWS)" ".slice(0)"

npm run package >/dev/null 2>&1
echo "survivors: $survivors"
exit $((survivors > 0))
