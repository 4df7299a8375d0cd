// The WebAssembly SIMD kernels against their TypeScript references, bit for bit.
import { afterEach, describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import {
  backend,
  conv2dInt8Reference,
  decodeFixed,
  denseInt8,
  denseInt8Reference,
  depthwiseConv2dInt8,
  depthwiseConv2dInt8Reference,
  conv2dInt8,
  encodeFixed,
  encodeFixedReference,
  reluClampCodes,
  requantize,
  buildLookupTable,
  applyLookupTable,
  parseFormat,
  setBackend,
  withBackend,
  wasmAvailable,
  wasmMemoryBytes,
  ErrorAccumulator,
  type RoundingMode,
} from '../src/index.js';

if (!wasmAvailable()) console.warn('wasm tests skipped: dist/wasm/kernels.wasm not built (npm run build:wasm)');
afterEach(() => {
  setBackend('wasm');
});

const MODES: RoundingMode[] = ['nearest-even', 'nearest-away', 'nearest-up', 'nearest-down', 'nearest-zero', 'nearest-odd', 'floor', 'ceil', 'toward-zero', 'away-from-zero'];
const specials = fc.oneof(
  { weight: 6, arbitrary: fc.float({ min: -300, max: 300, noNaN: true }) },
  { weight: 3, arbitrary: fc.integer({ min: -20000, max: 20000 }).map((k) => (k + 0.5) / 64) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 6, 7.984375, -8.03125, 1e-45, -1e-45, 3e38, NaN, Infinity, -Infinity, 2 ** 25 + 1) },
);

describe.skipIf(!wasmAvailable())('encodeFixed: WebAssembly === reference', () => {
  it('uses the wasm backend by default', () => {
    expect(backend()).toBe('wasm');
  });
  it('withBackend switches for the call and restores the previous backend, also when f throws', () => {
    expect(withBackend('ts', () => backend())).toBe('ts');
    expect(backend()).toBe('wasm');
    setBackend('ts');
    expect(() =>
      withBackend('wasm', () => {
        expect(backend()).toBe('wasm');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(backend()).toBe('ts');
  });
  fcTest.prop(
    [fc.array(specials, { minLength: 0, maxLength: 300 }), fc.constantFrom(...MODES), fc.constantFrom('UQ3.5', 'Q3.4', 'UQ2.6', 'relu6', 'relu3', 'Q0.15', 'UQ8.8', 'UQ1.3', 'Q7.0', 'UQ0.1'), fc.constantFrom('saturate' as const, 'wrap' as const), fc.integer({ min: 0, max: 15 }), fc.constantFrom(undefined, [-2, 3] as [number, number], [-1000, 1000] as [number, number])],
    { numRuns: 500 },
  )('every mode, saturate/wrap, bounds, lengths not multiples of 16, unaligned subarrays', (values, rounding, format, overflow, offset, bound) => {
    const base = new Float32Array(values.length + offset);
    base.set(values, offset);
    const x = base.subarray(offset); // unaligned view
    const opts = { rounding, overflow, nan: 'max' as const, ...(bound ? { bound } : {}) };
    const a = encodeFixed(x, format, opts);
    const b = encodeFixedReference(x, format, opts);
    expect(Array.from(a.codes)).toEqual(Array.from(b.codes));
    expect(a.counts).toEqual(b.counts);
    // Codes only (counts: false): the same codes from the lean kernel.
    const c = encodeFixed(x, format, { ...opts, counts: false });
    expect(Array.from(c.codes)).toEqual(Array.from(b.codes));
  });

  it('counts: false skips counting in wasm and says so; NaN still raises', () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => i / 9);
    const r = encodeFixed(x, 'relu6', { counts: false });
    expect(r.countsComputed).toBe(false);
    expect(Number.isNaN(r.counts.inexact)).toBe(true);
    expect(encodeFixed(x, 'relu6').countsComputed).toBe(true);
    x[40] = NaN;
    expect(() => encodeFixed(x, 'relu6', { counts: false })).toThrow(/NaN at index 40/);
  });

  it('large arrays across chunk boundaries, with and without specials', () => {
    const n = (1 << 18) * 2 + 37;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.013) * 9 + ((i % 7) - 3) / 64);
    for (const format of ['relu6', 'UQ3.5', 'Q3.12']) {
      const a = encodeFixed(x, format);
      const b = encodeFixedReference(x, format);
      expect(Buffer.compare(Buffer.from(a.codes.buffer), Buffer.from(b.codes.buffer))).toBe(0);
      expect(a.counts).toEqual(b.counts);
    }
    x[300000] = NaN;
    x[5] = Infinity;
    const a = encodeFixed(x, 'UQ3.5', { nan: 'zero' });
    const b = encodeFixedReference(x, 'UQ3.5', { nan: 'zero' });
    expect(Buffer.compare(Buffer.from(a.codes.buffer), Buffer.from(b.codes.buffer))).toBe(0);
    expect(a.counts).toEqual(b.counts);
    expect(() => encodeFixed(x, 'UQ3.5')).toThrow(/NaN at index 300000/);
  });

  it('counts stay exact when every value of a whole chunk is inexact and clipped (int16 lane counters flushed in time)', () => {
    const n = 1 << 19;
    for (const [v, format] of [[100.3, 'UQ3.5'], [-50.01, 'Q3.4'], [7.3, 'relu6'], [-1.01, 'relu6']] as const) {
      const x = new Float32Array(n).fill(v);
      const a = encodeFixed(x, format);
      expect(a.counts).toEqual(encodeFixedReference(x, format).counts);
      expect(a.counts.clippedLow + a.counts.clippedHigh + a.counts.boundedLow + a.counts.boundedHigh).toBe(n);
    }
  });

  it('10^4 calls leave the wasm memory flat (no leak)', () => {
    const x = Float32Array.from({ length: 4096 }, (_, i) => i / 100);
    encodeFixed(x, 'relu6');
    const u = new Uint8Array(4096);
    decodeFixed(u, 'UQ3.5');
    const before = wasmMemoryBytes();
    expect(before).toBeGreaterThan(0);
    for (let i = 0; i < 10000; i++) {
      encodeFixed(x, 'relu6', { out: u });
      decodeFixed(u, 'UQ3.5');
    }
    expect(wasmMemoryBytes()).toBe(before);
  });
});

