import { UsageError } from '../errors.js';

/**
 * Rounding modes (shared/reference/fixed-point.md §2). v is the value in LSB
 * units; the result is an integer code.
 *   nearest-even  ties to even     ap AP_RND_CONV, numpy rint, tf.round, ONNX
 *   nearest-away  ties away from 0 ap AP_RND_INF, C std::round, TFLite quantize
 *   nearest-up    ties to +inf     ap AP_RND, JS Math.round
 *   nearest-down  ties to -inf     ap AP_RND_MIN_INF
 *   nearest-zero  ties toward 0    ap AP_RND_ZERO
 *   nearest-odd   ties to odd      ac AC_RND_CONV_ODD
 *   floor         floor(v)         ap AP_TRN (HLS default)
 *   ceil          ceil(v)          apytypes TRN_INF
 *   toward-zero   trunc(v)         ap AP_TRN_ZERO, fxpmath 'trunc'
 *   away-from-zero sign·ceil(|v|)  apytypes TRN_AWAY
 *   stochastic    ceil(v) with probability frac(v), seeded, counter-based
 */
export const ROUNDING_MODES = [
  'nearest-even',
  'nearest-away',
  'nearest-up',
  'nearest-down',
  'nearest-zero',
  'nearest-odd',
  'floor',
  'ceil',
  'toward-zero',
  'away-from-zero',
  'stochastic',
] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

/**
 * Overflow modes (fixed-point.md §3), applied to the rounded code k.
 *   saturate            clamp(k, kmin, kmax)                          AP_SAT
 *   wrap                low W bits, sign-extended if signed           AP_WRAP
 *   saturate-zero       out of range -> 0                             AP_SAT_ZERO
 *   saturate-symmetric  signed: > kmax -> kmax, <= kmin -> -kmax      AP_SAT_SYM
 *                       (kmin itself becomes -kmax, as AP_SAT_SYM does);
 *                       unsigned: same as saturate
 *   error               throw, naming the first offending index and value
 */
export const OVERFLOW_MODES = ['saturate', 'wrap', 'saturate-zero', 'saturate-symmetric', 'error'] as const;
export type OverflowMode = (typeof OVERFLOW_MODES)[number];

/** NaN policy: error (default) throws naming the index; zero/min/max pick that code. */
export const NAN_MODES = ['error', 'zero', 'min', 'max'] as const;
export type NanMode = (typeof NAN_MODES)[number];

function oneOf<T extends string>(kind: string, list: readonly T[], value: string): T {
  if ((list as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`unknown ${kind} mode '${value}' (expected one of: ${list.join(', ')})`);
}

export const parseRounding = (s: string): RoundingMode => oneOf('rounding', ROUNDING_MODES, s);
export const parseOverflow = (s: string): OverflowMode => oneOf('overflow', OVERFLOW_MODES, s);
export const parseNanMode = (s: string): NanMode => oneOf('nan', NAN_MODES, s);
