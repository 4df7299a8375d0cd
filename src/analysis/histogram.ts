import { UsageError } from '../errors.js';

/**
 * A histogram of non-negative values on [0, max] with equal bins, the shape
 * pytorch-quantization's HistogramCalibrator builds for unsigned tensors
 * (2048 bins, edges linspace(0, max, bins + 1)); a value v lands in bin
 * floor(v / max · bins), v = max in the last bin. Values outside [0, max] and
 * non-finite values are ignored. Filled chunk by chunk after a first pass
 * has found max, so memory stays bounded.
 */
export class Histogram {
  readonly counts: Float64Array;
  readonly edges: Float64Array;
  constructor(readonly max: number, readonly bins = 2048) {
    if (!(max >= 0) || !Number.isFinite(max)) throw new UsageError(`histogram range [0, ${max}] is not finite`);
    if (!Number.isInteger(bins) || bins < 1) throw new UsageError(`histogram needs a positive bin count, got ${bins}`);
    this.counts = new Float64Array(bins);
    this.edges = new Float64Array(bins + 1);
    // numpy linspace: start + k·step, the last edge set to stop exactly.
    const step = max / bins;
    for (let k = 0; k < bins; k++) this.edges[k] = k * step;
    this.edges[bins] = max;
  }

  add(values: ArrayLike<number>): this {
    const { max, bins, counts } = this;
    if (max === 0) {
      for (let i = 0; i < values.length; i++) if (values[i] === 0) counts[0]!++;
      return this;
    }
    const k = bins / max;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v >= 0 && v <= max)) continue;
      let b = Math.floor(v * k);
      if (b >= bins) b = bins - 1;
      counts[b]!++;
    }
    return this;
  }

  total(): number {
    let s = 0;
    for (const c of this.counts) s += c;
    return s;
  }
}
