/** Rates measured over seeded trials, as the trials scripts print them. */

/** `5.1% (3.9–6.6)`: the rate and its 95% Wilson interval over the trials. */
export function rate(hits: number, trials: number): string {
  if (trials === 0) return '–'
  const z = 1.96
  const p = hits / trials
  const centre = (p + (z * z) / (2 * trials)) / (1 + (z * z) / trials)
  const half =
    (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) /
    (1 + (z * z) / trials)
  const pct = (x: number) => (x * 100).toFixed(1)
  return `${pct(p)}% (${pct(Math.max(0, centre - half))}–${pct(Math.min(1, centre + half))})`
}
