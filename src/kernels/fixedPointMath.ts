import { UsageError } from '../errors.js';

/*
 * gemmlowp / TFLite fixed-point primitives, exact for every int32 input
 * (shared/reference/int8-kernels.md §1-3). JavaScript numbers are doubles, so
 * a 32x32-bit product (up to 2^62) is formed from 16-bit halves whose partial
 * products are exact in float64; no BigInt in the hot path.
 */

const TWO16 = 65536;
const TWO31 = 2147483648;
const TWO32 = 4294967296;
const TWO53 = 9007199254740992;
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/**
 * The exact 64-bit product a·b of two int32 values, as hi·2^32 + lo with
 * lo in [0, 2^32) and hi a signed integer (both exact doubles).
 */
export function mul32x32(a: number, b: number, out: Float64Array): Float64Array {
  const ah = a >> 16;
  const al = a & 0xffff;
  const bh = b >> 16;
  const bl = b & 0xffff;
  // a·b = ah·bh·2^32 + (ah·bl + al·bh)·2^16 + al·bl; |mid| < 2^32, so mid·2^16 + low < 2^49: exact.
  const s = (ah * bl + al * bh) * TWO16 + al * bl;
  const sHi = Math.floor(s / TWO32);
  out[0] = ah * bh + sHi;
  out[1] = s - sHi * TWO32;
  return out;
}

const prod = new Float64Array(2);

/**
 * SaturatingRoundingDoublingHighMul (gemmlowp fixedpoint.h:340, ARM VQRDMULH):
 * round(a·b / 2^31) with ties toward +∞ (nudge 2^30 for ab >= 0, 1 - 2^30
 * otherwise, then C++ truncating division). The only saturation:
 * SRDHM(INT32_MIN, INT32_MIN) = INT32_MAX.
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  a |= 0;
  b |= 0;
  const direct = a * b;
  if (direct < TWO53 && direct > -TWO53) {
    // The double product is exact below 2^53 (the usual case: accumulators are small),
    // so is ab + nudge, and division by 2^31 is exact: truncate directly.
    return Math.trunc((direct + (direct >= 0 ? 2 ** 30 : 1 - 2 ** 30)) / TWO31) | 0;
  }
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  mul32x32(a, b, prod);
  const negative = (a < 0) !== (b < 0) && a !== 0 && b !== 0;
  // X = ab + nudge = hi·2^32 + lo + nudge; X / 2^31 = 2·hi + (lo + nudge) / 2^31 (first term exact).
  const t = prod[1]! + (negative ? 1 - 2 ** 30 : 2 ** 30);
  const f = Math.floor(t / TWO31);
  let q = 2 * prod[0]! + f;
  // Truncation toward zero: for negative X, floor + 1 unless X is a multiple of 2^31.
  if (negative && t - f * TWO31 !== 0) q += 1;
  return q | 0;
}

/**
 * RoundingDivideByPOT (gemmlowp fixedpoint.h:368): x / 2^exponent rounded
 * half away from zero, for 0 <= exponent <= 31.
 */
export function roundingDivideByPOT(x: number, exponent: number): number {
  if (!(exponent >= 0 && exponent <= 31) || !Number.isInteger(exponent)) {
    throw new UsageError(`roundingDivideByPOT: exponent ${exponent} outside 0..31`);
  }
  x |= 0;
  const mask = ((1 << exponent) - 1) | 0;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return ((x >> exponent) + (remainder > threshold ? 1 : 0)) | 0;
}

export type MultiplierRounding = 'double' | 'single';

/**
 * MultiplyByQuantizedMultiplier (TFLite kernels/internal/common.cc): x · q · 2^(shift-31).
 *  'double' (TFLite's default build, TFLM, CMSIS-NN): RDPOT(SRDHM(x·2^max(shift,0), q), max(-shift,0));
 *           x·2^left is int32 and wraps, as in C++ (out of contract there).
 *  'single' (TFLITE_SINGLE_ROUNDING, ruy): int32((int64(x)·q + 2^(t-1)) >> t), t = 31 - shift,
 *           one rounding, ties toward +∞; requires q >= 0 and -31 <= shift <= 30.
 */
export function multiplyByQuantizedMultiplier(
  x: number,
  multiplier: number,
  shift: number,
  options: { rounding?: MultiplierRounding } = {},
): number {
  const rounding = options.rounding ?? 'double';
  if (!Number.isInteger(shift) || shift < -31 || shift > 30) {
    throw new UsageError(`multiplyByQuantizedMultiplier: shift ${shift} outside -31..30`);
  }
  if (rounding === 'double') {
    const left = shift > 0 ? shift : 0;
    const right = shift > 0 ? 0 : -shift;
    return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x << left, multiplier), right);
  }
  if (multiplier < 0) throw new UsageError('single rounding needs a non-negative multiplier');
  return singleRoundingMultiply(x | 0, multiplier | 0, 31 - shift);
}

