// Published vectors from shared/reference/fixed-point.md §4 and §7, and hand-worked ties.
import { describe, expect, it } from 'vitest';
import { decodeFixed, encodeFixed, encodeFixedReference, parseFormat, type EncodeOptions, type RoundingMode } from '../src/index.js';

/** decode(encode(x)) as plain numbers, through both the fast path and the reference. */
function q(values: number[], format: string, options: EncodeOptions = {}): number[] {
  const x = Float64Array.from(values);
  const fast = encodeFixed(x, format, options);
  const ref = encodeFixedReference(x, format, options);
  expect(Array.from(fast.codes)).toEqual(Array.from(ref.codes));
  expect(fast.counts).toEqual(ref.counts);
  return Array.from(decodeFixed(fast.codes, format));
}
const codes = (values: number[], format: string, options: EncodeOptions = {}): number[] =>
  Array.from(encodeFixed(Float64Array.from(values), format, options).codes);

describe('QKeras vectors', () => {
  it('A1 quantized_relu(6,2) = UQ2.4', () => {
    expect(q([-3.0, 0.0, 2.5625, 3.3671875, 1.5625, 1.046875, 0.054688], 'quantized_relu(6,2)')).toEqual([0, 0, 2.5625, 3.375, 1.5625, 1.0625, 0.0625]);
  });
  it('A3 quantized_bits', () => {
    const x = [-3, -2, -1, -0.5, 0, 0.5, 1, 4, 10];
    expect(q(x, 'quantized_bits(6,2,0,True)')).toEqual([-3, -2, -1, -0.5, 0, 0.5, 1, 3.875, 3.875]);
    expect(q(x, 'quantized_bits(6,2,0,False)')).toEqual([0, 0, 0, 0, 0, 0.5, 1, 3.9375, 3.9375]);
    expect(q([-10, -4, -1, -0.5, 0, 0.5, 1, 4, 10], 'quantized_bits(6,2,1,True)')).toEqual([-3.875, -3.875, -1, -0.5, 0, 0.5, 1, 3.875, 3.875]);
  });
});

describe('fxpmath vectors (fxpmath default rounding is trunc = toward zero)', () => {
  const vi = [0, 1.0, 1.24, 1.25, 1.26, 1.49, 1.5, -1.0, -1.24, -1.25, -1.26, -1.49, -1.5];
  it('A6 rounding modes on Q5.2', () => {
    const table: [RoundingMode, number[]][] = [
      ['toward-zero', [0, 1.0, 1.0, 1.25, 1.25, 1.25, 1.5, -1.0, -1.0, -1.25, -1.25, -1.25, -1.5]],
      ['ceil', [0, 1.0, 1.25, 1.25, 1.5, 1.5, 1.5, -1.0, -1.0, -1.25, -1.25, -1.25, -1.5]],
      ['floor', [0, 1.0, 1.0, 1.25, 1.25, 1.25, 1.5, -1.0, -1.25, -1.25, -1.5, -1.5, -1.5]],
      ['nearest-even', [0, 1.0, 1.25, 1.25, 1.25, 1.5, 1.5, -1.0, -1.25, -1.25, -1.25, -1.5, -1.5]],
    ];
    for (const [rounding, want] of table) expect(q(vi, 'fxp-s8/2', { rounding }), rounding).toEqual(want);
    expect(q(vi, 'fxp-s8/2')).toEqual(table[0]![1]); // 'trunc' is the format's default
  });
  it('A7 saturate and wrap', () => {
    expect(parseFormat('fxp-s8/2')).toMatchObject({ maxValue: 31.75, minValue: -32 });
    const sat = encodeFixed(Float64Array.of(32.0, -32.25), 'fxp-s8/2');
    expect(Array.from(decodeFixed(sat.codes, 'fxp-s8/2'))).toEqual([31.75, -32]);
    expect(sat.counts).toMatchObject({ clippedHigh: 1, clippedLow: 1 });
    expect(q([4.0, -0.25], 'fxp-u4/2', { overflow: 'wrap' })).toEqual([0, 3.75]);
    expect(q([4.0, -4.25], 'fxp-s5/2', { overflow: 'wrap' })).toEqual([-4, 3.75]);
    expect(q([-30, -8, -9, 7, 8], 'fxp-s4/0', { overflow: 'wrap' })).toEqual([2, -8, 7, 7, -8]);
    expect(q([3.5, 4.0, 4.5, 5.0], 'fxp-u3/1', { overflow: 'wrap' })).toEqual([3.5, 0, 0.5, 1]);
    expect(q([12.5], 'fxp-u11/8', { overflow: 'wrap' })).toEqual([4.5]);
    expect(q([18], 'fxp-s7/2', { overflow: 'wrap' })).toEqual([-14]);
  });
});

