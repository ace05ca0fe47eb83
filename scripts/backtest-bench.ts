/**
 * `npm run bench:backtest`: the computation of a backtest of 200 positions at history 30
 * (window 10), after the one read of the history: the replay with its change-point tests, and
 * the nearby settings. Seeded history: noise around 145 s, a +25 s step 60 runs before the
 * newest. Also times the replay with every position's test run in full, for comparison.
 */
import { cpus, loadavg } from 'node:os'
import { backtest } from '../src/core/history/backtest.js'
import { sfc32 } from '../src/core/stats/changepoint.js'
import { replay, type GateRule } from '../src/core/history/replay.js'
import type { Sample } from '../src/core/types.js'

const POSITIONS = 200
const rule: GateRule = {
  rubric: { budget: 160, minRuns: 10, window: 10, decide: 'rubric' },
  history: { size: 30, minShift: 8, match: [] }
}
const next = sfc32(32)
const noise = () => (next() / 2 ** 32 - 0.5) * 20 + (next() / 2 ** 32 - 0.5) * 20
const count = POSITIONS + rule.history.size - 1
const read: Sample[] = Array.from({ length: count }, (_, i) => ({
  run_id: 10_000 - i,
  run_number: 5_000 - i,
  value: Math.round((145 + (i < 60 ? 25 : 0) + noise()) * 10) / 10,
  head_sha: '',
  created_at: '',
  html_url: '',
  conclusion: 'success'
}))

function time(label: string, work: () => unknown, repeats = 3): void {
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const start = performance.now()
    work()
    times.push(performance.now() - start)
  }
  const median = times.sort((a, b) => a - b)[repeats >> 1]
  console.log(`${label}: median of ${repeats} ${Math.round(median)} ms`)
}

console.log(
  `${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load ${loadavg()[0].toFixed(2)}, Node ${process.version}`
)
time(`backtest, ${POSITIONS} positions at history 30`, () => backtest(read, POSITIONS, rule))
time(`the replay alone, every change-point test in full`, () =>
  replay(read, POSITIONS, rule, 'full')
)
const bt = backtest(read, POSITIONS, rule)
console.log(`strip: ${bt.strip}`)
console.log(
  `shifts: ${bt.shifts.map(s => `${s.direction} at #${s.firstAfter.run_number}, failed at slow run ${s.slowRunsToFail}`).join('; ')}`
)
