import { afterAll, describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { join } from 'node:path';
import {
  averagePoolInt8,
  computePadding,
  conv2dFloatReference,
  conv2dInt8,
  conv2dInt8Reference,
  denseFloatReference,
  denseInt8,
  denseInt8Reference,
  depthwiseConv2dInt8,
  depthwiseConv2dInt8Reference,
  maxPoolInt8,
  prepareLayer,
  type DenseInt8Params,
} from '../src/index.js';
import { HAS_NUMPY, readRaw, runPython, scratchDir, writeRaw } from './helpers/numpy.js';

const { dir, cleanup } = scratchDir();
afterAll(cleanup);

const base = (): DenseInt8Params => ({
  input: Int8Array.of(1, 2),
  inputShape: [1, 2],
  inputZeroPoint: -1, // input_offset = +1: (x + 1) = [2, 3]
  weights: Int8Array.of(1, -1, 2, 3),
  weightsShape: [2, 2],
  bias: Int32Array.of(10, -5),
  outputMultiplier: 2 ** 30, // × 0.5
  outputShift: 0,
  outputZeroPoint: 3,
});

describe('denseInt8: hand-checked cases (TFLite FullyConnected)', () => {
  const both = (p: DenseInt8Params) => {
    const a = Array.from(denseInt8(p));
    expect(Array.from(denseInt8Reference(p))).toEqual(a);
    return a;
  };
  it('offsets and bias: acc = [9, 8] → round(acc/2) ties up = [5, 4] → + zp 3', () => {
    expect(both(base())).toEqual([8, 7]);
  });
  it('per-channel multipliers and shifts', () => {
    // ch0: MBQM(9, 2^30, 1) = SRDHM(18, 2^30) = 9 → 12; ch1: MBQM(8, 2^30, -1) = RDPOT(4, 1) = 2 → 5
    expect(both({ ...base(), outputMultiplier: Int32Array.of(2 ** 30, 2 ** 30), outputShift: Int32Array.of(1, -1) })).toEqual([12, 5]);
  });
  it('non-zero weight zero point: (w - 1) · (x + 1) = [4, 3] → [2, 2] + 3', () => {
    expect(both({ ...base(), weightZeroPoint: 1 })).toEqual([5, 5]);
  });
  it('no bias: acc = [-1, 13] → SRDHM ties toward +inf: [0, 7] + 3', () => {
    expect(both({ ...base(), bias: null })).toEqual([3, 10]);
  });
  it('saturation at the activation bounds', () => {
    expect(both({ ...base(), outputShift: 4, outputZeroPoint: 120 })).toEqual([127, 127]); // 72 + 120, 64 + 120
    expect(both({ ...base(), activationMin: 4, activationMax: 7 })).toEqual([7, 7]);
    // acc = [-1001, 13] → [-500, 7] - 128 → [-628, -121] → clamp at -125
    expect(both({ ...base(), outputZeroPoint: -128, bias: Int32Array.of(-1000, 0), activationMin: -125 })).toEqual([-125, -121]);
  });
  it('uint8 activations (UQ3.5 codes, zp 0) × int8 weights → uint8 output', () => {
    const p: DenseInt8Params = {
      input: Uint8Array.of(192, 32, 0), // 6.0, 1.0, 0.0
      inputShape: [1, 3],
      inputZeroPoint: 0,
      weights: Int8Array.of(1, 2, 3, -1, -1, -1),
      weightsShape: [2, 3],
      bias: null,
      outputMultiplier: 2 ** 30,
      outputShift: 0,
      outputZeroPoint: 0,
      outputDtype: 'uint8',
    };
    // acc = [256, -224] → [128, -112] → clamp to uint8 [128, 0]
    expect(both(p)).toEqual([128, 0]);
  });
  it('single rounding is selectable and differs from double where expected', () => {
    const p: DenseInt8Params = { ...base(), input: Int8Array.of(2, 0), inputZeroPoint: 0, weights: Int8Array.of(1, 0, 5, 0), bias: null, outputZeroPoint: 0, outputMultiplier: 2 ** 30, outputShift: -2 };
    // acc = [2, 10]; real ×0.125: double → [RDPOT(1,2)=0, RDPOT(5,2)=1]; single → [0, 1] (1.25 → 1)
    expect(both(p)).toEqual([0, 1]);
    const q: DenseInt8Params = { ...p, input: Int8Array.of(3, 0), weights: Int8Array.of(1, 0, 1, 0), outputShift: -2 };
    expect(both(q)).toEqual([1, 1]); // 0.375: double 1
    expect(Array.from(denseInt8({ ...q, rounding: 'single' }))).toEqual([0, 0]);
    expect(Array.from(denseInt8Reference({ ...q, rounding: 'single' }))).toEqual([0, 0]);
  });
  it('bad arguments throw before any work', () => {
    expect(() => denseInt8({ ...base(), inputShape: [1, 3], weightsShape: [2, 3] })).toThrow(/input has 2 values, inputShape needs 3/);
    expect(() => denseInt8({ ...base(), weightsShape: [2, 3] })).toThrow(/weights are \[2, 3\] but the input has inDim 2/);
    expect(() => denseInt8({ ...base(), weights: new Float32Array(4) as unknown as Int8Array })).toThrow(/weights must be an Int8Array, got Float32Array/);
    expect(() => denseInt8({ ...base(), outputShift: 31 })).toThrow(/outputShift 31 outside -31..30/);
    expect(() => denseInt8({ ...base(), outputMultiplier: Int32Array.of(1) })).toThrow(/1 entries for 2 output channels/);
    expect(() => denseInt8({ ...base(), bias: Int32Array.of(1, 2, 3) })).toThrow(/bias has 3 entries/);
    expect(() => denseInt8({ ...base(), inputZeroPoint: 200 })).toThrow(/inputZeroPoint 200/);
    expect(() => denseInt8({ ...base(), activationMin: 10, activationMax: 5 })).toThrow(/activation range/);
  });
});

// Python-int implementation of TFLite's integer pipeline, written from int8-kernels.md, independent of ours.
const PY_TFLITE = `
def srdhm(a, b):
    if a == b == -2**31: return 2**31 - 1
    ab = a * b
    nudge = 2**30 if ab >= 0 else 1 - 2**30
    x = ab + nudge
    q = abs(x) // 2**31
    return q if x >= 0 else -q
def rdpot(x, e):
    mask = (1 << e) - 1
    rem = x & mask
    thr = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if rem > thr else 0)
def wrap32(v): return ((v + 2**31) % 2**32) - 2**31
def mbqm(x, q, s):
    return rdpot(srdhm(wrap32(x << max(s, 0)), q), max(-s, 0))
`;

describe.skipIf(!HAS_NUMPY)('denseInt8 against numpy int matmul + a Python-int TFLite requantizer', () => {
  it('random int8 and uint8 layers, per-channel, with offsets', () => {
    let seed = 42;
    const r = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const B = 7, D = 37, O = 11;
    for (const uint of [false, true]) {
      const input = uint ? Uint8Array.from({ length: B * D }, () => r(256)) : Int8Array.from({ length: B * D }, () => r(256) - 128);
      const weights = Int8Array.from({ length: O * D }, () => r(255) - 127);
      const bias = Int32Array.from({ length: O }, () => r(20001) - 10000);
      const mult = Int32Array.from({ length: O }, () => 2 ** 30 + r(2 ** 30));
      const shift = Int32Array.from({ length: O }, () => -(r(12) + 4));
      const p: DenseInt8Params = { input, inputShape: [B, D], inputZeroPoint: uint ? 3 : -5, weights, weightsShape: [O, D], weightZeroPoint: 2, bias, outputMultiplier: mult, outputShift: shift, outputZeroPoint: uint ? 100 : -7, outputDtype: uint ? 'uint8' : 'int8' };
      writeRaw(join(dir, 'x.bin'), input);
      writeRaw(join(dir, 'w.bin'), weights);
      writeRaw(join(dir, 'b.bin'), bias);
      writeRaw(join(dir, 'm.bin'), mult);
      writeRaw(join(dir, 's.bin'), shift);
      runPython(
        `${PY_TFLITE}
x = np.fromfile(D + '/x.bin', ${uint ? "'u1'" : "'i1'"}).astype(np.int64).reshape(${B}, ${D})
w = np.fromfile(D + '/w.bin', 'i1').astype(np.int64).reshape(${O}, ${D})
b = np.fromfile(D + '/b.bin', '<i4'); m = np.fromfile(D + '/m.bin', '<i4'); s = np.fromfile(D + '/s.bin', '<i4')
acc = (x + (${uint ? -3 : 5})) @ (w - 2).T + b
lo, hi = (${uint ? '0, 255' : '-128, 127'})
out = np.array([[min(hi, max(lo, mbqm(int(acc[i, o]), int(m[o]), int(s[o])) + ${uint ? 100 : -7})) for o in range(${O})] for i in range(${B})])
out.astype('<i4').tofile(D + '/y.bin')`,
        dir,
      );
      const want = Array.from(readRaw(join(dir, 'y.bin'), Int32Array));
      expect(Array.from(denseInt8(p))).toEqual(want);
      expect(Array.from(denseInt8Reference(p))).toEqual(want);
    }
  });
});

describe('fast kernels === reference kernels on property-generated layers', () => {
  fcTest.prop(
    [
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 19 }),
      fc.integer({ min: 1, max: 9 }),
      fc.boolean(),
      fc.integer({ min: -10, max: 10 }),
      fc.boolean(),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.constantFrom('double' as const, 'single' as const),
    ],
    { numRuns: 150 },
  )('denseInt8', (B, D, O, uint, wzp, withBias, s, rounding) => {
    let seed = s;
    const r = (n: number) => ((seed = (Math.imul(seed ^ 0x5bd1e995, 1103515245) + 12345) >>> 0) % n);
    const input = uint ? Uint8Array.from({ length: B * D }, () => r(256)) : Int8Array.from({ length: B * D }, () => r(256) - 128);
    const p: DenseInt8Params = {
      input,
      inputShape: [B, D],
      inputZeroPoint: uint ? r(256) : r(256) - 128,
      weights: Int8Array.from({ length: O * D }, () => r(256) - 128),
      weightsShape: [O, D],
      weightZeroPoint: wzp,
      bias: withBias ? Int32Array.from({ length: O }, () => r(2 ** 20) - 2 ** 19) : null,
      outputMultiplier: Int32Array.from({ length: O }, () => 2 ** 30 + r(2 ** 30)),
      outputShift: Int32Array.from({ length: O }, () => r(20) - 15),
      outputZeroPoint: uint ? r(256) : r(256) - 128,
      outputDtype: uint ? 'uint8' : 'int8',
      rounding,
    };
    expect(Array.from(denseInt8(p))).toEqual(Array.from(denseInt8Reference(p)));
  });

  fcTest.prop(
    [
      fc.record({
        N: fc.integer({ min: 1, max: 2 }),
        H: fc.integer({ min: 1, max: 9 }),
        W: fc.integer({ min: 1, max: 9 }),
        C: fc.integer({ min: 1, max: 6 }),
        OC: fc.integer({ min: 1, max: 5 }),
        KH: fc.integer({ min: 1, max: 3 }),
        KW: fc.integer({ min: 1, max: 3 }),
        stride: fc.integer({ min: 1, max: 3 }),
        dil: fc.integer({ min: 1, max: 2 }),
        M: fc.integer({ min: 1, max: 3 }),
      }),
      fc.constantFrom('same' as const, 'valid' as const),
      fc.boolean(),
      fc.integer({ min: -3, max: 3 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    ],
    { numRuns: 150 },
  )('conv2dInt8 and depthwiseConv2dInt8', (g, padding, uint, wzp, s) => {
    let seed = s;
    const r = (n: number) => ((seed = (Math.imul(seed ^ 0x27d4eb2d, 1103515245) + 12345) >>> 0) % n);
    const effH = (g.KH - 1) * g.dil + 1;
    const effW = (g.KW - 1) * g.dil + 1;
    if (padding === 'valid' && (effH > g.H || effW > g.W)) return;
    const input = uint ? Uint8Array.from({ length: g.N * g.H * g.W * g.C }, () => r(256)) : Int8Array.from({ length: g.N * g.H * g.W * g.C }, () => r(256) - 128);
    const common = {
      input,
      inputShape: [g.N, g.H, g.W, g.C] as [number, number, number, number],
      inputZeroPoint: uint ? r(256) : r(256) - 128,
      weightZeroPoint: wzp,
      stride: g.stride,
      dilation: g.dil,
      padding,
      outputZeroPoint: r(256) - 128,
      activationMin: -100,
      activationMax: 120,
    };
    const cp = {
      ...common,
      weights: Int8Array.from({ length: g.OC * g.KH * g.KW * g.C }, () => r(256) - 128),
      weightsShape: [g.OC, g.KH, g.KW, g.C] as [number, number, number, number],
      bias: Int32Array.from({ length: g.OC }, () => r(2 ** 16) - 2 ** 15),
      outputMultiplier: Int32Array.from({ length: g.OC }, () => 2 ** 30 + r(2 ** 30)),
      outputShift: Int32Array.from({ length: g.OC }, () => r(10) - 12),
    };
    const a = conv2dInt8(cp);
    const b = conv2dInt8Reference(cp);
    expect(a.outputShape).toEqual(b.outputShape);
    expect(Array.from(a.output)).toEqual(Array.from(b.output));
    const DC = g.C * g.M;
    const dp = {
      ...common,
      depthMultiplier: g.M,
      weights: Int8Array.from({ length: g.KH * g.KW * DC }, () => r(256) - 128),
      weightsShape: [1, g.KH, g.KW, DC] as [number, number, number, number],
      bias: null,
      outputMultiplier: Int32Array.from({ length: DC }, () => 2 ** 30 + r(2 ** 30)),
      outputShift: Int32Array.from({ length: DC }, () => r(10) - 12),
    };
    const c = depthwiseConv2dInt8(dp);
    const d = depthwiseConv2dInt8Reference(dp);
    expect(c.outputShape).toEqual(d.outputShape);
    expect(Array.from(c.output)).toEqual(Array.from(d.output));
  });
});

describe('conv2d / depthwise / pools: hand-checked cases', () => {
  const img = Int8Array.from({ length: 9 }, (_, i) => i + 1); // 3x3, values 1..9
  const ones = (n: number) => new Int8Array(n).fill(1);
  const conv = (padding: 'same' | 'valid', stride: number) =>
    conv2dInt8({ input: img, inputShape: [1, 3, 3, 1], inputZeroPoint: 0, weights: ones(9), weightsShape: [1, 3, 3, 1], bias: null, padding, stride, outputMultiplier: 2 ** 30, outputShift: 0, outputZeroPoint: 0 });
  it('3x3 box filter, same padding: corners see 4 pixels, centre 9; ×0.5 ties up', () => {
    const r = conv('same', 1);
    expect(r.outputShape).toEqual([1, 3, 3, 1]);
    // sums [12,21,16, 27,45,33, 24,39,28] → /2 ties up
    expect(Array.from(r.output)).toEqual([6, 11, 8, 14, 23, 17, 12, 20, 14]);
  });
  it('valid padding gives the centre only; stride 2 same padding pads 1 on each side', () => {
    expect(Array.from(conv('valid', 1).output)).toEqual([23]);
    const r = conv('same', 2);
    expect(r.outputShape).toEqual([1, 2, 2, 1]);
    expect(Array.from(r.output)).toEqual([6, 8, 12, 14]); // sums 12, 16, 24, 28
  });
  it('TFLite padding arithmetic', () => {
    expect(computePadding('same', 4, 2, 1, 1)).toEqual({ outSize: 4, padBefore: 0, padAfter: 1 });
    expect(computePadding('same', 112, 3, 2, 1)).toEqual({ outSize: 56, padBefore: 0, padAfter: 1 });
    expect(computePadding('same', 7, 3, 1, 2)).toEqual({ outSize: 7, padBefore: 2, padAfter: 2 });
    expect(computePadding('valid', 7, 3, 2, 1)).toEqual({ outSize: 3, padBefore: 0, padAfter: 0 });
    expect(() => computePadding('full' as 'same', 4, 2, 1, 1)).toThrow(/padding must be/);
  });
  it('padded positions contribute nothing even with a non-zero input zero point', () => {
    const r = conv2dInt8({ input: Int8Array.from(img, (v) => v + 10), inputShape: [1, 3, 3, 1], inputZeroPoint: 10, weights: ones(9), weightsShape: [1, 3, 3, 1], bias: null, padding: 'same', outputMultiplier: 2 ** 30, outputShift: 0, outputZeroPoint: 0 });
    expect(Array.from(r.output)).toEqual([6, 11, 8, 14, 23, 17, 12, 20, 14]);
  });
  it('depthwise with depth multiplier 2: output channel ic·2 + m', () => {
    // input 1x1x2x2 (two pixels, channels [1, 2] and [3, 4]); 1x2 kernel, valid → one output pixel, 4 channels
    const r = depthwiseConv2dInt8({
      input: Int8Array.of(1, 2, 3, 4), inputShape: [1, 1, 2, 2], inputZeroPoint: 0,
      weights: Int8Array.of(1, 2, 3, 4, 5, 6, 7, 8), weightsShape: [1, 1, 2, 4], depthMultiplier: 2, bias: Int32Array.of(0, 0, 0, 100),
      padding: 'valid', outputMultiplier: 2 ** 30, outputShift: 1, outputZeroPoint: 0,
    });
    // oc0 = 1·1 + 3·5 = 16; oc1 = 1·2 + 3·6 = 20; oc2 = 2·3 + 4·7 = 34; oc3 = 2·4 + 4·8 + 100 = 140 → clamp 127
    expect(Array.from(r.output)).toEqual([16, 20, 34, 127]);
  });
  it('average pool rounds half away from zero; max pool takes the max; both clamp', () => {
    const x = Int8Array.of(1, 2, 3, 4, -1, -2, -3, -4, 1, 2, 0, 0);
    // three 2x2 windows (width 6, stride 2) over one channel: sums 10, -10, 3 → 3 (2.5 away), -3, 1 (0.75)
    const a = averagePoolInt8({ input: Int8Array.of(1, 2, -1, -2, 1, 2, 3, 4, -3, -4, 0, 0), inputShape: [1, 2, 6, 1], filter: 2 });
    expect(Array.from(a.output)).toEqual([3, -3, 1]);
    void x;
    const m = maxPoolInt8({ input: Int8Array.of(1, 2, -1, -2, 1, 2, 3, 4, -3, -4, 0, 0), inputShape: [1, 2, 6, 1], filter: 2, activationMax: 3 });
    expect(Array.from(m.output)).toEqual([3, -1, 2]);
    const s = averagePoolInt8({ input: Int8Array.of(1, 2, 3, 4), inputShape: [1, 2, 2, 1], filter: 2, stride: 1, padding: 'same' });
    // same padding clips windows to the image: counts 4, 2, 2, 1 → (10+2)/4=3, (6+1)/2=3, (7+1)/2=4, 4
    expect(Array.from(s.output)).toEqual([3, 3, 4, 4]);
  });
});

describe('float helper and float references: integer within 1 code', () => {
  it('dense layers from float weights (per-channel and per-tensor)', () => {
    let seed = 7;
    const u = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
    for (const perChannel of [true, false]) {
      const D = 64, O = 16, B = 8;
      const w = Float32Array.from({ length: O * D }, (_, i) => (u() - 0.5) * (1 + (i % O)) * 0.1);
      const bias = Float32Array.from({ length: O }, () => (u() - 0.5) * 2);
      const layer = prepareLayer({ weights: w, outChannels: O, bias, input: 'relu6', output: { scale: 0.05, zeroPoint: -10, dtype: 'int8' }, activation: 'relu6', perChannel });
      const x = Uint8Array.from({ length: B * D }, () => Math.floor(u() * 193));
      const y = denseInt8({ ...layer, input: x, inputShape: [B, D], weightsShape: [O, D] });
      const ref = denseFloatReference(x, B, D, layer);
      let maxDiff = 0;
      for (let i = 0; i < y.length; i++) maxDiff = Math.max(maxDiff, Math.abs(y[i]! - ref[i]!));
      expect(maxDiff).toBeLessThanOrEqual(1);
      expect(Math.max(...y)).toBeLessThanOrEqual(layer.activationMax);
      expect(layer.activationMin).toBe(-10);
      expect(layer.activationMax).toBe(110); // Q(6) = -10 + 120
    }
  });
  it('conv2d and depthwise from float weights', () => {
    let seed = 11;
    const u = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
    const [H, W, C, OC] = [9, 7, 5, 6];
    const x = Uint8Array.from({ length: H * W * C }, () => Math.floor(u() * 256));
    const cw = Float32Array.from({ length: OC * 3 * 3 * C }, () => u() - 0.5);
    const cl = prepareLayer({ weights: cw, outChannels: OC, bias: Float32Array.from({ length: OC }, () => u() - 0.5), input: 'UQ3.5', output: { scale: 0.1, zeroPoint: 5, dtype: 'int8' }, activation: 'relu6' });
    const r = conv2dInt8({ ...cl, input: x, inputShape: [1, H, W, C], weightsShape: [OC, 3, 3, C], stride: 2, padding: "same" });
    const ref = conv2dFloatReference(x, [1, H, W, C], [3, 3], cl, { stride: 2, padding: 'same' });
    expect(r.output.length).toBe(ref.length);
    r.output.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThanOrEqual(1));
    const dw = Float32Array.from({ length: 3 * 3 * C * 2 }, () => u() - 0.5);
    const dl = prepareLayer({ weights: dw, outChannels: C * 2, channelAxisLast: true, bias: null, input: 'UQ3.5', output: 'UQ3.5', activation: 'relu6' });
    const d = depthwiseConv2dInt8({ ...dl, input: x, inputShape: [1, H, W, C], weightsShape: [1, 3, 3, C * 2], depthMultiplier: 2, padding: "same", dilation: 2 });
    const dref = conv2dFloatReference(x, [1, H, W, C], [3, 3], dl, { padding: 'same', dilation: 2, depthwise: true, depthMultiplier: 2 });
    d.output.forEach((v, i) => expect(Math.abs(v - dref[i]!)).toBeLessThanOrEqual(1));
    expect(Math.max(...d.output)).toBeLessThanOrEqual(192);
  });
});