describe('apytypes tie tables (A10), (i,f) = Q(i-1).f', () => {
  it('RND_CONV (3,2)->(3,0)', () => {
    expect(q([0.25, -0.25, 0.5, -0.5, 0.75, -0.75, 1.25, -1.25, 1.5, -1.5, 1.75, -1.75], 'Q2.0', { rounding: 'nearest-even' })).toEqual([0, 0, 0, 0, 1, -1, 1, -1, 2, -2, 2, -2]);
  });
  it('RND_INF and RND_MIN_INF (2,2)->(2,0)', () => {
    const x = [0.25, 0.5, 0.75, -0.25, -0.5, -0.75];
    expect(q(x, 'Q1.0', { rounding: 'nearest-away' })).toEqual([0, 1, 1, 0, -1, -1]);
    expect(q(x, 'Q1.0', { rounding: 'nearest-down' })).toEqual([0, 0, 1, 0, -1, -1]);
  });
  it('-0.5 to an integer in every mode', () => {
    const want: [RoundingMode, number][] = [['nearest-up', 0], ['nearest-zero', 0], ['nearest-even', 0], ['nearest-away', -1], ['nearest-down', -1], ['floor', -1], ['toward-zero', 0]];
    for (const [rounding, v] of want) expect(q([-0.5], 'Q4.0', { rounding }), rounding).toEqual([v]);
  });
  it('TRN (floor)', () => {
    expect(q([-0.46875, -0.03125, 0.28125, 0.25, 0.03125], 'Q4.0', { rounding: 'floor' })).toEqual([-1, -1, 0, 0, 0]);
  });
  it('rounding carry, then wrap', () => {
    expect(q([0.75], 'Q0.1', { rounding: 'nearest-up', overflow: 'wrap' })).toEqual([-1]);
    expect(q([0.75], 'Q1.0', { rounding: 'nearest-up', overflow: 'wrap' })).toEqual([1]);
    expect(q([0.875], 'Q0.2', { rounding: 'nearest-up', overflow: 'wrap' })).toEqual([-1]);
    expect(q([0.875], 'Q1.1', { rounding: 'nearest-up', overflow: 'wrap' })).toEqual([1]);
    expect(q([0.75], 'Q0.1', { rounding: 'nearest-zero', overflow: 'wrap' })).toEqual([0.5]);
    expect(q([0.75], 'Q0.1', { rounding: 'nearest-down', overflow: 'wrap' })).toEqual([0.5]);
    expect(q([0.75], 'Q0.1', { rounding: 'nearest-away', overflow: 'wrap' })).toEqual([-1]);
  });
  it('SAT overflow', () => {
    expect(q([-61], 'Q7.0', { overflow: 'saturate' })).toEqual([-61]);
    expect(q([-61], 'Q6.0', { overflow: 'saturate' })).toEqual([-61]);
    expect(q([-61], 'Q5.0', { overflow: 'saturate' })).toEqual([-32]);
    expect(q([-61], 'Q4.0', { overflow: 'saturate' })).toEqual([-16]);
    expect(q([-61], 'Q0.0', { overflow: 'saturate' })).toEqual([-1]);
    expect(q([19], 'Q4.0', { overflow: 'saturate' })).toEqual([15]);
  });
});

