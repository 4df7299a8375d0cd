import { errorSumsWasm, type ErrorSums } from '../wasm/metricsWasm.js';

/**
 * Error metrics of a quantized tensor q against a float reference r, accumulated
 * chunk by chunk in float64 (calibration-and-metrics.md §3):
 *   mse = Σ(q − r)² / n, rmse, meanAbsError, maxAbsError (first index of the max),
 *   sqnrDb = 20·log10(‖r‖ / ‖r − q‖) (PyTorch compute_sqnr), cosine = ⟨r, q⟩ / (‖r‖‖q‖),
 *   clipFraction = share of elements with r > top (the scheme's effective top),
 *   and the split mse = clipMse + roundMse: clipMse sums the elements with r > top,
 *   roundMse the rest. mse is defined as clipMse + roundMse, so the two add up exactly.
 * Non-finite reference values are skipped (counted by the caller).
 * Each chunk is summed on its own and added to the totals (two-level summation); float32 chunks
 * of 64+ values are summed in wasm f64x2 lanes when available (same counts, maximum and index;
 * sums equal to about 1e-15 relative, the order of addition being different).
 */
export interface ErrorMetrics {
  count: number;
  mse: number;
  rmse: number;
  meanAbsError: number;
  maxAbsError: number;
  maxAbsErrorIndex: number;
  /** +Infinity when q equals r exactly (no error). */
  sqnrDb: number;
  cosine: number;
  clipFraction: number;
  clipMse: number;
  roundMse: number;
}

export class ErrorAccumulator implements ErrorSums {
  n = 0;
  sumSqClip = 0;
  sumSqRound = 0;
  sumAbs = 0;
  maxAbs = -1;
  maxAbsIndex = -1;
  sumRefSq = 0;
  sumQSq = 0;
  sumRefQ = 0;
  clipCount = 0;

  /**
   * Add a chunk. `indexOffset` is the global index of element 0 (for maxAbsErrorIndex);
   * elements whose reference is not finite are skipped.
   */
  add(ref: ArrayLike<number>, q: ArrayLike<number>, top: number, indexOffset = 0): this {
    let from = 0;
    if (ref instanceof Float32Array && q instanceof Float32Array && ref.length >= 64) {
      // WebAssembly f64x2 sums for the multiple-of-4 part; the tail goes through the loop below.
      const whole = ref.length - (ref.length % 4);
      const w = errorSumsWasm(ref, q, whole, top);
      if (w) {
        this.merge(w, indexOffset);
        from = whole;
      }
    }
    return this.addRange(ref, q, top, indexOffset, from);
  }

  /** The TypeScript loop (the reference for the wasm sums) over elements [from, length). */
  addRange(ref: ArrayLike<number>, q: ArrayLike<number>, top: number, indexOffset: number, from: number): this {
    let n = 0;
    let sClip = 0;
    let sRound = 0;
    let sAbs = 0;
    let sRR = 0;
    let sQQ = 0;
    let sRQ = 0;
    let clip = 0;
    let maxAbs = this.maxAbs;
    let maxIdx = this.maxAbsIndex;
    for (let i = from; i < ref.length; i++) {
      const r = ref[i]!;
      if (r - r !== 0) continue;
      const v = q[i]!;
      const e = v - r;
      const e2 = e * e;
      const a = Math.abs(e);
      n++;
      if (r > top) {
        clip++;
        sClip += e2;
      } else {
        sRound += e2;
      }
      sAbs += a;
      sRR += r * r;
      sQQ += v * v;
      sRQ += r * v;
      if (a > maxAbs) {
        maxAbs = a;
        maxIdx = indexOffset + i;
      }
    }
    this.n += n;
    this.sumSqClip += sClip;
    this.sumSqRound += sRound;
    this.sumAbs += sAbs;
    this.sumRefSq += sRR;
    this.sumQSq += sQQ;
    this.sumRefQ += sRQ;
    this.clipCount += clip;
    this.maxAbs = maxAbs;
    this.maxAbsIndex = maxIdx;
    return this;
  }

  /**
   * Add another set of sums: an accumulator (totals over several files; indices keep the first
   * file's meaning) or the wasm sums of a range starting at global index `indexOffset`.
   */
  merge(o: ErrorSums, indexOffset = 0): this {
    this.n += o.n;
    this.sumSqClip += o.sumSqClip;
    this.sumSqRound += o.sumSqRound;
    this.sumAbs += o.sumAbs;
    this.sumRefSq += o.sumRefSq;
    this.sumQSq += o.sumQSq;
    this.sumRefQ += o.sumRefQ;
    this.clipCount += o.clipCount;
    if (o.maxAbs > this.maxAbs) {
      this.maxAbs = o.maxAbs;
      this.maxAbsIndex = indexOffset + o.maxAbsIndex;
    }
    return this;
  }

  result(): ErrorMetrics {
    const n = this.n;
    const sumSq = this.sumSqClip + this.sumSqRound;
    const clipMse = n ? this.sumSqClip / n : NaN;
    const roundMse = n ? this.sumSqRound / n : NaN;
    // mse is defined as the sum of its two parts, so clipMse + roundMse === mse holds exactly.
    const mse = clipMse + roundMse;
    return {
      count: n,
      mse,
      rmse: Math.sqrt(mse),
      meanAbsError: n ? this.sumAbs / n : NaN,
      maxAbsError: n ? this.maxAbs : NaN,
      maxAbsErrorIndex: this.maxAbsIndex,
      sqnrDb: n ? 10 * Math.log10(this.sumRefSq / sumSq) : NaN,
      cosine: n ? this.sumRefQ / Math.sqrt(this.sumRefSq * this.sumQSq) : NaN,
      clipFraction: n ? this.clipCount / n : NaN,
      clipMse,
      roundMse,
    };
  }
}