describe.skipIf(!wasmAvailable())('other kernels: WebAssembly === TypeScript', () => {
  fcTest.prop([fc.array(fc.oneof(fc.float({ min: -20, max: 20, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity, 0, 6, 6.5)), { minLength: 0, maxLength: 400 }), fc.constantFrom(6, 3, Infinity, 0), fc.integer({ min: 0, max: 1000 })], { numRuns: 150 })(
    'report metric sums: counts, maximum and its first index exact; sums to 1e-12',
    (values, top, offset) => {
      const ref = Float32Array.from(values, (v) => (v > 0 ? v : v !== v ? v : 0));
      const q = Float32Array.from(values, (v, i) => (Number.isFinite(v) ? Math.round(v * 8 + (i % 3)) / 8 : 0));
      const a = new ErrorAccumulator().add(ref, q, top, offset).result();
      const b = withBackend('ts', () => new ErrorAccumulator().add(ref, q, top, offset).result());
      expect([a.count, a.maxAbsError, a.maxAbsErrorIndex]).toEqual([b.count, b.maxAbsError, b.maxAbsErrorIndex]);
      expect(a.clipFraction).toBe(b.clipFraction);
      for (const k of ['mse', 'meanAbsError', 'cosine', 'clipMse', 'roundMse', 'sqnrDb'] as const) {
        const x = a[k];
        const y = b[k];
        if (Number.isFinite(y) && y !== 0) expect(Math.abs(x - y) / Math.abs(y), k).toBeLessThan(1e-12);
        else expect(x, k).toBe(y);
      }
    },
  );

  it('decodeFixed and reluClampCodes on 8-bit codes', () => {
    const u = Uint8Array.from({ length: 1000 + 7 }, (_, i) => (i * 37) & 255).subarray(3);
    const s = new Int8Array(u.buffer, u.byteOffset, u.length);
    for (const [codes, fmt] of [[u, 'UQ3.5'], [s, 'Q3.4']] as const) {
      const a = decodeFixed(codes, fmt);
      const b = withBackend('ts', () => decodeFixed(codes, fmt));
      expect(Array.from(a)).toEqual(Array.from(b));
    }
    const c1 = reluClampCodes(u, 'UQ3.5', 'relu6');
    const c2 = withBackend('ts', () => reluClampCodes(u, 'UQ3.5', 'relu6'));
    expect(Array.from(c1)).toEqual(Array.from(c2));
  });

  fcTest.prop([fc.array(fc.integer({ min: 0, max: 65535 }), { maxLength: 300 }), fc.constantFrom('UQ3.5', 'Q3.4', 'UQ8.8', 'Q0.15'), fc.constantFrom('UQ2.6', 'Q3.4', { scale: 0.0371, zeroPoint: -17, dtype: 'int8' as const }, { scale: 0.001, zeroPoint: 300, dtype: 'uint16' as const }), fc.constantFrom('double' as const, 'single' as const), fc.constantFrom('none' as const, 'relu6' as const)], { numRuns: 150 })(
    'requantize and lookup tables',
    (raw, from, to, rounding, activation) => {
      const f = parseFormat(from);
      const codes = f.bits <= 8 ? (f.signed ? Int8Array.from(raw, (r) => (r % 256) - 128) : Uint8Array.from(raw, (r) => r % 256)) : f.signed ? Int16Array.from(raw, (r) => r - 32768) : Uint16Array.from(raw);
      const a = requantize(codes, from, to, { rounding, activation });
      const b = withBackend('ts', () => requantize(codes, from, to, { rounding, activation }));
      expect(Array.from(a)).toEqual(Array.from(b));
      if (f.bits <= 8) {
        const lut = buildLookupTable('mish', from, typeof to === 'string' ? to : { ...to, dtype: 'int8', zeroPoint: 3 });
        const y1 = applyLookupTable(codes, lut);
        const y2 = withBackend('ts', () => applyLookupTable(codes, lut));
        expect(Array.from(y1)).toEqual(Array.from(y2));
      }
    },
  );

  fcTest.prop([fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 11 }), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 120 })(
    'denseInt8 (int8 and uint8 inputs)',
    (B, D, O, uint, wzp, s) => {
      let seed = s;
      const r = (n: number) => ((seed = (Math.imul(seed ^ 0x9e3779b9, 1103515245) + 12345) >>> 0) % n);
      const p = {
        input: uint ? Uint8Array.from({ length: B * D }, () => r(256)) : Int8Array.from({ length: B * D }, () => r(256) - 128),
        inputShape: [B, D] as [number, number],
        inputZeroPoint: uint ? r(256) : r(256) - 128,
        weights: Int8Array.from({ length: O * D }, () => r(256) - 128),
        weightsShape: [O, D] as [number, number],
        weightZeroPoint: wzp,
        bias: Int32Array.from({ length: O }, () => r(2 ** 20) - 2 ** 19),
        outputMultiplier: Int32Array.from({ length: O }, () => 2 ** 30 + r(2 ** 30)),
        outputShift: Int32Array.from({ length: O }, () => r(16) - 14),
        outputZeroPoint: r(200) - 100,
      };
      expect(Array.from(denseInt8(p))).toEqual(Array.from(denseInt8Reference(p)));
    },
  );

  it('SIMD requantizers round SRDHM ties toward +infinity (multiplier 2^30 halves every accumulator)', () => {
    // acc = x (one input, weight 1); SRDHM(x, 2^30) = x/2 rounded half up (gemmlowp), e.g. -3 → -1, 3 → 2.
    const xs = Int8Array.from({ length: 256 }, (_, i) => i - 128);
    for (const shifts of [new Int32Array(8).fill(0), Int32Array.of(0, 0, 0, 0, 0, 0, 0, -1)]) {
      const p = {
        input: xs, inputShape: [256, 1] as [number, number], inputZeroPoint: 0,
        weights: new Int8Array(8).fill(1), weightsShape: [8, 1] as [number, number], bias: null,
        outputMultiplier: 2 ** 30, outputShift: shifts, outputZeroPoint: 0,
      };
      const y = denseInt8(p);
      expect(Array.from(y)).toEqual(Array.from(denseInt8Reference(p)));
      for (let b = 0; b < 256; b++) expect(y[b * 8]).toBe(Math.floor((xs[b]! + 1) / 2));
    }
  });

  fcTest.prop(
    [fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 2, max: 37 }), fc.constantFrom('one' as const, 'per-channel' as const), fc.integer({ min: -31, max: 30 }), fc.boolean(), fc.integer({ min: 0, max: 2 ** 31 - 1 })],
    { numRuns: 300 },
  )('denseInt8 SIMD requantizers (one shift for every channel, or a shift per channel over all of -31..30), any multipliers, int8/uint8 out', (B, D, O, shiftKind, shift, uintOut, s) => {
    let seed = s;
    const r = (n: number) => ((seed = (Math.imul(seed ^ 0x3c6ef372, 1103515245) + 12345) >>> 0) % n);
    const mults = Int32Array.from({ length: O }, () => [2 ** 30 + r(2 ** 30), -(2 ** 30) - r(2 ** 30), -2147483648, 2147483647, r(2 ** 31), 0][r(6)]!);
    // Per channel: the edges of the shift range, and shifts around -13 that bring outputs into range (where rounding shows).
    const shifts = shiftKind === 'one' ? new Int32Array(O).fill(shift) : Int32Array.from({ length: O }, () => [r(62) - 31, -31, 30, 0, -1, 1, -8 - r(10), -8 - r(10), -8 - r(10)][r(9)]!);
    if (shiftKind === 'per-channel' && shifts.every((x) => x === shifts[0])) shifts[0] = shifts[0] === 0 ? 1 : 0;
    const p = {
      input: Int8Array.from({ length: B * D }, () => r(256) - 128),
      inputShape: [B, D] as [number, number],
      inputZeroPoint: r(256) - 128,
      weights: Int8Array.from({ length: O * D }, () => r(256) - 128),
      weightsShape: [O, D] as [number, number],
      // Extreme biases reach the int32 edges (and a = INT_MIN for the SRDHM saturation case).
      bias: Int32Array.from({ length: O }, () => [r(2 ** 31), -r(2 ** 31), -2147483648, 2147483647, r(20000) - 10000, r(20000) - 10000][r(6)]!),
      outputMultiplier: mults,
      outputShift: shifts,
      outputZeroPoint: uintOut ? r(256) : r(256) - 128,
      outputDtype: (uintOut ? 'uint8' : 'int8') as 'uint8' | 'int8',
    };
    expect(Array.from(denseInt8(p))).toEqual(Array.from(denseInt8Reference(p)));
  });

  fcTest.prop([fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constantFrom(16, 32, 33, 48)), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.constantFrom('same' as const, 'valid' as const), fc.boolean(), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })], { numRuns: 80 })(
    'conv2dInt8 and depthwiseConv2dInt8 (batches, dilation, channel counts on and off the vector width)',
    (H, W, C, K, stride, padding, uint, s, N, dilation) => {
      const effK = (K - 1) * dilation + 1;
      if (padding === 'valid' && (effK > H || effK > W)) return;
      let seed = s;
      const r = (n: number) => ((seed = (Math.imul(seed ^ 0x7f4a7c15, 1103515245) + 12345) >>> 0) % n);
      const OC = 1 + r(9);
      const common = {
        input: uint ? Uint8Array.from({ length: N * H * W * C }, () => r(256)) : Int8Array.from({ length: N * H * W * C }, () => r(256) - 128),
        inputShape: [N, H, W, C] as [number, number, number, number],
        inputZeroPoint: uint ? r(256) : r(256) - 128,
        stride,
        dilation,
        padding,
        outputZeroPoint: r(100) - 50,
        bias: null,
      };
      const cp = { ...common, weights: Int8Array.from({ length: OC * K * K * C }, () => r(256) - 128), weightsShape: [OC, K, K, C] as [number, number, number, number], outputMultiplier: Int32Array.from({ length: OC }, () => 2 ** 30 + r(2 ** 30)), outputShift: Int32Array.from({ length: OC }, () => r(8) - 12) };
      expect(Array.from(conv2dInt8(cp).output)).toEqual(Array.from(conv2dInt8Reference(cp).output));
      const dp = { ...common, weights: Int8Array.from({ length: K * K * C }, () => r(256) - 128), weightsShape: [1, K, K, C] as [number, number, number, number], weightZeroPoint: r(5) - 2, outputMultiplier: Int32Array.from({ length: C }, () => 2 ** 30 + r(2 ** 30)), outputShift: Int32Array.from({ length: C }, () => r(8) - 12) };
      expect(Array.from(depthwiseConv2dInt8(dp).output)).toEqual(Array.from(depthwiseConv2dInt8Reference(dp).output));
    },
  );
});
