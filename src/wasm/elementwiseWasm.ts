import { align16, ensureMemory, SCRATCH_BASE, wasm } from './runtime.js';

const CHUNK = 1 << 20;

/**
 * Decode 8-bit codes (read as `signed` bytes) to float32 code·step with the SIMD
 * kernel, for the largest multiple of 16 elements; returns how many were done (0 without wasm).
 */
export function decode8Wasm(bytes: Uint8Array, signed: boolean, step: number, out: Float32Array): number {
  const k = wasm();
  if (!k) return 0;
  const whole = bytes.length - (bytes.length % 16);
  for (let s = 0; s < whole; s += CHUNK) {
    const n = Math.min(CHUNK, whole - s);
    const inPtr = SCRATCH_BASE;
    const outPtr = align16(inPtr + n);
    const buf = ensureMemory(k, outPtr + 4 * n);
    new Uint8Array(buf, inPtr, n).set(bytes.subarray(s, s + n));
    k.decode8(inPtr, outPtr, n, signed ? 1 : 0, step);
    out.set(new Float32Array(k.memory.buffer, outPtr, n), s);
  }
  return whole;
}

/** Clamp 8-bit codes to [lo, hi] into `out` with the SIMD kernel; returns how many were done. */
export function clamp8Wasm(codes: Int8Array | Uint8Array, out: Int8Array | Uint8Array, signed: boolean, lo: number, hi: number): number {
  const k = wasm();
  if (!k) return 0;
  const whole = codes.length - (codes.length % 16);
  for (let s = 0; s < whole; s += CHUNK) {
    const n = Math.min(CHUNK, whole - s);
    const buf = ensureMemory(k, SCRATCH_BASE + n);
    const view = new Uint8Array(buf, SCRATCH_BASE, n);
    view.set(new Uint8Array(codes.buffer, codes.byteOffset + s, n));
    k.clamp8(SCRATCH_BASE, n, signed ? 1 : 0, lo, hi);
    new Uint8Array(out.buffer, out.byteOffset + s, n).set(new Uint8Array(k.memory.buffer, SCRATCH_BASE, n));
  }
  return whole;
}
