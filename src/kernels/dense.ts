import { UsageError } from '../errors.js';
import { mbqmUnchecked, multiplyByQuantizedMultiplier } from './fixedPointMath.js';
import { fillRows, matmulRequant, matmulRequantBytes, prepareLayerWasm, type LayerPlan } from '../wasm/layersWasm.js';
import { offWasm, wasm } from '../wasm/runtime.js';
import { checkBias, checkCodes, checkShape, checkZeroPoint, resolveOutputStage, type OutputStage, type ResolvedOutputStage } from './layerParams.js';

export interface DenseInt8Params extends OutputStage {
  /** [batches, inDim] row-major: int8 codes, or uint8 codes (e.g. UQ3.5 ReLU6 outputs). */
  input: Int8Array | Uint8Array;
  inputShape: readonly [number, number];
  inputZeroPoint: number;
  /** [outDim, inDim] row-major int8 (TFLite filter layout: accumulation dimension last). */
  weights: Int8Array;
  weightsShape: readonly [number, number];
  weightZeroPoint?: number;
  /** int32 bias per output (scale input_scale · weight_scale, zero point 0), or null. */
  bias: Int32Array | null;
}

interface DensePlan {
  input: Int8Array | Uint8Array;
  weights: Int8Array;
  batches: number;
  inDim: number;
  outDim: number;
  inputOffset: number;
  weightOffset: number;
  bias: Int32Array | null;
  out: ResolvedOutputStage;
}

function planDense(p: DenseInt8Params): DensePlan {
  const layer = 'denseInt8';
  checkCodes(p.input, 'input', layer, true);
  checkCodes(p.weights, 'weights', layer, false);
  const [batches, inDim] = checkShape(p.inputShape, 2, 'inputShape', layer) as [number, number];
  const [outDim, wIn] = checkShape(p.weightsShape, 2, 'weightsShape', layer) as [number, number];
  if (wIn !== inDim) throw new UsageError(`${layer}: weights are [${outDim}, ${wIn}] but the input has inDim ${inDim}`);
  if (p.input.length !== batches * inDim) throw new UsageError(`${layer}: input has ${p.input.length} values, inputShape needs ${batches * inDim}`);
  if (p.weights.length !== outDim * inDim) throw new UsageError(`${layer}: weights have ${p.weights.length} values, weightsShape needs ${outDim * inDim}`);
  const inputZeroPoint = checkZeroPoint(p.inputZeroPoint, p.input, 'inputZeroPoint', layer);
  const weightZeroPoint = checkZeroPoint(p.weightZeroPoint ?? 0, p.weights, 'weightZeroPoint', layer);
  return {
    // Inputs living in wasm memory are copied out first: a scratch growth would detach them mid-call.
    input: offWasm(p.input),
    weights: offWasm(p.weights),
    batches,
    inDim,
    outDim,
    // TFLM fully_connected_common.cc: input_offset = −input_zp, weights_offset = −filter_zp.
    inputOffset: -inputZeroPoint,
    weightOffset: -weightZeroPoint,
    bias: checkBias(p.bias, outDim, layer),
    out: resolveOutputStage(p, outDim, layer),
  };
}

export function allocateOut(out: ResolvedOutputStage, n: number): Int8Array | Uint8Array {
  return out.dtype === 'int8' ? new Int8Array(n) : new Uint8Array(n);
}

/**
 * Reference integer fully connected, literally TFLite's
 * reference_integer_ops::FullyConnected (fully_connected.h:136) / its
 * per-channel variant: acc = Σ (w + w_off)(x + x_off) in int32 (wrapping),
 * + bias, MBQM(acc, M[o], shift[o]) + out_zp, clamp to [actMin, actMax].
 */
export function denseInt8Reference(p: DenseInt8Params): Int8Array | Uint8Array {
  const d = planDense(p);
  const { out } = d;
  const result = allocateOut(out, d.batches * d.outDim);
  for (let b = 0; b < d.batches; b++) {
    for (let o = 0; o < d.outDim; o++) {
      let acc = 0;
      for (let i = 0; i < d.inDim; i++) {
        acc = (acc + Math.imul(d.weights[o * d.inDim + i]! + d.weightOffset, d.input[b * d.inDim + i]! + d.inputOffset)) | 0;
      }
      if (d.bias) acc = (acc + d.bias[o]!) | 0;
      let y = multiplyByQuantizedMultiplier(acc, out.multipliers[o]!, out.shifts[o]!, { rounding: out.rounding }) + out.zeroPoint;
      y = Math.max(out.actMin, Math.min(out.actMax, y));
      result[b * d.outDim + o] = y;
    }
  }
  return result;
}

/**
 * Integer fully connected (TFLite int8 semantics, bit-exact with
 * denseInt8Reference): int8 or uint8 input × int8 weights [outDim, inDim],
 * int32 accumulation, per-tensor or per-channel requantization, fused clamp.
 *
 * Fast path: the zero points are folded out of the inner loop,
 * Σ(w + wo)(x + xo) = Σwx + xo·Σw + wo·Σx + D·wo·xo (equal mod 2^32, which is
 * what int32 accumulation computes), row sums are taken once, and the inner
 * dot product over contiguous rows is unrolled by four.
 */
