import type { RunSpec } from './history.js'

/**
 * The demo's example history of `chart.yml` (`npm run demo`, `npm run local-action`): mostly
 * samples around 145 s, with a failure that counts, a cancelled run, an expired artifact, a
 * run without a sample, one whose file holds an error message, and a fork's run.
 */
export const DEMO_HISTORY: (RunSpec | number | string)[] = [
  { value: 151, conclusion: 'failure' },
  142,
  { value: 190, conclusion: 'cancelled' },
  138,
  { value: 160, artifact: { expired: true } },
  147,
  {},
  'Error: timed out waiting for the condition',
  133,
  { value: 145, head: 'fork' },
  156,
  129,
  171,
  140,
  152,
  137,
  149
]