describe('AMD UG1399 vectors (B1) and hls4ml PR #68 (B2), modes taken from the spelling', () => {
  it('quantization modes on ap_fixed<3,2>', () => {
    expect(q([1.25, -1.25], 'ap_fixed<3,2,AP_RND,AP_SAT>')).toEqual([1.5, -1.0]);
    expect(q([1.25, -1.25], 'ap_fixed<3,2,AP_RND_ZERO,AP_SAT>')).toEqual([1.0, -1.0]);
    expect(q([1.25, -1.25], 'ap_fixed<3,2,AP_RND_MIN_INF,AP_SAT>')).toEqual([1.0, -1.5]);
  });
  it('overflow modes on <4,4>', () => {
    expect(q([19, -19], 'ap_fixed<4,4,AP_RND,AP_SAT>')).toEqual([7, -8]);
    expect(q([19, -19], 'ap_ufixed<4,4,AP_RND,AP_SAT>')).toEqual([15, 0]);
    expect(q([19, -19], 'ap_fixed<4,4,AP_RND,AP_SAT_ZERO>')).toEqual([0, 0]);
    expect(q([19, -19], 'ap_ufixed<4,4,AP_RND,AP_SAT_ZERO>')).toEqual([0, 0]);
    expect(q([19, -19], 'ap_fixed<4,4,AP_RND,AP_SAT_SYM>')).toEqual([7, -7]);
  });
  it('8.99 into ap_fixed<10,4>: TRN+WRAP by default, TRN_ZERO+SAT when spelled', () => {
    expect(q([8.99], 'ap_fixed<10,4>')).toEqual([-7.015625]);
    expect(q([8.99], 'ap_fixed<10,4,AP_TRN_ZERO,AP_SAT>')).toEqual([7.984375]);
  });
  it('AP_SAT_SYM also replaces the exact most-negative value', () => {
    expect(q([-8], 'ap_fixed<4,4,AP_RND,AP_SAT_SYM>')).toEqual([-7]);
  });
});

describe('order: bound → scale → round → overflow (§4)', () => {
  it('carry case: UQ3.5, 7.984375 = 255.5 LSB', () => {
    const x = [7.984375];
    for (const r of ['nearest-up', 'nearest-away', 'nearest-even'] as RoundingMode[]) {
      expect(codes(x, 'UQ3.5', { rounding: r, overflow: 'saturate' }), r).toEqual([255]);
      expect(codes(x, 'UQ3.5', { rounding: r, overflow: 'wrap' }), r).toEqual([0]);
      expect(codes(x, 'UQ3.5', { rounding: r, overflow: 'saturate-zero' }), r).toEqual([0]);
      expect(encodeFixed(Float64Array.from(x), 'UQ3.5', { rounding: r }).counts.clippedHigh).toBe(1);
    }
    for (const r of ['floor', 'toward-zero', 'nearest-down', 'nearest-zero', 'nearest-odd'] as RoundingMode[]) {
      expect(codes(x, 'UQ3.5', { rounding: r, overflow: 'wrap' }), r).toEqual([255]);
      expect(encodeFixed(Float64Array.from(x), 'UQ3.5', { rounding: r }).counts.clippedHigh).toBe(0);
    }
  });
  it('en_cl_fix B3: 7.75 → UQ2.1 half-up then saturate gives 3.5, not 0', () => {
    expect(q([7.75], 'UQ2.1', { rounding: 'nearest-up' })).toEqual([3.5]);
  });
  it('overflow "error" names the first offending index and value', () => {
    expect(() => encodeFixed(Float32Array.of(1, 2, 9, 10), 'UQ3.5', { overflow: 'error' })).toThrow(/value 9 at index 2 overflows UQ3.5 \(range \[0, 7.96875\]\)/);
  });
});

