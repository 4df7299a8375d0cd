import { allocWasmArray, decodeFixed, encodeFixed, encodeFixedReference, encodeFixedTs, withBackend } from '../src/index.js';
import { benchGroup, type BenchRow } from './harness.js';

/** Normal(0, 2)-ish values: random signs, like real pre-activations (branches mispredict). */
export function benchInput(n: number): Float32Array {
  const x = new Float32Array(n);
  let s = 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 4294967296;
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = s / 4294967296;
    x[i] = Math.sqrt(-2 * Math.log(u + 1e-12)) * Math.cos(2 * Math.PI * v) * 2;
  }
  return x;
}

/** The naive loop the issue names: Math.round (ties up, so not even the same rounding). */
function naiveEncode(x: Float32Array, out: Uint8Array): Uint8Array {
  for (let i = 0; i < x.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(x[i]! * 32)));
  return out;
}

function naiveDecode(c: Uint8Array, out: Float32Array): Float32Array {
  for (let i = 0; i < c.length; i++) out[i] = c[i]! / 32;
  return out;
}

export function benchCodec(n: number, numpy: Record<string, number> | null): BenchRow[] {
  const x = benchInput(n);
  const codes = new Uint8Array(n);
  const out = new Float32Array(n);
  const src5 = new Uint8Array(5 * n);
  const dst5 = new Uint8Array(5 * n);
  const rows: BenchRow[] = [];
  const ts = <T>(f: () => T): T => withBackend('ts', f);
  // The same values and codes held in wasm memory (allocWasmArray): encodeFixed works in place.
  const xw = allocWasmArray('float32', n);
  xw.array.set(x);
  const cw = allocWasmArray('uint8', n);
  rows.push(
    ...benchGroup(`encode UQ3.5, nearest-even, saturate (${n} float32 values)`, 'values', [
      { name: 'naive Math.round loop', units: n, run: () => naiveEncode(x, codes), baseline: true },
      { name: 'encodeFixed (default: WebAssembly SIMD)', units: n, run: () => encodeFixed(x, 'UQ3.5', { out: codes }) },
      { name: 'encodeFixed relu6 preset (wasm, bound [0,6])', units: n, run: () => encodeFixed(x, 'relu6', { out: codes }) },
      { name: 'encodeFixed codes only (wasm, counts: false)', units: n, run: () => encodeFixed(x, 'UQ3.5', { out: codes, counts: false }) },
      { name: 'encodeFixed, arrays in wasm memory (allocWasmArray)', units: n, run: () => encodeFixed(xw.array, 'UQ3.5', { out: cw.array }) },
      { name: 'encodeFixed relu6 preset, arrays in wasm memory', units: n, run: () => encodeFixed(xw.array, 'relu6', { out: cw.array }) },
      { name: 'encodeFixed codes only, arrays in wasm memory', units: n, run: () => encodeFixed(xw.array, 'UQ3.5', { out: cw.array, counts: false }) },
      { name: 'encodeFixedTs (TypeScript fast path)', units: n, run: () => encodeFixedTs(x, 'UQ3.5', { out: codes }) },
      { name: 'encodeFixedReference (per element)', units: n, run: () => ts(() => encodeFixedReference(x, 'UQ3.5', { out: codes })) },
      { name: 'numpy clip(rint(x*32)).astype(uint8)', units: n, externalMs: numpy?.['encode'] ?? null },
      { name: 'numpy in place (preallocated out=)', units: n, externalMs: numpy?.['encodeInplace'] ?? null },
      { name: 'memory copy, 5 bytes/value (yardstick)', units: n, run: () => dst5.set(src5) },
    ]),
  );
  xw.dispose();
  cw.dispose();
  const c = encodeFixed(x, 'UQ3.5').codes as Uint8Array;
  const cw2 = allocWasmArray('uint8', n);
  cw2.array.set(c);
  const xw2 = allocWasmArray('float32', n);
  rows.push(
    ...benchGroup(`decode UQ3.5 (${n} codes → float32)`, 'values', [
      { name: 'naive loop c / 32', units: n, run: () => naiveDecode(c, out), baseline: true },
      { name: 'decodeFixed (default: WebAssembly SIMD)', units: n, run: () => decodeFixed(c, 'UQ3.5', out) },
      { name: 'decodeFixed, arrays in wasm memory (allocWasmArray)', units: n, run: () => decodeFixed(cw2.array, 'UQ3.5', xw2.array) },
      { name: 'decodeFixed (TypeScript, 256-entry table)', units: n, run: () => ts(() => decodeFixed(c, 'UQ3.5', out)) },
      { name: 'numpy multiply(codes, 1/32, out=)', units: n, externalMs: numpy?.['decode'] ?? null },
    ]),
  );
  cw2.dispose();
  xw2.dispose();
  return rows;
}
