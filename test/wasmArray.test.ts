// allocWasmArray: caller-owned arrays in wasm memory. encodeFixed reads and writes them in place;
// every other kernel stays correct with them even when its scratch grows the memory; stale views
// are refused with a one-line error.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import {
  allocWasmArray,
  decodeFixed,
  denseInt8,
  denseInt8Reference,
  encodeFixed,
  encodeFixedReference,
  ErrorAccumulator,
  wasmAvailable,
  wasmMemoryBytes,
  UsageError,
} from '../src/index.js';
import { heapBytesInUse } from '../src/wasm/heap.js';
import { isWasmResident } from '../src/wasm/runtime.js';

const values = fc.oneof(
  { weight: 8, arbitrary: fc.float({ min: -20, max: 20, noNaN: true }) },
  { weight: 2, arbitrary: fc.integer({ min: -700, max: 700 }).map((k) => (k + 0.5) / 32) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 6, 7.96875, 8, -1e-45, 3e38, Infinity, -Infinity, 2 ** 23) },
);

describe.skipIf(!wasmAvailable())('allocWasmArray', () => {
  it('lives in wasm memory, zero-filled, and gives its memory back on dispose', () => {
    const before = heapBytesInUse();
    const h = allocWasmArray('float32', 1000);
    expect(isWasmResident(h.array)).toBe(true);
    expect(h.array.length).toBe(1000);
    expect(h.array.every((v) => v === 0)).toBe(true);
    expect(heapBytesInUse()).toBe(before + 4000);
    h.dispose();
    h.dispose();
    expect(heapBytesInUse()).toBe(before);
    expect(() => h.array).toThrow(/disposed/);
    expect(() => allocWasmArray('float64' as 'float32', 4)).toThrow(UsageError);
    expect(() => allocWasmArray('uint8', -1)).toThrow(/non-negative integer/);
  });

  fcTest.prop([fc.array(values, { maxLength: 600 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom('UQ3.5', 'relu6', 'Q3.4', 'Q3.12'), fc.constantFrom('nearest-even', 'floor', 'nearest-away') , fc.boolean()], { numRuns: 150 })(
    'encodeFixed in place (input and out in wasm memory, unaligned views) equals the reference',
    (xs, offset, format, rounding, counts) => {
      const n = xs.length;
      const input = allocWasmArray('float32', n + offset);
      const wide = format === 'Q3.12';
      const out = wide ? allocWasmArray('int16', n) : allocWasmArray(format === 'Q3.4' ? 'int8' : 'uint8', n);
      try {
        const x = input.array.subarray(offset);
        x.set(xs);
        const opts = { rounding, nan: 'zero' as const };
        const expected = encodeFixedReference(Float32Array.from(xs), format, opts);
        const before = wasmMemoryBytes();
        const r = encodeFixed(x, format, { ...opts, out: out.array as never, counts });
        expect(wasmMemoryBytes()).toBe(before); // in place: no growth, so no view went stale
        expect(r.codes).toBe(out.array);
        expect(Array.from(out.array)).toEqual(Array.from(expected.codes));
        if (counts) expect(r.counts).toEqual(expected.counts);
        // Input in wasm memory, codes into an ordinary array.
        expect(Array.from(encodeFixed(x, format, opts).codes)).toEqual(Array.from(expected.codes));
      } finally {
        input.dispose();
        out.dispose();
      }
    },
  );

  it('decodeFixed reads codes and writes values in wasm memory in place, across chunks, without growing it', () => {
    const n = (1 << 18) * 2 + 21;
    for (const [kind, format, step] of [['uint8', 'UQ3.5', 1 / 32], ['int8', 'Q3.4', 1 / 16]] as const) {
      const codes = allocWasmArray(kind, n);
      codes.array.forEach((_, i, a) => (a[i] = ((i * 131) % 256) - (kind === 'int8' ? 128 : 0)));
      const plain = Array.from(codes.array, (c) => c * step); // code · 2^-n, by hand
      const dst = allocWasmArray('float32', n);
      const before = wasmMemoryBytes();
      decodeFixed(codes.array, format, dst.array); // both in place
      expect(wasmMemoryBytes()).toBe(before);
      expect(Array.from(dst.array)).toEqual(plain);
      expect(Array.from(decodeFixed(codes.array, format))).toEqual(plain); // codes in place, ordinary output
      dst.array.fill(0);
      decodeFixed(codes.array.slice(), format, dst.array); // ordinary codes, output in place
      expect(Array.from(dst.array)).toEqual(plain);
      codes.dispose();
      dst.dispose();
    }
  });

  it('other kernels read wasm-resident arrays correctly even when their scratch grows the memory', () => {
    // decode into and from wasm memory
    const codes = allocWasmArray('uint8', 5000);
    codes.array.forEach((_, i, a) => (a[i] = (i * 37) % 256));
    const dst = allocWasmArray('float32', 5000);
    decodeFixed(codes.array, 'UQ3.5', dst.array);
    expect(Array.from(dst.array)).toEqual(Array.from(codes.array, (c) => c / 32));
    // a dense layer whose weights need more scratch than is free: the memory grows during the call
    const B = 3, D = 1024, O = 4096;
    const x = allocWasmArray('uint8', B * D);
    x.array.forEach((_, i, a) => (a[i] = (i * 131) % 193));
    const w = new Int8Array(O * D).map((_, i) => ((i * 2654435761) >>> 24) - 128);
    const p = { input: x.array, inputShape: [B, D] as [number, number], inputZeroPoint: 3, weights: w, weightsShape: [O, D] as [number, number], bias: null, outputMultiplier: 2 ** 30, outputShift: -9, outputZeroPoint: 0 };
    const expected = Array.from(denseInt8Reference({ ...p, input: x.array.slice() }));
    const before = wasmMemoryBytes();
    expect(Array.from(denseInt8({ ...p, input: x.array }))).toEqual(expected);
    expect(wasmMemoryBytes()).toBeGreaterThan(before);
    // the error sums over resident arrays
    const ref = allocWasmArray('float32', 256);
    ref.array.forEach((_, i, a) => (a[i] = i / 10));
    const acc = new ErrorAccumulator().add(ref.array, ref.array, 6);
    expect(acc.n).toBe(256);
    expect(acc.sumSqRound + acc.sumSqClip).toBe(0);
    for (const h of [codes, dst, x, ref]) h.dispose();
  });
  it('a view alone keeps its block alive: the garbage collector frees it only once the handle and every view are gone', () => {
    // A separate process with --expose-gc, on the built library (npm test builds it first).
    const dist = (f: string) => pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src', f)).href;
    const script = `
      const { allocWasmArray } = await import(${JSON.stringify(dist('index.js'))});
      const { heapBytesInUse } = await import(${JSON.stringify(dist('wasm/heap.js'))});
      const settle = async () => { for (let i = 0; i < 5; i++) { gc(); await new Promise((r) => setTimeout(r, 5)); } };
      let view = allocWasmArray('float32', 1000).array; // the handle is dropped at once
      view.fill(7);
      await settle();
      const other = allocWasmArray('float32', 1000);
      other.array.fill(1);
      const intact = view.every((v) => v === 7);
      view = null;
      for (let i = 0; i < 100 && heapBytesInUse() > 4000; i++) await settle();
      console.log(JSON.stringify({ intact, heap: heapBytesInUse() }));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ intact: true, heap: 4000 });
  });

  it('a view kept across a memory growth is refused; .array gives a live one', () => {
    const h = allocWasmArray('float32', 64);
    h.array.fill(1.5);
    const stale = h.array;
    const big = allocWasmArray('uint8', 64 << 20); // grows the memory, detaching `stale`
    expect(stale.length).toBe(0);
    expect(() => encodeFixed(stale, 'UQ3.5')).toThrow(/stale view of wasm memory/);
    expect(() => decodeFixed(new Uint8Array(4), 'UQ3.5', stale)).toThrow(/out is a stale view of wasm memory/);
    expect(Array.from(encodeFixed(h.array, 'UQ3.5').codes.subarray(0, 2))).toEqual([48, 48]);
    big.dispose();
    h.dispose();
  });

  it('out overlapping the input is refused', () => {
    const h = allocWasmArray('float32', 32);
    const bytes = new Uint8Array(h.array.buffer, h.array.byteOffset + 8, 32);
    expect(() => encodeFixed(h.array, 'UQ3.5', { out: bytes })).toThrow(/must not overlap/);
    h.dispose();
  });

});
