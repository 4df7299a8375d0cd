import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { requantizeMultiplier, activationRange, applyLookupTable, buildLookupTable, chooseQuantParams, cmsisRawRelu6, dequantizeAffine, parseActivation, quantizeAffine, relu6Requantize, reluClampCodes, requantize, toAffine, encodeFixed, decodeFixed } from '../src/index.js';
import { HAS_NUMPY, readRaw, runPython, scratchDir, writeRaw } from './helpers/numpy.js';

const { dir, cleanup } = scratchDir();
afterAll(cleanup);

describe('quantizeAffine / dequantizeAffine', () => {
  it('ties: ONNX rounds half to even, TFLite half away (int8-kernels.md §9)', () => {
    expect(Array.from(quantizeAffine([2.5, -2.5, 0.5, 1.5], { scale: 1, zeroPoint: 0, dtype: 'int8' }))).toEqual([2, -2, 0, 2]);
    expect(Array.from(quantizeAffine([2.5, -2.5, 0.5, 1.5], { scale: 1, zeroPoint: 0, dtype: 'int8', rounding: 'nearest-away' }))).toEqual([3, -3, 1, 2]);
  });
  it('round first, then add the zero point (TFLite AffineQuantize): -0.5 with zp 1 → 1 + round(-0.5) = 1 (even) / 0 (away)', () => {
    expect(quantizeAffine([-0.5], { scale: 1, zeroPoint: 1, dtype: 'int8' })[0]).toBe(1);
    expect(quantizeAffine([-0.5], { scale: 1, zeroPoint: 1, dtype: 'int8', rounding: 'nearest-away' })[0]).toBe(0);
  });
  it('saturates, including ±Inf; NaN is an error unless nan: zero', () => {
    expect(Array.from(quantizeAffine([1000, -1000, Infinity, -Infinity], { scale: 0.5, zeroPoint: 10, dtype: 'uint8' }))).toEqual([255, 0, 255, 0]);
    expect(() => quantizeAffine([1, NaN], { scale: 1, dtype: 'int8' })).toThrow(/NaN at index 1/);
    expect(Array.from(quantizeAffine([NaN], { scale: 1, zeroPoint: 7, dtype: 'int8', nan: 'zero' }))).toEqual([7]);
  });
  it('per-axis (ONNX semantics): axis 1 of a [2, 3] tensor', () => {
    const q = quantizeAffine([1, 2, 4, -1, -2, 8], { scale: [1, 2, 4], zeroPoint: [0, 1, 2], shape: [2, 3], axis: 1, dtype: 'int8' });
    expect(Array.from(q)).toEqual([1, 2, 3, -1, 0, 4]);
    expect(Array.from(dequantizeAffine(q, { scale: [1, 2, 4], zeroPoint: [0, 1, 2], shape: [2, 3], axis: -1 }))).toEqual([1, 2, 4, -1, -2, 8]);
    const q0 = quantizeAffine([1, 2, 4, -1, -2, 8], { scale: [1, 0.5], shape: [2, 3], axis: 0, dtype: 'int8' });
    expect(Array.from(q0)).toEqual([1, 2, 4, -2, -4, 16]);
  });
  it('clear errors before any work', () => {
    expect(() => quantizeAffine([1], { scale: 0, dtype: 'int8' })).toThrow(/scale must be a positive finite number, got 0/);
    expect(() => quantizeAffine([1], { scale: -1, dtype: 'int8' })).toThrow(/positive/);
    expect(() => quantizeAffine([1], { scale: 1, zeroPoint: 300, dtype: 'uint8' })).toThrow(/zero point 300/);
    expect(() => quantizeAffine([1, 2], { scale: [1, 2, 3], shape: [2], axis: 0, dtype: 'int8' })).toThrow(/per-axis scale has 3 entries; axis 0 has 2/);
    expect(() => quantizeAffine([1, 2], { scale: [1, 2], dtype: 'int8' })).toThrow(/needs the tensor shape/);
    expect(() => quantizeAffine([1], { scale: 1, dtype: 'int32' as 'int8' })).toThrow(/dtype must be/);
  });
  it('a fixed-point format is affine with scale 2^-n, zero point 0: UQ3.5 codes are the same either way', () => {
    expect(toAffine('UQ3.5')).toEqual({ scale: 1 / 32, zeroPoint: 0, dtype: 'uint8' });
    expect(toAffine('Q0.15')).toEqual({ scale: 2 ** -15, zeroPoint: 0, dtype: 'int16' });
    const x = Float32Array.from({ length: 1000 }, (_, i) => (i - 300) / 97);
    const a = quantizeAffine(x, { ...toAffine('UQ3.5') });
    expect(Array.from(a)).toEqual(Array.from(encodeFixed(x, 'UQ3.5').codes));
    expect(Array.from(dequantizeAffine(a, toAffine('UQ3.5')))).toEqual(Array.from(decodeFixed(a, 'UQ3.5')));
  });
  it.skipIf(!HAS_NUMPY)('matches numpy (ONNX reference formula) on 50k random values, per tensor and per axis', () => {
    const x = Float32Array.from({ length: 50000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 40);
    writeRaw(join(dir, 'qa.f32'), x);
    runPython(
      `x = np.fromfile(D + '/qa.f32', '<f4')
s = np.float32(0.0470588244497776)
np.clip(np.rint(x / s) + 3, -128, 127).astype(np.int8).tofile(D + '/qa.i8')
xs = x.reshape(500, 100)
sc = (np.arange(100, dtype=np.float32) + 1) / np.float32(37)
zp = np.arange(100) % 9
np.clip(np.rint(xs / sc) + zp, 0, 255).astype(np.uint8).tofile(D + '/qb.u8')`,
      dir,
    );
    const a = quantizeAffine(x, { scale: 0.0470588244497776, zeroPoint: 3, dtype: 'int8' });
    expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(readRaw(join(dir, 'qa.i8'), Int8Array).buffer))).toBe(0);
    // numpy computes (i + 1) / 37 in float32; the same float32 values here.
    const sc = Float32Array.from({ length: 100 }, (_, i) => Math.fround(Math.fround(i + 1) / 37));
    const b = quantizeAffine(x, { scale: sc, zeroPoint: Array.from({ length: 100 }, (_, i) => i % 9), shape: [500, 100], axis: 1, dtype: 'uint8' });
    expect(Buffer.compare(Buffer.from(b.buffer), Buffer.from(readRaw(join(dir, 'qb.u8'), Uint8Array).buffer))).toBe(0);
  });
});