export function denseInt8(p: DenseInt8Params): Int8Array | Uint8Array {
  const d = planDense(p);
  const { out, input, weights, inDim, outDim, batches, inputOffset: xo, weightOffset: wo } = d;
  const result = allocateOut(out, batches * outDim);
  if (wasm()) {
    // WebAssembly SIMD: int16 dot products (i32x4.dot_i16x8_s), then zero-point terms, bias,
    // MultiplyByQuantizedMultiplier and the clamp in wasm (exact i64 arithmetic). The weight row
    // sums come from the widened weights in wasm.
    const params = wasmOutputParams(d);
    const plan = prepareLayerWasm(weights, outDim, inDim, params)!;
    runDenseWasm(plan, params, d, input, batches, result);
    return result;
  }
  const weightSums = new Int32Array(outDim);
  for (let o = 0; o < outDim; o++) {
    let s = 0;
    for (let i = 0; i < inDim; i++) s += weights[o * inDim + i]!;
    weightSums[o] = s;
  }
  const single = out.rounding === 'single';
  const constTerm = Math.imul(Math.imul(inDim, wo), xo);
  const accs = new Int32Array(outDim);
  // Widen once to float64: V8 multiplies and adds doubles without overflow checks, and every
  // partial sum is an exact integer (|sum| < inDim·2^15 < 2^53), wrapped to int32 at the end.
  const x64 = widen(input);
  const w64 = widen(weights);
  for (let b = 0; b < batches; b++) {
    const xBase = b * inDim;
    let xSum = 0;
    for (let i = 0; i < inDim; i++) xSum += input[xBase + i]!;
    const rowTerm = (Math.imul(wo, xSum) + constTerm) | 0;
    dotRows(x64, xBase, w64, inDim, outDim, accs);
    for (let o = 0; o < outDim; o++) {
      let acc = (accs[o]! + Math.imul(xo, weightSums[o]!) + rowTerm) | 0;
      if (d.bias) acc = (acc + d.bias[o]!) | 0;
      let y = mbqmUnchecked(acc, out.multipliers[o]!, out.shifts[o]!, single) + out.zeroPoint;
      y = y < out.actMin ? out.actMin : y > out.actMax ? out.actMax : y;
      result[b * outDim + o] = y;
    }
  }
  return result;
}

/**
 * accs[o] = Σ_i w[o, i] · x[xBase + i] for every output row, as int32 (the
 * exact float64 sum wrapped by |0, which equals int32 accumulation mod 2^32).
 * Four weight rows share each input load.
 */
export function dotRows(x: Float64Array, xBase: number, w: Float64Array, inDim: number, outDim: number, accs: Int32Array): void {
  let o = 0;
  for (; o + 3 < outDim; o += 4) {
    const w0 = o * inDim;
    const w1 = w0 + inDim;
    const w2 = w1 + inDim;
    const w3 = w2 + inDim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let i = 0; i < inDim; i++) {
      const xi = x[xBase + i]!;
      a0 += w[w0 + i]! * xi;
      a1 += w[w1 + i]! * xi;
      a2 += w[w2 + i]! * xi;
      a3 += w[w3 + i]! * xi;
    }
    accs[o] = a0 | 0;
    accs[o + 1] = a1 | 0;
    accs[o + 2] = a2 | 0;
    accs[o + 3] = a3 | 0;
  }
  for (; o < outDim; o++) {
    const wb = o * inDim;
    let a = 0;
    for (let i = 0; i < inDim; i++) a += w[wb + i]! * x[xBase + i]!;
    accs[o] = a | 0;
  }
}

/** Copy codes into a Float64Array (a plain loop: TypedArray.from iterates generically and is slower). */
export function widen(a: Int8Array | Uint8Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]!;
  return out;
}

/** The output stage as the wasm layer plan takes it; the column terms come from the weight row sums. */
export function wasmOutputParams(d: Omit<DensePlan, 'input' | 'batches'>) {
  const { out, outDim, inputOffset: xo, bias } = d;
  const colTerms = (weightSums: Int32Array) => {
    const t = new Int32Array(outDim);
    for (let o = 0; o < outDim; o++) t[o] = (Math.imul(xo, weightSums[o]!) + (bias ? bias[o]! : 0)) | 0;
    return t;
  };
  return { colTerms, multipliers: out.multipliers, shifts: out.shifts, zeroPoint: out.zeroPoint, actMin: out.actMin, actMax: out.actMax, single: out.rounding === 'single' };
}

/** Rows of codes through a wasm layer plan: per-row zero-point terms, matmul, requantization. */
export function runDenseWasm(
  plan: LayerPlan,
  params: ReturnType<typeof wasmOutputParams>,
  d: Omit<DensePlan, 'input' | 'batches'>,
  input: Int8Array | Uint8Array,
  batches: number,
  result: Int8Array | Uint8Array,
): void {
  const { inDim, inputOffset: xo, weightOffset: wo } = d;
  const constTerm = Math.imul(Math.imul(inDim, wo), xo);
  if (inDim % 16 === 0) {
    matmulRequantBytes(plan, batches, input, (sums, into) => {
      for (let r = 0; r < sums.length; r++) into[r] = (Math.imul(wo, sums[r]!) + constTerm) | 0;
    }, params, result);
    return;
  }
  matmulRequant(
    plan,
    batches,
    fillRows(input, inDim, plan.Dp),
    (first, count, into) => {
      for (let r = 0; r < count; r++) {
        let xSum = 0;
        const base = (first + r) * inDim;
        for (let i = 0; i < inDim; i++) xSum += input[base + i]!;
        into[r] = (Math.imul(wo, xSum) + constTerm) | 0;
      }
    },
    params,
    result,
  );
}
