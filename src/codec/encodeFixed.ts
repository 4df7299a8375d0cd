import { DataError, UsageError } from '../errors.js';
import { allocateCodes, type CodeArray, type FixedFormat } from '../format/fixedFormat.js';
import { parseFormat, type FormatLike } from '../format/parseFormat.js';
import type { NanMode, OverflowMode, RoundingMode } from './modes.js';
import { parseNanMode, parseOverflow, parseRounding } from './modes.js';
import { roundToInteger, stochasticUniform } from './roundToInteger.js';
import { encodeRangeWasm, wasmEncodeEligible, WASM_CHUNK } from '../wasm/encodeWasm.js';
import { checkAttached } from '../wasm/wasmArray.js';

export interface EncodeOptions {
  /** Default: the format's own (from an explicit ap_fixed<…,Q,O>), else 'nearest-even'. */
  rounding?: RoundingMode;
  /** Default: the format's own, else 'saturate'. */
  overflow?: OverflowMode;
  /** NaN policy. Default 'error'. */
  nan?: NanMode;
  /** Activation clamp [lo, hi] applied before scaling; null disables a preset's bound. */
  bound?: readonly [number, number] | null;
  /** Seed for 'stochastic' rounding (default 0). */
  seed?: number;
  /** Index of values[0] in the whole tensor, so chunked encodes match one-shot ones
   *  (stochastic draws and error messages use global indices). */
  indexOffset?: number;
  /** Preallocated output (the format's code array type, same length). */
  out?: CodeArray;
  /**
   * Set false when only the codes are needed: the WebAssembly path then skips the per-element
   * counting (about 2x faster) and returns `countsComputed: false` with every count NaN. Codes,
   * and errors for NaN (nan: 'error') or overflow ('error'), are unchanged.
   */
  counts?: boolean;
}

/** What happened while encoding. Every element is counted in at most one of nan/posInf/negInf. */
export interface EncodeCounts {
  /** Rounded code above maxCode (includes +Inf and, under a bound beyond the format range, bounded values). */
  clippedHigh: number;
  /** Rounded code below minCode (includes -Inf); under saturate-symmetric also codes equal to minCode. */
  clippedLow: number;
  /** Finite elements whose (bounded) value was not on the grid, i.e. rounding changed them. */
  inexact: number;
  nan: number;
  posInf: number;
  negInf: number;
  /** Elements moved by the activation bound (x > hi, x < lo). */
  boundedHigh: number;
  boundedLow: number;
}

export interface EncodeResult {
  codes: CodeArray;
  counts: EncodeCounts;
  /** False only when `counts: false` let the encoder skip counting (the counts are then NaN). */
  countsComputed: boolean;
  format: FixedFormat;
  rounding: RoundingMode;
  overflow: OverflowMode;
}

export type FloatArray = Float32Array | Float64Array;

export function emptyCounts(): EncodeCounts {
  return { clippedHigh: 0, clippedLow: 0, inexact: 0, nan: 0, posInf: 0, negInf: 0, boundedHigh: 0, boundedLow: 0 };
}

/** Add b's counts into a (for chunked work). */
export function addCounts(a: EncodeCounts, b: EncodeCounts): EncodeCounts {
  for (const k of Object.keys(a) as (keyof EncodeCounts)[]) a[k] += b[k];
  return a;
}

/** Resolved encoding parameters shared by the reference and fast paths. */
export interface EncodePlan {
  format: FixedFormat;
  rounding: RoundingMode;
  overflow: OverflowMode;
  nan: NanMode;
  lo: number;
  hi: number;
  hasBound: boolean;
  scale: number;
  seed: number;
  indexOffset: number;
}

export function planEncode(values: unknown, formatLike: FormatLike, options: EncodeOptions = {}): EncodePlan {
  if (!(values instanceof Float32Array) && !(values instanceof Float64Array)) {
    throw new UsageError('encodeFixed expects a Float32Array or Float64Array');
  }
  const format = parseFormat(formatLike);
  const rounding = parseRounding(options.rounding ?? format.rounding ?? 'nearest-even');
  const overflow = parseOverflow(options.overflow ?? format.overflow ?? 'saturate');
  const nan = parseNanMode(options.nan ?? 'error');
  const bound = options.bound !== undefined ? options.bound : format.bound;
  if (bound !== null && (!(bound[0] <= bound[1]) || bound.length !== 2)) {
    throw new UsageError(`bound [${bound}] is not an interval lo <= hi`);
  }
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new UsageError(`seed must be an integer, got ${seed}`);
  const indexOffset = options.indexOffset ?? 0;
  return {
    format,
    rounding,
    overflow,
    nan,
    lo: bound === null ? -Infinity : bound[0],
    hi: bound === null ? Infinity : bound[1],
    hasBound: bound !== null,
    scale: 2 ** format.fracBits,
    seed,
    indexOffset,
  };
}