/** int32((x·q + 2^(t-1)) >> t) with an arithmetic (floor) shift, t in 1..62, exact. */
function singleRoundingMultiply(x: number, q: number, t: number): number {
  mul32x32(x, q, prod);
  let hi = prod[0]!;
  let lo = prod[1]!;
  if (t - 1 >= 32) hi += 2 ** (t - 1 - 32);
  else {
    lo += 2 ** (t - 1);
    if (lo >= TWO32) {
      lo -= TWO32;
      hi += 1;
    }
  }
  // floor((hi·2^32 + lo) / 2^t), kept to its low 32 bits as C++'s int32 cast does: for t <= 32,
  // hi·2^(32−t) mod 2^32 is an int32 shift of hi (|hi| <= 2^30 + 1) and floor(lo / 2^t) < 2^32;
  // for t > 32, lo < 2^32 cannot carry into the quotient.
  if (t <= 32) return ((hi << (32 - t)) + Math.floor(lo / 2 ** t)) | 0;
  return Math.floor(hi / 2 ** (t - 32)) | 0;
}

export interface QuantizedMultiplier {
  /** q: |q| in [2^30, 2^31) for non-zero input, 0 for zero or underflow. */
  multiplier: number;
  /** real = q · 2^(shift - 31). */
  shift: number;
}

/** frexp for finite non-zero doubles: d = frac · 2^exp, |frac| in [0.5, 1). */
export function frexp(d: number): [number, number] {
  if (d === 0 || !Number.isFinite(d)) return [d, 0];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const hi = view.getUint32(0);
  let biased = (hi >>> 20) & 0x7ff;
  let scale = 0;
  if (biased === 0) {
    // Subnormal: normalise by 2^64 first.
    view.setFloat64(0, d * 2 ** 64);
    biased = (view.getUint32(0) >>> 20) & 0x7ff;
    scale = -64;
  }
  const exp = biased - 1022 + scale;
  return [d / 2 ** exp, exp];
}

/** C std::round: half away from zero. */
export function roundHalfAway(v: number): number {
  const a = Math.floor(Math.abs(v) + 0.5);
  // Guard 0.49999999999999994 + 0.5 rounding up to 1 in float64.
  const r = Math.abs(v) - Math.floor(Math.abs(v)) < 0.5 ? Math.floor(Math.abs(v)) : a;
  return v < 0 ? -r : r;
}

/**
 * QuantizeMultiplier (TFLite quantization_util.cc:53): (q, shift) with
 * real ≈ q · 2^(shift-31); q = round-half-away(frac · 2^31) of frexp; a
 * mantissa that rounds up to 2^31 is halved with shift + 1; shift < -31 flushes
 * to (0, 0); with `singleRounding`, shift > 30 becomes (2^31 - 1, 30).
 */
export function quantizeMultiplier(realMultiplier: number, options: { singleRounding?: boolean } = {}): QuantizedMultiplier {
  if (!Number.isFinite(realMultiplier)) throw new UsageError(`quantizeMultiplier: ${realMultiplier} is not finite`);
  if (realMultiplier === 0) return { multiplier: 0, shift: 0 };
  const [frac, exp] = frexp(realMultiplier);
  let shift = exp;
  let q = roundHalfAway(frac * TWO31);
  if (q === TWO31) {
    q /= 2;
    shift += 1;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  if (options.singleRounding && shift > 30) return { multiplier: INT32_MAX, shift: 30 };
  return { multiplier: q | 0, shift };
}

/**
 * MultiplyByQuantizedMultiplier without argument checks, for the layers' inner
 * requantization (their parameters are checked once, up front).
 */
export function mbqmUnchecked(x: number, multiplier: number, shift: number, single: boolean): number {
  if (single) return singleRoundingMultiply(x | 0, multiplier | 0, 31 - shift);
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  const y = saturatingRoundingDoublingHighMul(x << left, multiplier);
  if (right === 0) return y;
  const mask = ((1 << right) - 1) | 0; // right = 31: (-2^31 - 1) | 0 = 2^31 - 1
  const remainder = y & mask;
  const threshold = (mask >> 1) + (y < 0 ? 1 : 0);
  return ((y >> right) + (remainder > threshold ? 1 : 0)) | 0;
}
