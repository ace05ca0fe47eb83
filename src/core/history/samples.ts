import { SkipRun } from '../errors.js'
import type { Measured, Result, RunInfo, Sample, Skip } from '../types.js'

/**
 * Fetches one run's sample (a bare number: its value, environment unknown), or throws
 * `SkipRun` with the reason it does not count.
 */
export type SampleFetcher<R extends RunInfo> = (run: R) => Promise<Measured | number>

export interface Collected {
  samples: Sample[]
  skipped: Skip[]
}

/** One run's answer, by its place in the list of runs. */
type RunResult = Result<Measured> & { index: number }

/**
 * Reads samples from runs in newest-first order until `wanted` are found, with up to
 * `concurrency` runs in flight. It never starts more runs than could still be needed
 * (found + in flight < wanted), so a history where every run has a sample costs exactly
 * `wanted` fetches, and a page of runs is listed only when the runs in hand cannot fill the
 * window even if every fetch in flight succeeds.
 */
export async function collectSamples<R extends RunInfo>(
  pages: AsyncIterator<R[]>,
  wanted: number,
  fetchSample: SampleFetcher<R>,
  concurrency: number,
  isEligible: (run: R) => string | undefined
): Promise<Collected> {
  const runs: R[] = []
  const outcomes: (RunResult | undefined)[] = []
  const inFlight = new Map<number, Promise<RunResult>>()
  let next = 0
  let found = 0
  let morePages = wanted > 0
  let pageRequest: Promise<IteratorResult<R[]>> | undefined

  const start = (index: number) => {
    const run = runs[index]
    const task = fetchSample(run).then(
      (got): RunResult => ({
        index,
        value: typeof got === 'number' ? { value: got } : got
      }),
      (error: unknown): RunResult => {
        if (error instanceof SkipRun) return { index, reason: error.message }
        throw error
      }
    )
    // A fatal error rejects the race below; the other tasks' later rejections are moot.
    task.catch(() => undefined)
    inFlight.set(index, task)
  }

  for (;;) {
    while (next < runs.length && inFlight.size < concurrency && found + inFlight.size < wanted) {
      const reason = isEligible(runs[next])
      if (reason) outcomes[next] = { index: next, reason }
      else start(next)
      next++
    }
    if (!pageRequest && morePages && next >= runs.length && found + inFlight.size < wanted) {
      pageRequest = pages.next()
    }
    if (inFlight.size === 0 && !pageRequest) break
    const event = await Promise.race([
      ...inFlight.values(),
      ...(pageRequest ? [pageRequest.then(page => ({ page }))] : [])
    ])
    if ('page' in event) {
      pageRequest = undefined
      if (event.page.done) morePages = false
      else runs.push(...event.page.value)
      continue
    }
    inFlight.delete(event.index)
    outcomes[event.index] = event
    if ('value' in event) found++
  }
  return { samples: toSamples(runs, outcomes), skipped: toSkips(runs, outcomes) }
}

function toSamples(runs: readonly RunInfo[], outcomes: (RunResult | undefined)[]): Sample[] {
  const samples: Sample[] = []
  outcomes.forEach(outcome => {
    if (!outcome || !('value' in outcome)) return
    const run = runs[outcome.index]
    const { value, environment, environmentProblem } = outcome.value
    samples.push({
      run_id: run.id,
      run_number: run.run_number,
      value,
      head_sha: run.head_sha,
      created_at: run.created_at,
      html_url: run.html_url,
      conclusion: run.conclusion ?? '',
      ...(environment ? { environment } : {}),
      ...(environmentProblem ? { environmentProblem } : {})
    })
  })
  return samples
}

function toSkips(runs: readonly RunInfo[], outcomes: (RunResult | undefined)[]): Skip[] {
  return outcomes.flatMap(outcome =>
    outcome && 'reason' in outcome ? [{ ...pick(runs[outcome.index]), reason: outcome.reason }] : []
  )
}

const pick = (run: RunInfo) => ({
  run_id: run.id,
  run_number: run.run_number,
  html_url: run.html_url
})

/**
 * One listing read by several collectors (one per metric): each gets its own cursor over the
 * same pages, and a page is requested from `source` once, when the first cursor needs it.
 */
export function sharedPages<R>(source: AsyncIterator<R[]>): () => AsyncIterator<R[]> {
  const pages: Promise<IteratorResult<R[]>>[] = []
  const page = (index: number): Promise<IteratorResult<R[]>> => {
    while (pages.length <= index) {
      const previous = pages.at(-1)
      // In order, one at a time: a listing's next page depends on the one before it.
      pages.push(previous ? previous.then(got => (got.done ? got : source.next())) : source.next())
    }
    return pages[index]
  }
  return () => {
    let index = 0
    return { next: () => page(index++) }
  }
}