describe('ties, edges and special values, every mode (UQ3.5 / Q3.4)', () => {
  // v in LSB units for Q3.4 (step 1/16): ±0.5, ±1.5, ±2.5 LSB ties and near-ties.
  const lsb = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.4999999, 0.5000001, -0.4999999];
  const table: Record<RoundingMode, number[]> = {
    'nearest-even': [0, 2, 2, 0, -2, -2, 0, 1, 0],
    'nearest-odd': [1, 1, 3, -1, -1, -3, 0, 1, 0],
    'nearest-away': [1, 2, 3, -1, -2, -3, 0, 1, 0],
    'nearest-up': [1, 2, 3, 0, -1, -2, 0, 1, 0],
    'nearest-down': [0, 1, 2, -1, -2, -3, 0, 1, 0],
    'nearest-zero': [0, 1, 2, 0, -1, -2, 0, 1, 0],
    floor: [0, 1, 2, -1, -2, -3, 0, 0, -1],
    ceil: [1, 2, 3, 0, -1, -2, 1, 1, 0],
    'toward-zero': [0, 1, 2, 0, -1, -2, 0, 0, 0],
    'away-from-zero': [1, 2, 3, -1, -2, -3, 1, 1, -1],
    stochastic: [],
  };
  for (const [mode, want] of Object.entries(table) as [RoundingMode, number[]][]) {
    if (mode === 'stochastic') continue;
    it(mode, () => {
      expect(codes(lsb.map((v) => v / 16), 'Q3.4', { rounding: mode })).toEqual(want);
    });
  }

  it('-0, 0, min and max codes, subnormals, 1e30', () => {
    const x = Float32Array.of(-0, 0, 7.96875, -8, 1e-45, -1e-45, 1e30, -1e30);
    const r = encodeFixed(x, 'Q3.4');
    expect(Array.from(r.codes)).toEqual([0, 0, 127, -128, 0, 0, 127, -128]);
    expect(Object.is(decodeFixed(r.codes, 'Q3.4')[0], 0)).toBe(true);
    // 7.96875 = 127.5 LSB of Q3.4: a tie, rounded to even 128, which saturates (inexact and clipped);
    // ±1e-45 round to 0 (inexact); float32 1e30 is an integer, so exact before it saturates.
    expect(r.counts).toMatchObject({ clippedHigh: 2, clippedLow: 1, inexact: 3 });
    expect(encodeFixed(Float32Array.of(-1e-45), 'Q3.4', { rounding: 'floor' }).codes[0]).toBe(-1);
    expect(encodeFixed(Float32Array.of(1e-45), 'Q3.4', { rounding: 'ceil' }).codes[0]).toBe(1);
  });

  it('NaN policy: error (default) names the index; zero/min/max pick codes; counted', () => {
    const x = Float32Array.of(1, NaN, 2);
    expect(() => encodeFixed(x, 'UQ3.5')).toThrow(/NaN at index 1/);
    expect(Array.from(encodeFixed(x, 'Q3.4', { nan: 'zero' }).codes)).toEqual([16, 0, 32]);
    expect(Array.from(encodeFixed(x, 'Q3.4', { nan: 'min' }).codes)).toEqual([16, -128, 32]);
    expect(Array.from(encodeFixed(x, 'Q3.4', { nan: 'max' }).codes)).toEqual([16, 127, 32]);
    expect(encodeFixed(x, 'Q3.4', { nan: 'zero' }).counts.nan).toBe(1);
    expect(() => encodeFixed(x, 'UQ3.5', { indexOffset: 1000 })).toThrow(/NaN at index 1001/);
  });

  it('±Inf are overflow; under a bound they clamp like any large value', () => {
    const x = Float32Array.of(Infinity, -Infinity);
    const r = encodeFixed(x, 'Q3.4');
    expect(Array.from(r.codes)).toEqual([127, -128]);
    expect(r.counts).toMatchObject({ posInf: 1, negInf: 1, clippedHigh: 1, clippedLow: 1, inexact: 0 });
    expect(Array.from(encodeFixed(x, 'Q3.4', { overflow: 'wrap' }).codes)).toEqual([127, -128]);
    expect(Array.from(encodeFixed(x, 'Q3.4', { overflow: 'saturate-zero' }).codes)).toEqual([0, 0]);
    expect(() => encodeFixed(x, 'Q3.4', { overflow: 'error' })).toThrow(/value Infinity at index 0/);
    const b = encodeFixed(x, 'relu6');
    expect(Array.from(b.codes)).toEqual([192, 0]);
    expect(b.counts).toMatchObject({ posInf: 1, negInf: 1, boundedHigh: 1, boundedLow: 1, clippedHigh: 0 });
  });

  it('wrap of huge finite values keeps the low W bits exactly', () => {
    // 2^40 + 3 LSB in UQ0.8 wraps to 3; float64 1e308 · 2^8 overflows float64 but its low bits are 0.
    expect(codes([(2 ** 40 + 3) / 256, 1e308], 'UQ0.8', { overflow: 'wrap' })).toEqual([3, 0]);
    expect(codes([-(2 ** 40) - 1], 'Q7.0', { overflow: 'wrap' })).toEqual([-1]);
  });

  it('saturate-symmetric: signed overflow → ±kmax, unsigned = saturate', () => {
    expect(codes([100, -100, -8, -7.9375], 'Q3.4', { overflow: 'saturate-symmetric' })).toEqual([127, -127, -127, -127]);
    expect(codes([100, -100], 'UQ3.5', { overflow: 'saturate-symmetric' })).toEqual([255, 0]);
  });

  it('relu6 preset: 6.0 = code 192; values beyond 6 clamp to 192, not 255', () => {
    const r = encodeFixed(Float32Array.of(-1, 0, 3, 5.984375, 6, 6.01, 7.99, 100), 'relu6');
    expect(Array.from(r.codes)).toEqual([0, 0, 96, 192, 192, 192, 192, 192]);
    expect(r.counts).toMatchObject({ boundedLow: 1, boundedHigh: 3, inexact: 1, clippedHigh: 0 });
    // 5.984375 = 191.5 LSB is a tie → even 192.
  });

  it('a bound off the grid takes the reference path with identical semantics', () => {
    const x = Float32Array.of(-1, 0.01, 2.9, 3.01, 5);
    expect(codes(Array.from(x), 'UQ3.5', { bound: [0.01, 2.99] })).toEqual([0, 0, 93, 96, 96]);
  });
});

