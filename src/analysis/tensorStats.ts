/**
 * Summary statistics of a tensor, accumulated chunk by chunk in float64 so a
 * file larger than memory is summarised in one streaming pass. Mean and
 * variance use Chan et al.'s pairwise update of (count, mean, M2) per chunk,
 * which keeps numpy-level accuracy (numpy's std is two-pass; both are well
 * within 1e-12 relative on real data). NaN and ±Inf are counted and excluded
 * from min/max/mean/std; the fractions are of all elements.
 */
export interface TensorStats {
  count: number;
  finite: number;
  nan: number;
  posInf: number;
  negInf: number;
  min: number;
  max: number;
  mean: number;
  /** Population standard deviation (numpy's default ddof=0). */
  std: number;
  fracBelow0: number;
  fracAbove3: number;
  fracAbove6: number;
}

export class TensorStatsAccumulator {
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private total = 0;
  private nan = 0;
  private posInf = 0;
  private negInf = 0;
  private below0 = 0;
  private above3 = 0;
  private above6 = 0;

  add(values: ArrayLike<number>): this {
    const len = values.length;
    let n = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let below0 = 0;
    let above3 = 0;
    let above6 = 0;
    for (let i = 0; i < len; i++) {
      const x = values[i]!;
      if (x < 0) below0++;
      if (x > 3) above3++;
      if (x > 6) above6++;
      if (x - x === 0) {
        n++;
        sum += x;
        if (x < min) min = x;
        if (x > max) max = x;
      } else if (x !== x) this.nan++;
      else if (x > 0) this.posInf++;
      else this.negInf++;
    }
    // Second pass over the chunk for its M2 about its own mean (exact-ish, cache-hot).
    const chunkMean = n > 0 ? sum / n : 0;
    let m2 = 0;
    for (let i = 0; i < len; i++) {
      const x = values[i]!;
      if (x - x === 0) {
        const d = x - chunkMean;
        m2 += d * d;
      }
    }
    if (n > 0) {
      const total = this.n + n;
      const delta = chunkMean - this.mean;
      this.mean += (delta * n) / total;
      this.m2 += m2 + (delta * delta * this.n * n) / total;
      this.n = total;
    }
    if (min < this.min) this.min = min;
    if (max > this.max) this.max = max;
    this.total += len;
    this.below0 += below0;
    this.above3 += above3;
    this.above6 += above6;
    return this;
  }

  result(): TensorStats {
    const t = this.total;
    return {
      count: t,
      finite: this.n,
      nan: this.nan,
      posInf: this.posInf,
      negInf: this.negInf,
      min: this.n ? this.min : NaN,
      max: this.n ? this.max : NaN,
      mean: this.n ? this.mean : NaN,
      std: this.n ? Math.sqrt(this.m2 / this.n) : NaN,
      fracBelow0: t ? this.below0 / t : NaN,
      fracAbove3: t ? this.above3 / t : NaN,
      fracAbove6: t ? this.above6 / t : NaN,
    };
  }
}

/** Stats of one in-memory array. */
export function tensorStats(values: ArrayLike<number>): TensorStats {
  return new TensorStatsAccumulator().add(values).result();
}
