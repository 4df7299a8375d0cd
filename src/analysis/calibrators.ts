import { UsageError } from '../errors.js';
import type { Histogram } from './histogram.js';

/*
 * Calibrators for the clip value (amax) of an unsigned 8-bit ReLU output,
 * following pytorch-quantization's `compute_amax` (calibration-and-metrics.md §2).
 * Each takes the histogram of the ReLU output (zeros included) on [0, max].
 */

export const CALIBRATORS = ['minmax', 'percentile', 'mse', 'entropy'] as const;
export type Calibrator = (typeof CALIBRATORS)[number];

export function parseCalibrator(s: string): Calibrator {
  if ((CALIBRATORS as readonly string[]).includes(s)) return s as Calibrator;
  throw new UsageError(`unknown calibrator '${s}' (expected one of: ${CALIBRATORS.join(', ')})`);
}

/** First index i with cdf[i] >= target (numpy searchsorted, side 'left'). */
function searchsortedLeft(cdf: Float64Array, target: number): number {
  let lo = 0;
  let hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Percentile: cdf = cumsum(hist / total); amax = bin_edges[searchsorted(cdf, p / 100)]
 * (the left edge of the bin where the cdf reaches p, as pytorch-quantization does).
 */
export function percentileAmax(h: Histogram, percentile = 99.99): number {
  if (!(percentile > 0 && percentile <= 100)) throw new UsageError(`percentile must be in (0, 100], got ${percentile}`);
  const total = h.total();
  if (total === 0) return h.max;
  const cdf = new Float64Array(h.bins);
  let acc = 0;
  for (let i = 0; i < h.bins; i++) {
    acc += h.counts[i]! / total;
    cdf[i] = acc;
  }
  const idx = Math.min(searchsortedLeft(cdf, percentile / 100), h.bins);
  return h.edges[idx]!;
}

/** torch.round: half to even. */
function roundEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/**
 * MSE sweep (pytorch-quantization `_compute_amax_mse`): every bin centre from
 * start_bin = 128 up is tried as amax; all centres are fake-quantized with
 * scale = 255 / amax (clamp(round(c·scale), 0, 255) / scale, round half even) and
 * scored by Σ (q(c) − c)²·count; the first argmin wins.
 */
export function mseAmax(h: Histogram, startBin = 128, maxCode = 255): number {
  const n = h.bins;
  const centres = new Float64Array(n);
  for (let i = 0; i < n; i++) centres[i] = (h.edges[i]! + h.edges[i + 1]!) / 2;
  if (h.max === 0) return 0;
  let best = Infinity;
  let bestIdx = Math.min(startBin, n - 1);
  for (let i = Math.min(startBin, n - 1); i < n; i++) {
    const amax = centres[i]!;
    const scale = maxCode / amax;
    let score = 0;
    for (let j = 0; j < n; j++) {
      const c = centres[j]!;
      const cnt = h.counts[j]!;
      if (cnt === 0) continue;
      let q = roundEven(c * scale);
      if (q > maxCode) q = maxCode;
      const e = q / scale - c;
      score += e * e * cnt;
    }
    if (score < best) {
      best = score;
      bestIdx = i;
    }
  }
  return centres[bestIdx]!;
}

/**
 * KL divergence calibration, TensorRT's algorithm as pytorch-quantization
 * implements it (`_compute_amax_entropy`): bins[0] = bins[1] (the ReLU zero
 * spike drops out); for i from 128 to bins: P = bins[:i] with Σ bins[i:] added
 * to its last bin; Q = bins[:i] merged into `levels` groups (256 for unsigned
 * 8-bit, 128 for signed) by np.digitize over linspace(0, i, levels + 1), each
 * group's mass spread evenly over its non-empty bins; KL(P‖Q) as
 * scipy.stats.entropy (both normalised; P > 0 where Q = 0 gives +∞); the
 * last argmin wins; amax = bin_edges[i].
 */
export function entropyAmax(h: Histogram, levels = 256, startBin = 128): number {
  const bins = Float64Array.from(h.counts);
  const n = bins.length;
  if (n < 2 || h.max === 0) return h.max;
  bins[0] = bins[1]!;
  const start = Math.min(startBin, n);
  const groupMass = new Float64Array(levels);
  const groupCount = new Float64Array(levels);
  let bestKl = Infinity;
  let bestI = start;
  // suffix sums of the tail mass
  const tail = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) tail[i] = tail[i + 1]! + bins[i]!;
  for (let i = start; i <= n; i++) {
    groupMass.fill(0);
    groupCount.fill(0);
    for (let j = 0; j < i; j++) {
      if (bins[j] === 0) continue;
      const g = groupOf(j, i, levels);
      groupMass[g] += bins[j]!;
      groupCount[g]!++;
    }
    let pSum = 0;
    let qSum = 0;
    for (let j = 0; j < i; j++) {
      pSum += bins[j]!;
      if (bins[j] !== 0) {
        const g = groupOf(j, i, levels);
        qSum += groupMass[g]! / groupCount[g]!;
      }
    }
    pSum += tail[i]!;
    let kl = 0;
    for (let j = 0; j < i; j++) {
      const p = (bins[j]! + (j === i - 1 ? tail[i]! : 0)) / pSum;
      if (p === 0) continue;
      let q = 0;
      if (bins[j] !== 0) {
        const g = groupOf(j, i, levels);
        q = groupMass[g]! / groupCount[g]! / qSum;
      }
      kl += q === 0 ? Infinity : p * Math.log(p / q);
    }
    if (kl <= bestKl) {
      bestKl = kl;
      bestI = i;
    }
  }
  return h.edges[bestI]!;
}

/** np.digitize(j, linspace(0, i, levels + 1)) − 1 for integer j in [0, i). */
function groupOf(j: number, i: number, levels: number): number {
  return Math.floor((j * levels) / i);
}