describe('stochastic rounding', () => {
  it('same seed, same codes; different seed, different codes; chunking does not matter', () => {
    const x = Float32Array.from({ length: 4096 }, (_, i) => (i % 97) / 97);
    const a = encodeFixed(x, 'UQ3.5', { rounding: 'stochastic', seed: 7 }).codes;
    const b = encodeFixed(x, 'UQ3.5', { rounding: 'stochastic', seed: 7 }).codes;
    const c = encodeFixed(x, 'UQ3.5', { rounding: 'stochastic', seed: 8 }).codes;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    const tail = encodeFixed(x.subarray(1000), 'UQ3.5', { rounding: 'stochastic', seed: 7, indexOffset: 1000 }).codes;
    expect(Array.from(tail)).toEqual(Array.from(a.subarray(1000)));
  });
  it('is unbiased: mean of codes ≈ mean of v, and exact values never move', () => {
    const n = 200000;
    const x = new Float32Array(n).fill(0.3 / 32); // 0.3 LSB
    const c = encodeFixed(x, 'UQ3.5', { rounding: 'stochastic', seed: 1 }).codes;
    let sum = 0;
    for (const k of c) sum += k;
    expect(sum / n).toBeGreaterThan(0.3 - 0.005);
    expect(sum / n).toBeLessThan(0.3 + 0.005); // 5 sigma ≈ 0.005
    const exact = encodeFixed(Float32Array.of(1, 2, 3), 'UQ3.5', { rounding: 'stochastic', seed: 1 });
    expect(Array.from(exact.codes)).toEqual([32, 64, 96]);
  });
});

describe('decodeFixed', () => {
  it('is exact and uses the code type', () => {
    expect(Array.from(decodeFixed(Uint8Array.of(0, 1, 192, 255), 'UQ3.5'))).toEqual([0, 1 / 32, 6, 7.96875]);
    expect(Array.from(decodeFixed(Int8Array.of(-128, -1, 127), 'Q3.4'))).toEqual([-8, -0.0625, 7.9375]);
    expect(Array.from(decodeFixed(Int16Array.of(-32768, 32767), 'Q0.15'))).toEqual([-1, 32767 / 32768]);
    expect(Array.from(decodeFixed(Int8Array.of(-8, 7), 'Q1.2'))).toEqual([-2, 1.75]);
  });
  it('refuses codes outside the format or of the wrong type', () => {
    expect(() => decodeFixed(Uint8Array.of(16), 'UQ2.2')).toThrow(/code 16 at index 0 is outside UQ2.2/);
    expect(() => decodeFixed(Uint8Array.of(200), 'Q3.4')).toThrow(/outside Q3.4/);
    expect(() => decodeFixed(new Float32Array(2) as unknown as Uint8Array, 'UQ3.5')).toThrow(/must be Uint8Array\/Int8Array, got Float32Array/);
  });
});