function describe(format: FixedFormat): string {
  return `${format.name} (range [${format.minValue}, ${format.maxValue}])`;
}

/**
 * Encode one element following the order of fixed-point.md §4:
 * NaN policy → bound → scale by 2^n → round → overflow. A rounding carry past
 * maxCode (UQ3.5, 7.984375 → 256) is therefore an overflow. ±Inf are overflow
 * (under 'wrap' they saturate: infinity has no low bits). This is the
 * reference semantics; the fast loops below must agree with it bit for bit.
 */
export function encodeElement(x: number, i: number, p: EncodePlan, counts: EncodeCounts): number {
  const { format } = p;
  if (x !== x) {
    counts.nan++;
    switch (p.nan) {
      case 'error':
        throw new DataError(`NaN at index ${p.indexOffset + i} (use --nan zero|min|max to encode NaN)`);
      case 'zero':
        return 0;
      case 'min':
        return format.minCode;
      case 'max':
        return format.maxCode;
    }
  }
  if (x === Infinity) counts.posInf++;
  else if (x === -Infinity) counts.negInf++;
  if (x > p.hi) {
    x = p.hi;
    counts.boundedHigh++;
  } else if (x < p.lo) {
    x = p.lo;
    counts.boundedLow++;
  }
  const v = x * p.scale;
  let k: number;
  if (Number.isFinite(v)) {
    const u = p.rounding === 'stochastic' ? stochasticUniform(p.seed, p.indexOffset + i) : 0;
    k = roundToInteger(v, p.rounding, u);
    if (k !== v) counts.inexact++;
  } else {
    k = v; // ±Inf, or a finite float64 so large that x·2^n overflowed
  }
  if (k > format.maxCode) {
    counts.clippedHigh++;
    return overflowCode(k, x, i, p, true);
  }
  if (k < format.minCode || (k === format.minCode && p.overflow === 'saturate-symmetric' && format.signed)) {
    counts.clippedLow++;
    return overflowCode(k, x, i, p, false);
  }
  return k;
}

function overflowCode(k: number, x: number, i: number, p: EncodePlan, high: boolean): number {
  const { format } = p;
  switch (p.overflow) {
    case 'saturate':
      return high ? format.maxCode : format.minCode;
    case 'saturate-zero':
      return 0;
    case 'saturate-symmetric':
      return high ? format.maxCode : format.signed ? -format.maxCode : format.minCode;
    case 'error':
      throw new DataError(`value ${x} at index ${p.indexOffset + i} overflows ${describe(format)}`);
    case 'wrap': {
      if (!Number.isFinite(k)) {
        // Infinity has no low bits; a finite x with x·2^n beyond float64 is a
        // multiple of 2^W, so its low bits are 0.
        return Number.isFinite(x) ? 0 : high ? format.maxCode : format.minCode;
      }
      const modulus = 2 ** format.bits;
      // Exact for any integer-valued double: k/modulus is exact (power of two).
      let r = k - Math.floor(k / modulus) * modulus;
      if (format.signed && r >= modulus / 2) r -= modulus;
      return r;
    }
  }
}

/**
 * Reference encoder: one element at a time through encodeElement. Plain and
 * obviously right; tests hold the fast path equal to it.
 */
export function encodeFixedReference(values: FloatArray, format: FormatLike, options: EncodeOptions = {}): EncodeResult {
  const p = planEncode(values, format, options);
  const codes = outputArray(p.format, values.length, options.out);
  const counts = emptyCounts();
  for (let i = 0; i < values.length; i++) codes[i] = encodeElement(values[i]!, i, p, counts);
  return { codes, counts, countsComputed: true, format: p.format, rounding: p.rounding, overflow: p.overflow };
}

function outputArray(format: FixedFormat, length: number, out: CodeArray | undefined): CodeArray {
  if (out === undefined) return allocateCodes(format, length);
  const expected = allocateCodes(format, 0).constructor;
  if (out.constructor !== expected || out.length !== length) {
    throw new UsageError(`out must be a ${expected.name} of length ${length}`);
  }
  return out;
}