describe('chooseQuantParams (ORT compute_scale_zp conventions)', () => {
  it('ReLU6 output [0, 6]', () => {
    expect(chooseQuantParams({ min: 0, max: 6, dtype: 'uint8' })).toMatchObject({ scale: Math.fround(6 / 255), zeroPoint: 0 });
    expect(chooseQuantParams({ min: 0, max: 6, dtype: 'uint8', symmetric: true })).toMatchObject({ scale: Math.fround(12 / 254), zeroPoint: 127, qmax: 254 });
  });
  it('zero is always representable; asymmetric int8', () => {
    expect(chooseQuantParams({ min: 2, max: 6, dtype: 'uint8' })).toMatchObject({ scale: Math.fround(6 / 255), zeroPoint: 0 });
    expect(chooseQuantParams({ min: -1, max: 3, dtype: 'int8' })).toMatchObject({ scale: Math.fround(4 / 255), zeroPoint: -64 });
    expect(chooseQuantParams({ min: -3, max: 5, dtype: 'int8', symmetric: true })).toMatchObject({ scale: Math.fround(10 / 254), zeroPoint: 0, qmin: -127 });
    expect(chooseQuantParams({ min: 0, max: 0, dtype: 'int8' })).toMatchObject({ scale: 1, zeroPoint: 0 });
    expect(() => chooseQuantParams({ min: 1, max: 0, dtype: 'int8' })).toThrow(/min <= max/);
  });
});

