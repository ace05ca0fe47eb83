/**
 * Seeded synthetic install-time histories for the change-point tests and trials, so the
 * rates in bench/changepoint.md are measured on the same series the tests check.
 */
import { mad } from '../src/core/stats/summary.js'

/**
 * normal: 200 s ± 10 s. skewed: what install times look like, a floor near 180 s with a long
 * right tail (shifted log-normal) and 1 run in 20 slowed by 100-200 s (a cold image cache).
 */
export type Noise = 'normal' | 'skewed'

export const NOISES: readonly Noise[] = ['normal', 'skewed']

/** mulberry32: a small seeded generator of uniforms in [0, 1), independent of the one tested. */
export function uniforms(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Standard normal draws by Box-Muller. */
export function normals(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
}

function draw(noise: Noise, uniform: () => number, normal: () => number): number {
  if (noise === 'normal') return 200 + 10 * normal()
  const outlier = uniform() < 0.05 ? 100 + 100 * uniform() : 0
  return 180 + 20 * Math.exp(0.8 * normal()) + outlier
}

/** n samples, oldest first, of pure noise: no shift anywhere. */
export function flatSeries(n: number, noise: Noise, seed: number): number[] {
  const uniform = uniforms(seed)
  const normal = normals(uniform)
  return Array.from({ length: n }, () => draw(noise, uniform, normal))
}

/** Noise with `step` seconds added from index `at` on (oldest first). */
export function stepSeries(
  n: number,
  noise: Noise,
  seed: number,
  at: number,
  step: number
): number[] {
  return flatSeries(n, noise, seed).map((v, i) => (i >= at ? v + step : v))
}

const noiseMad = new Map<Noise, number>()

/** The noise distribution's own MAD, estimated once from 200,000 seeded draws. */
export function populationMad(noise: Noise): number {
  let value = noiseMad.get(noise)
  if (value === undefined) {
    value = mad(flatSeries(200_000, noise, 0x5eed)) ?? 0
    noiseMad.set(noise, value)
  }
  return value
}

/**
 * n samples, oldest first, of AR(1) noise around 200 s: each run keeps `phi` of the last
 * run's deviation (runners drift), scaled so every sample is still 200 s ± 10 s. phi = 0 is
 * the independent normal noise.
 */
export function arSeries(n: number, phi: number, seed: number): number[] {
  const normal = normals(uniforms(seed))
  const innovation = Math.sqrt(1 - phi * phi)
  let deviation = normal()
  return Array.from({ length: n }, (_, i) => {
    if (i > 0) deviation = phi * deviation + innovation * normal()
    return 200 + 10 * deviation
  })
}