/** Whether two views share bytes of the same buffer. */
function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** 1.5·2^52: adding and subtracting it rounds a double with |v| < 2^51 to an integer, ties to even. */
const RNE_MAGIC = 6755399441055744;
/** The fast loop keeps codes in int32; anything at or beyond this goes through encodeElement. */
const FAST_LIMIT = 1073741824; // 2^30

/**
 * Encode floats to fixed-point codes (Uint8Array/Int8Array for <= 8 bits,
 * Uint16Array/Int16Array above), with counts of what was clipped, rounded,
 * NaN or infinite. Semantics: encodeElement above; options: EncodeOptions.
 *
 * Paths, all equal to encodeFixedReference bit for bit (tests hold them so):
 *  1. WebAssembly SIMD (src/wasm, assembly/kernels.ts) for float32 input and every
 *     rounding mode but stochastic, with saturate (no bound or a grid-aligned one) or
 *     wrap; chunks holding NaN, ±Inf or |x·2^n| >= 2^22 fall back to 2.
 *  2. TypeScript fast loops (encodeFixedTs) for saturate with nearest-even, floor,
 *     ceil or toward-zero.
 *  3. The reference, element by element, for everything else.
 */
export function encodeFixed(values: FloatArray, format: FormatLike, options: EncodeOptions = {}): EncodeResult {
  checkAttached(values, 'values');
  if (options.out) {
    checkAttached(options.out, 'out');
    if (overlaps(values, options.out)) throw new UsageError('out must not overlap the input values');
  }
  const p = planEncode(values, format, options);
  if (!wasmEncodeEligible(values, p)) return encodeFixedTs(values, format, options);
  const codes = outputArray(p.format, values.length, options.out);
  const counts = emptyCounts();
  const n = values.length;
  const whole = n - (n % 16);
  const ts = (s: number, e: number) => {
    const r = encodeFixedTs(values.subarray(s, e), p.format, { ...options, rounding: p.rounding, overflow: p.overflow, nan: p.nan, bound: p.hasBound ? [p.lo, p.hi] : null, indexOffset: p.indexOffset + s, out: codes.subarray(s, e) });
    addCounts(counts, r.counts);
  };
  const withCounts = options.counts !== false;
  for (let s = 0; s < whole; s += WASM_CHUNK) {
    const e = Math.min(whole, s + WASM_CHUNK);
    if (!encodeRangeWasm(values as Float32Array, codes, s, e - s, p, counts, withCounts)) ts(s, e);
  }
  if (whole < n) ts(whole, n);
  if (!withCounts) {
    for (const key of Object.keys(counts) as (keyof EncodeCounts)[]) counts[key] = NaN;
    return { codes, counts, countsComputed: false, format: p.format, rounding: p.rounding, overflow: p.overflow };
  }
  return { codes, counts, countsComputed: true, format: p.format, rounding: p.rounding, overflow: p.overflow };
}

/**
 * The TypeScript encoder (no WebAssembly): fast path for saturate with
 * nearest-even, floor, ceil or toward-zero (and no bound or a bound on the
 * grid), one fused branch-free pass: rounding to even by the 1.5·2^52 trick,
 * clamping with integer sign masks, counts accumulated from comparison bits;
 * elements with |x·2^n| >= 2^30, NaN or ±Inf take one rarely-taken branch into
 * encodeElement. Every other mode runs the reference.
 */
export function encodeFixedTs(values: FloatArray, format: FormatLike, options: EncodeOptions = {}): EncodeResult {
  const p = planEncode(values, format, options);
  const codes = outputArray(p.format, values.length, options.out);
  const loS = p.lo * p.scale;
  const hiS = p.hi * p.scale;
  const boundOnGrid =
    !p.hasBound || (Number.isInteger(loS) && Number.isInteger(hiS) && Math.abs(loS) < FAST_LIMIT && Math.abs(hiS) < FAST_LIMIT);
  const fastMode =
    p.rounding === 'nearest-even' || p.rounding === 'floor' || p.rounding === 'ceil' || p.rounding === 'toward-zero';
  if (p.overflow !== 'saturate' || !fastMode || !boundOnGrid) {
    const counts = emptyCounts();
    for (let i = 0; i < values.length; i++) codes[i] = encodeElement(values[i]!, i, p, counts);
    return { codes, counts, countsComputed: true, format: p.format, rounding: p.rounding, overflow: p.overflow };
  }
  const counts = p.hasBound ? encodeSaturateBounded(values, codes, p) : encodeSaturate(values, codes, p);
  return { codes, counts, countsComputed: true, format: p.format, rounding: p.rounding, overflow: p.overflow };
}

