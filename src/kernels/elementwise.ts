import { UsageError } from '../errors.js';
import { DTYPE_RANGE, allocateDtype, dtypeOfCodes, resolveQuant, type IntCodeArray, type QuantLike } from './affine.js';
import { activationRange, type FusedActivation } from './activationRange.js';
import { multiplyByQuantizedMultiplier, quantizeMultiplier, type MultiplierRounding } from './fixedPointMath.js';
import { clamp8Wasm, requantCodesWasm } from '../wasm/elementwiseWasm.js';

/*
 * Element-wise kernels on integer codes, no float round trip.
 */

/**
 * Clamp codes to a fused activation's range computed as TFLite does
 * (activationRange) in the codes' own quantization: ReLU / ReLU6 / ReLU3 / ReLU-N
 * on int8/uint8 codes. This is TFLM's builtin RELU6 (input domain only) and
 * TFLite's builtin when input and output quantizations match.
 */
export function reluClampCodes(
  codes: IntCodeArray,
  quant: QuantLike,
  activation: FusedActivation = 'relu6',
  out?: IntCodeArray,
): IntCodeArray {
  const dtype = dtypeOfCodes(codes);
  const q = resolveQuant(quant);
  if (q.dtype !== dtype) throw new UsageError(`codes are ${dtype} but the quantization is ${q.dtype}`);
  const { actMin, actMax } = activationRange(activation, q.scale, q.zeroPoint, dtype);
  const result = out ?? allocateDtype(dtype, codes.length);
  if (result.length !== codes.length || dtypeOfCodes(result) !== dtype) throw new UsageError('out must match the input codes');
  const done = dtype === 'int8' || dtype === 'uint8' ? clamp8Wasm(codes as Int8Array | Uint8Array, result as Int8Array | Uint8Array, dtype === 'int8', actMin, actMax) : 0;
  for (let i = done; i < codes.length; i++) {
    const c = codes[i]!;
    result[i] = c < actMin ? actMin : c > actMax ? actMax : c;
  }
  return result;
}

/**
 * CMSIS-NN arm_relu6_s8: min(max(x, 0), 6) on raw int8 values, no scale or
 * zero point (the legacy q7 meaning). Named apart from the quantized ReLU6.
 */
export function cmsisRawRelu6(codes: Int8Array, out?: Int8Array): Int8Array {
  if (!(codes instanceof Int8Array)) throw new UsageError('cmsisRawRelu6 takes Int8Array codes');
  const result = out ?? new Int8Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    result[i] = c < 0 ? 0 : c > 6 ? 6 : c;
  }
  return result;
}

export interface RequantizeOptions {
  rounding?: MultiplierRounding;
  /** Fused activation applied in the output quantization (default none). */
  activation?: FusedActivation;
  /**
   * How the scale ratio is formed before QuantizeMultiplier: 'double' (default; TFLite's
   * Quantize/Requantize op: double(in_scale) / double(out_scale)) or 'float32' (TFLite's
   * ReluPrepare for RELU/RELU6: `input->params.scale / output->params.scale`, a float division).
   */
  ratio?: 'double' | 'float32';
}

/** The (multiplier, shift) TFLite uses to go from one scale to another: QuantizeMultiplier(in/out). */
export function requantizeMultiplier(inputScale: number, outputScale: number, singleRounding = false, ratio: 'double' | 'float32' = 'double') {
  // Scales are float32 in TFLite tensors; the ratio is then taken in float or in double.
  const r = ratio === 'float32' ? Math.fround(Math.fround(inputScale) / Math.fround(outputScale)) : Math.fround(inputScale) / Math.fround(outputScale);
  return quantizeMultiplier(r, { singleRounding });
}

/**
 * Requantize codes between two quantizations (TFLite Requantize / the
 * builtin ReLU6): y = clamp(out_zp + MBQM(x − in_zp, M, shift), lo, hi),
 * (M, shift) = QuantizeMultiplier(in_scale / out_scale). Fixed-point formats
 * are affine with scale 2^-n and zero point 0, so UQ3.5 → UQ2.6 is
 * requantize(codes, 'UQ3.5', 'UQ2.6').
 */
export function requantize(codes: IntCodeArray, from: QuantLike, to: QuantLike, options: RequantizeOptions = {}): IntCodeArray {
  const dtype = dtypeOfCodes(codes);
  const a = resolveQuant(from);
  const b = resolveQuant(to);
  if (a.dtype !== dtype) throw new UsageError(`codes are ${dtype} but the input quantization is ${a.dtype}`);
  const rounding = options.rounding ?? 'double';
  const { multiplier, shift } = requantizeMultiplier(a.scale, b.scale, rounding === 'single', options.ratio ?? 'double');
  if (shift < -31 || shift > 30) {
    throw new UsageError(`scale ratio ${a.scale / b.scale} needs shift ${shift}, outside TFLite's -31..30`);
  }
  const { actMin, actMax } = activationRange(options.activation ?? 'none', b.scale, b.zeroPoint, b.dtype);
  const out = allocateDtype(b.dtype, codes.length);
  const zin = a.zeroPoint;
  const zout = b.zeroPoint;
  if (requantCodesWasm(codes, out, zin, multiplier, shift, rounding === 'single', zout, actMin, actMax)) return out;
  for (let i = 0; i < codes.length; i++) {
    const y = zout + multiplyByQuantizedMultiplier(codes[i]! - zin, multiplier, shift, { rounding });
    out[i] = y < actMin ? actMin : y > actMax ? actMax : y;
  }
  return out;
}

/**
 * TFLite's builtin RELU6 (activations.cc ReluPrepare / QuantizedReluX):
 * requantize from the input to the output quantization with
 * QuantizeMultiplier(float(in_scale / out_scale)) — ReluPrepare divides the two
 * float scales in float — clamped to [max(qmin, Q(0)), min(qmax, Q(6))] of the output.
 */
export function relu6Requantize(codes: IntCodeArray, from: QuantLike, to: QuantLike, rounding: MultiplierRounding = 'double'): IntCodeArray {
  return requantize(codes, from, to, { activation: 'relu6', rounding, ratio: 'float32' });
}

export { DTYPE_RANGE };