describe('activation ranges (CalculateActivationRangeQuantized)', () => {
  it('derived values of int8-kernels.md §5', () => {
    expect(activationRange('relu6', Math.fround(6 / 255), -128, 'int8')).toEqual({ actMin: -128, actMax: 127 });
    expect(activationRange('relu6', 0.1, -20, 'int8')).toEqual({ actMin: -20, actMax: 40 });
    expect(activationRange('relu', 0.1, -20, 'int8')).toEqual({ actMin: -20, actMax: 127 });
    expect(activationRange('relu_n1_to_1', 0.1, -20, 'int8')).toEqual({ actMin: -30, actMax: -10 });
    expect(activationRange('none', 0.1, -20, 'int8')).toEqual({ actMin: -128, actMax: 127 });
  });
  it('UQ3.5: relu6 → codes 0..192, relu3 → 0..96, reluN=4 → 0..128', () => {
    expect(activationRange('relu6', 1 / 32, 0, 'uint8')).toEqual({ actMin: 0, actMax: 192 });
    expect(activationRange('relu3', 1 / 32, 0, 'uint8')).toEqual({ actMin: 0, actMax: 96 });
    expect(activationRange('reluN=4', 1 / 32, 0, 'uint8')).toEqual({ actMin: 0, actMax: 128 });
    expect(() => activationRange('gelu' as 'relu', 1, 0, 'int8')).toThrow(/unknown fused activation/);
  });
});

describe('element-wise kernels on codes', () => {
  it('reluClampCodes clamps in the codes own quantization', () => {
    const c = Int8Array.of(-128, -21, -20, 0, 40, 41, 127);
    expect(Array.from(reluClampCodes(c, { scale: 0.1, zeroPoint: -20, dtype: 'int8' }, 'relu6'))).toEqual([-20, -20, -20, 0, 40, 40, 40]);
    expect(Array.from(reluClampCodes(Uint8Array.of(0, 100, 200, 255), 'UQ3.5', 'relu6'))).toEqual([0, 100, 192, 192]);
    expect(Array.from(reluClampCodes(Uint8Array.of(0, 100, 200, 255), 'UQ3.5', 'relu3'))).toEqual([0, 96, 96, 96]);
    expect(() => reluClampCodes(Int8Array.of(1), 'UQ3.5')).toThrow(/codes are int8 but the quantization is uint8/);
  });
  it('CMSIS raw relu6 clamps raw int8 to [0, 6]', () => {
    expect(Array.from(cmsisRawRelu6(Int8Array.of(-128, -1, 0, 3, 6, 7, 127)))).toEqual([0, 0, 0, 3, 6, 6, 6]);
  });
  it('TFLite builtin RELU6 requantizes: in scale 0.1 → out scale 0.05', () => {
    const y = relu6Requantize(Int8Array.of(10, 70, -5, 31), { scale: 0.1, zeroPoint: 0, dtype: 'int8' }, { scale: 0.05, zeroPoint: 0, dtype: 'int8' });
    // 1.0 → 20; 7.0 → 140 → min(127, Q(6) = 120); -0.5 → -10 → max(-128, Q(0) = 0); 3.1 → 62.
    expect(Array.from(y)).toEqual([20, 120, 0, 62]);
  });
  it('TFLite ReluPrepare forms the RELU6 multiplier from a float32 division of the scales', () => {
    // 0.07 / 0.03 as floats: 2.3333334922790527 (float division) vs 2.3333333954215063 (double division).
    const f = requantizeMultiplier(0.07, 0.03, false, 'float32');
    const d = requantizeMultiplier(0.07, 0.03, false, 'double');
    expect(f).toEqual({ multiplier: 1252698880, shift: 2 }); // 2.3333334922790527 / 4 · 2^31, an exact integer
    expect(d).toEqual({ multiplier: 1252698828, shift: 2 }); // round(2.3333333954215063 / 4 · 2^31)
  });
  it('requantize between fixed-point formats: UQ3.5 → UQ2.6 doubles the code, saturating; UQ2.6 → UQ3.5 halves with ties up', () => {
    expect(Array.from(requantize(Uint8Array.of(0, 1, 64, 127, 128, 255), 'UQ3.5', 'UQ2.6'))).toEqual([0, 2, 128, 254, 255, 255]);
    // MBQM(x, 2^30, 0) = SRDHM(x, 2^30) = round(x/2), ties toward +inf
    expect(Array.from(requantize(Uint8Array.of(0, 1, 2, 3, 255), 'UQ2.6', 'UQ3.5'))).toEqual([0, 1, 1, 2, 128]);
    expect(Array.from(requantize(Int8Array.of(-1, -3), 'Q3.4', 'Q4.3'))).toEqual([0, -1]);
    expect(Array.from(requantize(Uint8Array.of(200), 'UQ3.5', { scale: 0.1, zeroPoint: -128, dtype: 'int8' }))).toEqual([-65]);
    // 6.25 / 0.1: M = QuantizeMultiplier(0.3125) = (1342177280, -1); SRDHM(200, M) = 125; RDPOT(125, 1) = 63 (ties away); 63 - 128 = -65
  });
});

