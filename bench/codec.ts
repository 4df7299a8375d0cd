import { decodeFixed, encodeFixed, encodeFixedReference } from '../src/index.js';
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

function copyBytes(src: Uint8Array, dst: Uint8Array): Uint8Array {
  dst.set(src);
  return dst;
}

export function benchCodec(n: number): BenchRow[] {
  const x = benchInput(n);
  const codes = new Uint8Array(n);
  const out = new Float32Array(n);
  const srcBytes = new Uint8Array(x.buffer);
  const dstBytes = new Uint8Array(5 * n);
  const rows: BenchRow[] = [];
  rows.push(
    ...benchGroup(`encode UQ3.5, nearest-even, saturate (${n} float32 values)`, 'values', [
      { name: 'naive Math.round loop', units: n, run: () => naiveEncode(x, codes), baseline: true },
      { name: 'encodeFixed (fast path)', units: n, run: () => encodeFixed(x, 'UQ3.5', { out: codes }) },
      { name: 'encodeFixed relu6 preset (bound [0,6])', units: n, run: () => encodeFixed(x, 'relu6', { out: codes }) },
      { name: 'encodeFixedReference', units: n, run: () => encodeFixedReference(x, 'UQ3.5', { out: codes }), },
      { name: 'memory copy of 5 bytes/value (yardstick)', units: n, run: () => copyBytes(srcBytes, dstBytes.subarray(0, 4 * n)) },
    ]),
  );
  const c = encodeFixed(x, 'UQ3.5').codes as Uint8Array;
  rows.push(
    ...benchGroup(`decode UQ3.5 (${n} codes → float32)`, 'values', [
      { name: 'naive loop c / 32', units: n, run: () => naiveDecode(c, out), baseline: true },
      { name: 'decodeFixed (256-entry table)', units: n, run: () => decodeFixed(c, 'UQ3.5', out) },
    ]),
  );
  return rows;
}