/*
 * The fast loops below are written for V8: int32 arithmetic wrapped with |0
 * (no overflow checks), counts accumulated from sign bits, comparisons
 * materialised with unary + (no data-dependent branches), and one separate
 * loop per rounding mode so the mode is never tested per element.
 */


/** Counts of the current fast run: [inexact, clippedLow, clippedHigh, boundedLow, boundedHigh]. */
const runCounts = new Float64Array(5);

/**
 * Drive a fast loop over [0, n): the loop stops at the first element it cannot
 * handle (|x·2^n| >= 2^30, NaN, ±Inf), which goes through encodeElement, and
 * resumes after it. Keeping the call out of the loop body keeps the loop small.
 */
function driveFast(
  values: FloatArray,
  codes: CodeArray,
  p: EncodePlan,
  loop: (values: FloatArray, codes: CodeArray, p: EncodePlan) => number,
): EncodeCounts {
  const counts = emptyCounts();
  runCounts.fill(0);
  const n = values.length;
  // The loops always start at 0 (so V8 can drop the input bounds checks);
  // after a slow element they resume on subarray views.
  let i = loop(values, codes, p);
  while (i < n) {
    codes[i] = encodeElement(values[i]!, i, p, counts);
    i++;
    if (i < n) i += loop(values.subarray(i), codes.subarray(i), p);
  }
  counts.inexact += runCounts[0]!;
  counts.clippedLow += runCounts[1]!;
  counts.clippedHigh += runCounts[2]!;
  counts.boundedLow += runCounts[3]!;
  counts.boundedHigh += runCounts[4]!;
  return counts;
}

function encodeSaturate(values: FloatArray, codes: CodeArray, p: EncodePlan): EncodeCounts {
  return driveFast(values, codes, p, p.rounding === 'nearest-even' ? saturateNearestEven : saturateDirected);
}

function saturateNearestEven(values: FloatArray, codes: CodeArray, p: EncodePlan): number {
  const scale = p.scale;
  const minCode = p.format.minCode;
  const maxCode = p.format.maxCode;
  const n = values.length;
  let inexact = 0;
  let low = 0;
  let high = 0;
  let i = 0;
  for (; i < n; i = (i + 1) | 0) {
    const v = values[i]! * scale;
    if (!(Math.abs(v) < FAST_LIMIT)) break;
    const r = v + RNE_MAGIC - RNE_MAGIC;
    const k = r | 0;
    inexact = (inexact + +(r !== v)) | 0;
    // Branch-free clamp: d < 0 exactly when k < minCode; (d >> 31) is then all ones.
    const dLow = (k - minCode) | 0;
    low = (low - (dLow >> 31)) | 0;
    const kLow = (k - (dLow & (dLow >> 31))) | 0; // max(k, minCode)
    const dHigh = (maxCode - kLow) | 0;
    high = (high - (dHigh >> 31)) | 0;
    codes[i] = kLow + (dHigh & (dHigh >> 31)); // min(kLow, maxCode)
  }
  runCounts[0] += inexact >>> 0;
  runCounts[1] += low >>> 0;
  runCounts[2] += high >>> 0;
  return i;
}

function saturateDirected(values: FloatArray, codes: CodeArray, p: EncodePlan): number {
  const scale = p.scale;
  const minCode = p.format.minCode;
  const maxCode = p.format.maxCode;
  const round = p.rounding === 'floor' ? Math.floor : p.rounding === 'ceil' ? Math.ceil : Math.trunc;
  const n = values.length;
  let inexact = 0;
  let low = 0;
  let high = 0;
  let i = 0;
  for (; i < n; i = (i + 1) | 0) {
    const v = values[i]! * scale;
    if (!(Math.abs(v) < FAST_LIMIT)) break;
    const r = round(v);
    const k = r | 0;
    inexact = (inexact + +(r !== v)) | 0;
    const dLow = (k - minCode) | 0;
    low = (low - (dLow >> 31)) | 0;
    const kLow = (k - (dLow & (dLow >> 31))) | 0;
    const dHigh = (maxCode - kLow) | 0;
    high = (high - (dHigh >> 31)) | 0;
    codes[i] = kLow + (dHigh & (dHigh >> 31));
  }
  runCounts[0] += inexact >>> 0;
  runCounts[1] += low >>> 0;
  runCounts[2] += high >>> 0;
  return i;
}

