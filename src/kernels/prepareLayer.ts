import { UsageError } from '../errors.js';
import { resolveQuant, type AffineQuant, type QuantLike } from './affine.js';
import { activationRange, type FusedActivation } from './activationRange.js';
import { quantizeMultiplier, roundHalfAway, type MultiplierRounding } from './fixedPointMath.js';

export interface PreparedWeights {
  /** Symmetric int8 weights in [-127, 127] (TFLite/Jacob et al.: never -128). */
  weights: Int8Array;
  /** float32 scale per output channel (one entry repeated when perChannel is false). */
  weightScales: Float32Array;
  bias: Int32Array | null;
  outputMultiplier: Int32Array;
  outputShift: Int32Array;
  inputZeroPoint: number;
  outputZeroPoint: number;
  activationMin: number;
  activationMax: number;
  outputDtype: 'int8' | 'uint8';
  rounding: MultiplierRounding;
  inputQuant: AffineQuant;
  outputQuant: AffineQuant;
}

export interface PrepareLayerOptions {
  /** Float weights with the output channel as the slowest axis: dense [out][in], conv OHWI;
   *  for depthwise ([1, KH, KW, C·M]) pass `channelAxisLast: true`. */
  weights: Float32Array | Float64Array;
  outChannels: number;
  bias?: Float32Array | Float64Array | null;
  /** Input and output quantizations: affine, or fixed-point formats such as 'relu6'/'UQ3.5'. */
  input: QuantLike;
  output: QuantLike;
  activation?: FusedActivation;
  /** Per-channel weight scales (default true, TFLite's int8 scheme) or one per tensor. */
  perChannel?: boolean;
  channelAxisLast?: boolean;
  rounding?: MultiplierRounding;
}

/**
 * From a float layer to an integer one in one call (TFLite's int8 scheme):
 * per-channel symmetric int8 weights, scale = max|w_c| / 127, q = round(w / scale)
 * (half away, float32 division) in [-127, 127]; int32 bias = round(b / (s_in · s_w));
 * multipliers from QuantizeMultiplier of s_in·s_w/s_out (per channel in double,
 * per tensor with the product s_in·s_w rounded to float32 first, as kernel_util.cc);
 * the fused activation range of the output quantization.
 */
export function prepareLayer(o: PrepareLayerOptions): PreparedWeights {
  const input = resolveQuant(o.input);
  const output = resolveQuant(o.output);
  if (input.dtype !== 'int8' && input.dtype !== 'uint8') throw new UsageError('prepareLayer: input must be int8 or uint8');
  if (output.dtype !== 'int8' && output.dtype !== 'uint8') throw new UsageError('prepareLayer: output must be int8 or uint8');
  const C = o.outChannels;
  const n = o.weights.length;
  if (!Number.isInteger(C) || C < 1 || n % C !== 0) throw new UsageError(`prepareLayer: ${n} weights do not split into ${C} output channels`);
  const per = n / C;
  const channelOf = o.channelAxisLast ? (i: number) => i % C : (i: number) => Math.floor(i / per);
  const absMax = new Float64Array(C);
  for (let i = 0; i < n; i++) {
    const w = o.weights[i]!;
    if (!Number.isFinite(w)) throw new UsageError(`prepareLayer: weight ${i} is ${w}`);
    const c = channelOf(i);
    absMax[c] = Math.max(absMax[c]!, Math.abs(w));
  }
  const perChannel = o.perChannel ?? true;
  if (!perChannel) absMax.fill(Math.max(...absMax));
  const weightScales = new Float32Array(C);
  for (let c = 0; c < C; c++) weightScales[c] = absMax[c]! > 0 ? absMax[c]! / 127 : 1;
  const weights = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const q = roundHalfAway(Math.fround(Math.fround(o.weights[i]!) / weightScales[channelOf(i)]!));
    weights[i] = Math.max(-127, Math.min(127, q));
  }
  let bias: Int32Array | null = null;
  if (o.bias) {
    if (o.bias.length !== C) throw new UsageError(`prepareLayer: bias has ${o.bias.length} entries for ${C} channels`);
    bias = new Int32Array(C);
    for (let c = 0; c < C; c++) {
      const b = roundHalfAway(o.bias[c]! / (input.scale * weightScales[c]!));
      if (Math.abs(b) > 2147483647) throw new UsageError(`prepareLayer: bias ${c} does not fit int32 at this scale`);
      bias[c] = b;
    }
  }
  const rounding = o.rounding ?? 'double';
  const outputMultiplier = new Int32Array(C);
  const outputShift = new Int32Array(C);
  for (let c = 0; c < C; c++) {
    const real = perChannel
      ? (input.scale * weightScales[c]!) / output.scale
      : Math.fround(input.scale * weightScales[c]!) / output.scale;
    const { multiplier, shift } = quantizeMultiplier(real, { singleRounding: rounding === 'single' });
    outputMultiplier[c] = multiplier;
    outputShift[c] = shift;
  }
  const { actMin, actMax } = activationRange(o.activation ?? 'none', output.scale, output.zeroPoint, output.dtype);
  return {
    weights,
    weightScales,
    bias,
    outputMultiplier,
    outputShift,
    inputZeroPoint: input.zeroPoint,
    outputZeroPoint: output.zeroPoint,
    activationMin: actMin,
    activationMax: actMax,
    outputDtype: output.dtype,
    rounding,
    inputQuant: input,
    outputQuant: output,
  };
}
