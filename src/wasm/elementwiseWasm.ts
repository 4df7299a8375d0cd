import { align16, ensureMemory, isWasmResident, wasm } from './runtime.js';
import { placeOperands, scratchBase } from './heap.js';

const CHUNK = 1 << 20;

/** Values per call when one side lives in wasm memory: its scratch then fits the heap's SCRATCH_RESERVE. */
const RESIDENT_CHUNK = 1 << 18;

/**
 * Decode 8-bit codes (read as `signed` bytes) to float32 code·step with the SIMD
 * kernel, for the largest multiple of 16 elements; returns how many were done (0 without wasm).
 * Codes or an output that live in wasm memory (allocWasmArray) are read or written in place;
 * the scratch for the other side then fits the heap's reserve, so the memory never grows here.
 */
export function decode8Wasm(bytes: Uint8Array, signed: boolean, step: number, out: Float32Array): number {
  const k = wasm();
  if (!k) return 0;
  const outPlace = isWasmResident(out);
  const chunk = outPlace || isWasmResident(bytes) ? RESIDENT_CHUNK : CHUNK;
  const whole = bytes.length - (bytes.length % 16);
  for (let s = 0; s < whole; s += chunk) {
    const n = Math.min(chunk, whole - s);
    const { inPtr, outPtr } = placeOperands(k, bytes, s, n, out, 4 * s, 4 * n);
    k.decode8(inPtr, outPtr, n, signed ? 1 : 0, step);
    if (!outPlace) out.set(new Float32Array(k.memory.buffer, outPtr, n), s);
  }
  return whole;
}

/** Clamp 8-bit codes to [lo, hi] into `out` with the SIMD kernel; returns how many were done. */
export function clamp8Wasm(codes: Int8Array | Uint8Array, out: Int8Array | Uint8Array, signed: boolean, lo: number, hi: number): number {
  const k = wasm();
  if (!k || isWasmResident(out) || isWasmResident(codes)) return 0;
  const whole = codes.length - (codes.length % 16);
  for (let s = 0; s < whole; s += CHUNK) {
    const n = Math.min(CHUNK, whole - s);
    const ptr = scratchBase();
    const buf = ensureMemory(k, ptr + n);
    new Uint8Array(buf, ptr, n).set(new Uint8Array(codes.buffer, codes.byteOffset + s, n));
    k.clamp8(ptr, n, signed ? 1 : 0, lo, hi);
    new Uint8Array(out.buffer, out.byteOffset + s, n).set(new Uint8Array(k.memory.buffer, ptr, n));
  }
  return whole;
}

type Codes = Int8Array | Uint8Array | Int16Array | Uint16Array;
const bytesOf = (c: Codes) => (c instanceof Int8Array || c instanceof Uint8Array ? 1 : 2);
const signedOf = (c: Codes) => (c instanceof Int8Array || c instanceof Int16Array ? 1 : 0);

/** Element-wise requantization in wasm (exact i64 MBQM); returns false without wasm. */
export function requantCodesWasm(codes: Codes, out: Codes, zin: number, m: number, s: number, single: boolean, zout: number, lo: number, hi: number): boolean {
  const k = wasm();
  if (!k || isWasmResident(out) || isWasmResident(codes)) return false;
  const ib = bytesOf(codes);
  const ob = bytesOf(out);
  for (let start = 0; start < codes.length; start += CHUNK) {
    const n = Math.min(CHUNK, codes.length - start);
    const inPtr = scratchBase();
    const outPtr = align16(inPtr + n * ib);
    const buf = ensureMemory(k, outPtr + n * ob);
    new Uint8Array(buf, inPtr, n * ib).set(new Uint8Array(codes.buffer, codes.byteOffset + start * ib, n * ib));
    k.requantCodes(inPtr, n, ib, signedOf(codes), zin, m, s, single ? 1 : 0, zout, lo, hi, outPtr, ob);
    new Uint8Array(out.buffer, out.byteOffset + start * ob, n * ob).set(new Uint8Array(k.memory.buffer, outPtr, n * ob));
  }
  return true;
}

/** 256-entry table lookup for 8-bit codes in wasm; returns false without wasm or for other widths. */
export function lut8Wasm(codes: Codes, table: Codes, out: Codes): boolean {
  const k = wasm();
  if (!k || isWasmResident(out) || isWasmResident(codes) || isWasmResident(table) || bytesOf(codes) !== 1 || bytesOf(table) !== 1 || bytesOf(out) !== 1 || table.length !== 256) return false;
  const tablePtr = scratchBase();
  const inPtr = tablePtr + 256;
  for (let start = 0; start < codes.length; start += CHUNK) {
    const n = Math.min(CHUNK, codes.length - start);
    const outPtr = align16(inPtr + n);
    const buf = ensureMemory(k, outPtr + n);
    new Uint8Array(buf, tablePtr, 256).set(new Uint8Array(table.buffer, table.byteOffset, 256));
    new Uint8Array(buf, inPtr, n).set(new Uint8Array(codes.buffer, codes.byteOffset + start, n));
    k.lut8(inPtr, n, tablePtr, codes instanceof Int8Array ? 0x80 : 0, outPtr);
    new Uint8Array(out.buffer, out.byteOffset + start, n).set(new Uint8Array(k.memory.buffer, outPtr, n));
  }
  return true;
}
