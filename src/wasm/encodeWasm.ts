import type { CodeArray } from '../format/fixedFormat.js';
import { placeOperands } from './heap.js';
import type { EncodeCounts, EncodePlan } from '../codec/encodeFixed.js';
import { wasm } from './runtime.js';

const MODE: Record<string, number> = {
  'nearest-even': 0,
  'nearest-away': 1,
  'nearest-up': 2,
  'nearest-down': 3,
  'nearest-zero': 4,
  'nearest-odd': 5,
  floor: 6,
  ceil: 7,
  'toward-zero': 8,
  'away-from-zero': 9,
};

/** Elements per wasm call: the chunk is copied in, encoded, copied out (fixed buffer, no growth). */
export const WASM_CHUNK = 1 << 18;

/**
 * Whether the SIMD encoder reproduces encodeElement exactly for this plan:
 * float32 input (x·2^n is exact in f32 for n >= 0 unless it overflows, which is a "bad"
 * lane), saturate with no bound or a grid-aligned bound within ±2^24 (exact in f32), or
 * wrap without a bound; every rounding mode but stochastic.
 */
export function wasmEncodeEligible(values: unknown, p: EncodePlan): boolean {
  if (!(values instanceof Float32Array) || wasm() === null) return false;
  if (!(p.rounding in MODE) || p.format.fracBits < 0) return false;
  if (p.overflow === 'wrap') return !p.hasBound;
  if (p.overflow !== 'saturate') return false;
  if (!p.hasBound) return true;
  const loS = p.lo * p.scale;
  const hiS = p.hi * p.scale;
  return Number.isInteger(loS) && Number.isInteger(hiS) && Math.abs(loS) <= 2 ** 24 && Math.abs(hiS) <= 2 ** 24;
}

/**
 * Encode values[start, start + count) with the SIMD kernel into codes (same range), adding
 * to `counts`. Returns false (and leaves counts untouched) when a lane was "bad" (|x·2^n| >= 2^22,
 * NaN, ±Inf): the caller then encodes that range in TypeScript. `count` is a multiple of 16.
 */
export function encodeRangeWasm(values: Float32Array, codes: CodeArray, start: number, count: number, p: EncodePlan, counts: EncodeCounts, withCounts = true): boolean {
  const k = wasm()!;
  const outBytes = p.format.bits <= 8 ? 1 : 2;
  // Arrays that already live in wasm memory (allocWasmArray) are read and written in place.
  const { inPtr, outPtr, outPlace } = placeOperands(k, values, 4 * start, 4 * count, codes, outBytes * start, outBytes * count);
  const loS = p.hasBound ? p.lo * p.scale : 0;
  const hiS = p.hasBound ? p.hi * p.scale : 0;
  // variant: 0 saturate, 1 saturate with a bound, 2 wrap, 3 saturate where the format fills its code
  // type, so the saturating narrows clamp by themselves, 4 saturate with a bound inside the code
  // range, so nothing can clip (assembly/encodeVariants.ts)
  const fullRange = p.format.bits === 8 * outBytes;
  const boundInside = p.hasBound && loS >= p.format.minCode && hiS <= p.format.maxCode;
  const variant = p.overflow === 'wrap' ? 2 : boundInside ? 4 : p.hasBound ? 1 : fullRange && !withCounts ? 3 : 0;
  const kernel = k[`enc_${MODE[p.rounding]!}_${variant}_${outBytes}_${p.format.signed ? 1 : 0}_${withCounts ? 1 : 0}`];
  kernel(inPtr, outPtr, count, p.scale, p.format.bits, loS, hiS, p.format.minCode, p.format.maxCode, 0);
  const c = new Int32Array(k.memory.buffer, 0, 6);
  if (c[5] !== 0) return false;
  if (!withCounts) {
    if (!outPlace) copyOut(codes, k.memory.buffer, outPtr, start, count, outBytes, p.format.signed);
    return true;
  }
  counts.inexact += c[0]!;
  counts.clippedLow += c[1]!;
  counts.clippedHigh += c[2]!;
  counts.boundedLow += c[3]!;
  counts.boundedHigh += c[4]!;
  if (p.hasBound) {
    // Bounded values land on the bound; they clip when the bound lies outside the format (as the TS path).
    if (loS < p.format.minCode) counts.clippedLow += c[3]!;
    if (hiS > p.format.maxCode) counts.clippedHigh += c[4]!;
  }
  if (!outPlace) copyOut(codes, k.memory.buffer, outPtr, start, count, outBytes, p.format.signed);
  return true;
}

function copyOut(codes: CodeArray, mem: ArrayBuffer, outPtr: number, start: number, count: number, outBytes: number, signed: boolean): void {
  if (outBytes === 1) {
    (codes as Uint8Array | Int8Array).set(signed ? new Int8Array(mem, outPtr, count) : new Uint8Array(mem, outPtr, count), start);
  } else {
    (codes as Uint16Array | Int16Array).set(signed ? new Int16Array(mem, outPtr, count) : new Uint16Array(mem, outPtr, count), start);
  }
}
