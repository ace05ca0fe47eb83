/**
 * The steady-state check's request log read back for `npm run bench`: what each request was,
 * the timeline of one check, and the floor its own requests set (Node's start to the first
 * request, then one latency per round trip that had to wait for the one before it).
 */

export type CallKind =
  | 'runs listing'
  | 'artifact listing'
  | 'cache lookup'
  | 'cache blob'
  | 'zip (302)'
  | 'zip blob'
  | 'upload'
  | 'cache save'
  | 'other'

export interface Call {
  kind: CallKind
  /** ms from the process's start: the request arrived, and its answer was sent. */
  at: number
  doneAt: number
}

const KINDS: [RegExp, CallKind][] = [
  [/\/actions\/workflows\/[^/]+\/runs/, 'runs listing'],
  [/\/actions\/artifacts(\?|$)/, 'artifact listing'],
  [/\/actions\/artifacts\/\d+\/zip/, 'zip (302)'],
  [/^\/blob\//, 'zip blob'],
  [/CacheService\/GetCacheEntryDownloadURL/, 'cache lookup'],
  [/CacheService\/(CreateCacheEntry|FinalizeCacheEntryUpload)/, 'cache save'],
  [/ArtifactService\/|^\/devstoreaccount1\//, 'upload']
]

export function callKind(method: string, path: string): CallKind {
  if (path.startsWith('/cacheblob/')) return method === 'GET' ? 'cache blob' : 'cache save'
  return KINDS.find(([pattern]) => pattern.test(path))?.[1] ?? 'other'
}

const count = (log: Call[], kind: CallKind) => log.filter(c => c.kind === kind).length

/**
 * Round trips that could not overlap: to the verdict, the longest chain of the check's own
 * requests (each listing's pages one after another; the newest zip's 302 and blob after the
 * listings' first pages; the cache entry's blob after its lookup); after it, the upload's
 * calls one after another beside the save's.
 */
export function floorRoundTrips(log: Call[]): { toVerdict: number; after: number } {
  const zip = count(log, 'zip (302)') > 0 ? 1 + 2 : 0
  const cache = count(log, 'cache lookup') + (count(log, 'cache blob') > 0 ? 1 : 0)
  const toVerdict = Math.max(count(log, 'runs listing'), count(log, 'artifact listing'), zip, cache)
  return { toVerdict, after: Math.max(count(log, 'upload'), count(log, 'cache save')) }
}

/** The floor: the first request as measured, then a latency for every round trip that waits. */
export function floorMs(log: Call[], firstRequestMs: number, latencyMs: number): number {
  const { toVerdict, after } = floorRoundTrips(log)
  return firstRequestMs + latencyMs * (toVerdict + after)
}

/** The phases of a steady-state check in the order they happen. */
const PHASES: CallKind[] = [
  'runs listing',
  'artifact listing',
  'cache lookup',
  'cache blob',
  'zip (302)',
  'zip blob',
  'upload',
  'cache save'
]

/** One row a phase: its calls and when the first started and the last answered. */
export function timelineRows(log: Call[]): { phase: string; span: string }[] {
  return PHASES.flatMap(kind => {
    const calls = log.filter(c => c.kind === kind)
    if (!calls.length) return []
    const from = Math.min(...calls.map(c => c.at))
    const to = Math.max(...calls.map(c => c.doneAt))
    return [{ phase: `${kind} (${calls.length})`, span: `${from.toFixed(0)}–${to.toFixed(0)}` }]
  })
}