describe('lookup tables', () => {
  const acts = ['sigmoid', 'tanh', 'softplus', 'elu', 'selu', 'swish', 'mish', 'relu6', 'relu3', 'relu', 'linear'];
  it('every entry equals quantize(f(dequantize(q))) for every code (TFLite LUTPopulate; ONNX with nearest-even)', () => {
    const inQ = { scale: 0.0625, zeroPoint: -3, dtype: 'int8' as const };
    const outQ = { scale: 1 / 64, zeroPoint: -100, dtype: 'int8' as const };
    const f32 = Math.fround;
    const inverse = f32(1 / f32(outQ.scale));
    for (const a of acts) {
      const tflite = buildLookupTable(a, inQ, outQ);
      const onnx = buildLookupTable(a, inQ, outQ, { rounding: 'nearest-even' });
      const f = parseActivation(a).f;
      for (let q = -128; q <= 127; q++) {
        const x = dequantizeAffine(Int8Array.of(q), inQ)[0]!;
        const t = f32(f(x));
        // TFLite: round-half-away(t · float32(1/out_scale)) + zp, clamped (a multiply by the reciprocal).
        const r = f32(t * inverse);
        const want = Math.max(-128, Math.min(127, Math.sign(r) * Math.floor(Math.abs(r) + 0.5) + outQ.zeroPoint));
        expect(tflite.table[q + 128], `${a}(${q})`).toBe(want);
        expect(onnx.table[q + 128], `${a}(${q}) onnx`).toBe(quantizeAffine(Float32Array.of(t), { ...outQ, rounding: 'nearest-even' })[0]);
      }
    }
  });
  it('TFLite multiplies by the float32 reciprocal of the output scale, it does not divide', () => {
    // linear, in scale 0.001 → out scale 0.002, code -123: t = -0.123; t·f32(1/0.002) = -61.49999… → -61,
    // while t / 0.002 = -61.5 exactly → -62 (half away).
    const lut = buildLookupTable('linear', { scale: 0.001, zeroPoint: 0, dtype: 'int8' }, { scale: 0.002, zeroPoint: 0, dtype: 'int8' });
    expect(lut.table[-123 + 128]).toBe(-61);
  });
  it('hand values: sigmoid into scale 1/256, zp -128 (TFLite logistic output)', () => {
    const lut = buildLookupTable('sigmoid', { scale: 1 / 16, zeroPoint: 0, dtype: 'int8' }, { scale: 1 / 256, zeroPoint: -128, dtype: 'int8' });
    const y = applyLookupTable(Int8Array.of(0, 127, -128, 16), lut);
    // sigmoid(0) = 0.5 → 128 - 128 = 0; sigmoid(7.9375)·256 = 255.9 → 256 → 127 (clamped); sigmoid(-8)·256 = 0.0859 → 0 → -128; sigmoid(1)·256 = 187.15 → 187 → 59
    expect(Array.from(y)).toEqual([0, 127, -128, 59]);
  });
  it('relu6 table on UQ3.5 codes to UQ3.5 is the relu6 clamp', () => {
    const lut = buildLookupTable('relu6', 'UQ3.5', 'UQ3.5');
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Array.from(applyLookupTable(all, lut))).toEqual(Array.from(reluClampCodes(all, 'UQ3.5', 'relu6')));
  });
  it('16-bit inputs use a 65536-entry table', () => {
    const lut = buildLookupTable('tanh', 'Q3.12', 'Q0.15');
    expect(lut.table.length).toBe(65536);
    const y = applyLookupTable(Int16Array.of(0, 4096, -32768), lut);
    expect(Array.from(y)).toEqual([0, Math.round(Math.fround(Math.tanh(1)) * 32768), -32768]);
    expect(() => applyLookupTable(Uint8Array.of(1), lut)).toThrow(/built for int16/);
  });
});