function encodeSaturateBounded(values: FloatArray, codes: CodeArray, p: EncodePlan): EncodeCounts {
  const counts = driveFast(values, codes, p, p.rounding === 'nearest-even' ? boundedNearestEven : boundedDirected);
  // Bounded values land exactly on the bound; they clip when the bound lies outside the format.
  const loS = p.lo * p.scale;
  const hiS = p.hi * p.scale;
  if (loS < p.format.minCode) counts.clippedLow += runCounts[3]!;
  if (hiS > p.format.maxCode) counts.clippedHigh += runCounts[4]!;
  return counts;
}

/*
 * With grid-aligned bounds (integers loS, hiS in code space), rounding is
 * monotone, so round(clamp(v, loS, hiS)) === clamp(round(v), loS, hiS), and a
 * value the bound moved is exact. One clamp to [max(loS, minCode),
 * min(hiS, maxCode)] applies the bound and saturation together.
 */
function boundedNearestEven(values: FloatArray, codes: CodeArray, p: EncodePlan): number {
  const scale = p.scale;
  const minCode = p.format.minCode;
  const maxCode = p.format.maxCode;
  const loS = p.lo * scale;
  const hiS = p.hi * scale;
  const lo = Math.max(loS, minCode) | 0;
  const hi = Math.min(hiS, maxCode) | 0;
  const n = values.length;
  let inexact = 0;
  let boundedLow = 0;
  let boundedHigh = 0;
  let clipLow = 0;
  let clipHigh = 0;
  let i = 0;
  for (; i < n; i = (i + 1) | 0) {
    const v = values[i]! * scale;
    if (!(Math.abs(v) < FAST_LIMIT)) break;
    const r = v + RNE_MAGIC - RNE_MAGIC;
    const below = +(v < loS);
    const above = +(v > hiS);
    boundedLow = (boundedLow + below) | 0;
    boundedHigh = (boundedHigh + above) | 0;
    inexact = (inexact + (+(r !== v) & (1 ^ below) & (1 ^ above))) | 0;
    const k = r | 0;
    // Inside the bound, codes the format cannot hold clip.
    const cl = (k - minCode) | 0;
    const ch = (maxCode - k) | 0;
    clipLow = (clipLow - ((cl >> 31) & (below - 1))) | 0;
    clipHigh = (clipHigh - ((ch >> 31) & (above - 1))) | 0;
    const a = (k - lo) | 0;
    const kLow = (k - (a & (a >> 31))) | 0; // max(k, lo)
    const b = (hi - kLow) | 0;
    codes[i] = kLow + (b & (b >> 31)); // min(kLow, hi)
  }
  runCounts[0] += inexact >>> 0;
  runCounts[1] += clipLow >>> 0;
  runCounts[2] += clipHigh >>> 0;
  runCounts[3] += boundedLow >>> 0;
  runCounts[4] += boundedHigh >>> 0;
  return i;
}

function boundedDirected(values: FloatArray, codes: CodeArray, p: EncodePlan): number {
  const scale = p.scale;
  const minCode = p.format.minCode;
  const maxCode = p.format.maxCode;
  const round = p.rounding === 'floor' ? Math.floor : p.rounding === 'ceil' ? Math.ceil : Math.trunc;
  const loS = p.lo * scale;
  const hiS = p.hi * scale;
  const lo = Math.max(loS, minCode) | 0;
  const hi = Math.min(hiS, maxCode) | 0;
  const n = values.length;
  let inexact = 0;
  let boundedLow = 0;
  let boundedHigh = 0;
  let clipLow = 0;
  let clipHigh = 0;
  let i = 0;
  for (; i < n; i = (i + 1) | 0) {
    const v = values[i]! * scale;
    if (!(Math.abs(v) < FAST_LIMIT)) break;
    const r = round(v);
    const below = +(v < loS);
    const above = +(v > hiS);
    boundedLow = (boundedLow + below) | 0;
    boundedHigh = (boundedHigh + above) | 0;
    inexact = (inexact + (+(r !== v) & (1 ^ below) & (1 ^ above))) | 0;
    const k = r | 0;
    const cl = (k - minCode) | 0;
    const ch = (maxCode - k) | 0;
    clipLow = (clipLow - ((cl >> 31) & (below - 1))) | 0;
    clipHigh = (clipHigh - ((ch >> 31) & (above - 1))) | 0;
    const a = (k - lo) | 0;
    const kLow = (k - (a & (a >> 31))) | 0;
    const b = (hi - kLow) | 0;
    codes[i] = kLow + (b & (b >> 31));
  }
  runCounts[0] += inexact >>> 0;
  runCounts[1] += clipLow >>> 0;
  runCounts[2] += clipHigh >>> 0;
  runCounts[3] += boundedLow >>> 0;
  runCounts[4] += boundedHigh >>> 0;
  return i;
}
