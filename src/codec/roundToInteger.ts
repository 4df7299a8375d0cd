import type { RoundingMode } from './modes.js';

/**
 * Round a finite double v (a value in LSB units) to an integer, exactly, in
 * the given mode (shared/reference/fixed-point.md §2). Ties are detected on
 * d = v - floor(v), which is exact in float64, so no mode is fooled by the
 * double rounding of `v + 0.5` (e.g. 0.49999999999999994).
 * `u` is the uniform [0, 1) draw used only by 'stochastic'.
 */
export function roundToInteger(v: number, mode: RoundingMode, u = 0): number {
  const f = Math.floor(v);
  const d = v - f;
  switch (mode) {
    case 'floor':
      return f;
    case 'ceil':
      return d === 0 ? f : f + 1;
    case 'toward-zero':
      return v < 0 && d !== 0 ? f + 1 : f;
    case 'away-from-zero':
      return v > 0 && d !== 0 ? f + 1 : f;
    case 'nearest-up':
      return d >= 0.5 ? f + 1 : f;
    case 'nearest-down':
      return d > 0.5 ? f + 1 : f;
    case 'nearest-even':
      return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
    case 'nearest-odd':
      return d > 0.5 || (d === 0.5 && f % 2 === 0) ? f + 1 : f;
    case 'nearest-away':
      return d > 0.5 || (d === 0.5 && v > 0) ? f + 1 : f;
    case 'nearest-zero':
      return d > 0.5 || (d === 0.5 && v < 0) ? f + 1 : f;
    case 'stochastic':
      // ceil with probability frac(v) (QKeras stochastic_round, apytypes STOCH_WEIGHTED).
      return u < d ? f + 1 : f;
  }
}

/**
 * Counter-based uniform draw in [0, 1) for stochastic rounding: a hash of
 * (seed, element index), so the codes depend only on the seed and each
 * element's position, never on chunking or call order. Hash: Wellons'
 * lowbias32 (bias 0.17), applied twice to fold in the seed and the index's
 * high word.
 */
export function stochasticUniform(seed: number, index: number): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / 4294967296) >>> 0;
  const h = lowbias32((lo ^ lowbias32((hi + lowbias32(seed >>> 0)) >>> 0)) >>> 0);
  return h / 4294967296;
}

function lowbias32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
