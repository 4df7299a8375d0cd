import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import {
  decodeFixed,
  encodeFixed,
  encodeFixedReference,
  makeFixedFormat,
  OVERFLOW_MODES,
  parseFormat,
  ROUNDING_MODES,
  allocateCodes,
  type FixedFormat,
  type RoundingMode,
} from '../src/index.js';

/** Every (signed, bits) pair from 1 to 16 bits, each with three integer/fraction splits. */
function allFormats(): FixedFormat[] {
  const out: FixedFormat[] = [];
  for (const signed of [false, true]) {
    for (let bits = 1; bits <= 16; bits++) {
      const payload = bits - (signed ? 1 : 0);
      for (const m of new Set([0, Math.floor(payload / 2), payload, -2])) {
        out.push(makeFixedFormat({ signed, intBits: m, fracBits: payload - m }));
      }
    }
  }
  return out;
}

describe('encode(decode(c)) === c for every code of every format up to 16 bits', () => {
  it.each(allFormats().map((f) => [f.name, f] as const))('%s', (_name, f) => {
    const n = f.maxCode - f.minCode + 1;
    const codes = allocateCodes(f, n);
    for (let i = 0; i < n; i++) codes[i] = f.minCode + i;
    const values = decodeFixed(codes, f);
    for (const rounding of ROUNDING_MODES) {
      const back = encodeFixed(values, f, { rounding, seed: 3 });
      expect(back.counts.inexact, `${f.name} ${rounding}`).toBe(0);
      let bad = -1;
      for (let i = 0; i < n; i++) if (back.codes[i] !== codes[i]) bad = i;
      expect(bad, `${f.name} ${rounding}`).toBe(-1);
    }
  });
});

const floatArb = fc.oneof(
  fc.float({ noNaN: false }),
  fc.integer({ min: -600, max: 600 }).map((k) => (k + 0.5) / 32),
  fc.constantFrom(0, -0, 6, 7.984375, 7.96875, -8, Infinity, -Infinity, 1e-45, 3.4e38),
);
const formatArb = fc.constantFrom('UQ3.5', 'Q3.4', 'UQ2.6', 'Q0.15', 'UQ1.3', 'Q2.0', 'relu6', 'relu3', 'UQ16.0', 'Q-1.4');

describe('fast path === reference', () => {
  fcTest.prop([fc.array(floatArb, { maxLength: 64 }), formatArb, fc.constantFrom(...ROUNDING_MODES), fc.constantFrom(...OVERFLOW_MODES.filter((o) => o !== 'error')), fc.constantFrom('zero', 'min', 'max' as const), fc.boolean(), fc.constantFrom(undefined, null, [0, 6] as const, [-10, 10] as const, [0.01, 2.99] as const, [-2, 3] as const, [-1e6, 1e6] as const)], { numRuns: 600 })(
    'codes and counts agree for every mode and bound',
    (values, format, rounding, overflow, nan, asF64, bound) => {
      const x = asF64 ? Float64Array.from(values) : Float32Array.from(values);
      const opts = { rounding, overflow, nan, seed: 11, ...(bound === undefined ? {} : { bound }) };
      const a = encodeFixed(x, format, opts);
      const b = encodeFixedReference(x, format, opts);
      expect(Array.from(a.codes)).toEqual(Array.from(b.codes));
      expect(a.counts).toEqual(b.counts);
    },
  );

  it('on unaligned subarrays and a float64 input', () => {
    const base = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i) * 9);
    const view = base.subarray(3, 998);
    expect(Array.from(encodeFixed(view, 'relu6').codes)).toEqual(Array.from(encodeFixedReference(view, 'relu6').codes));
    const d = Float64Array.from(view);
    expect(Array.from(encodeFixed(d, 'Q3.4').codes)).toEqual(Array.from(encodeFixedReference(d, 'Q3.4').codes));
  });
});

const NEAREST: RoundingMode[] = ['nearest-even', 'nearest-away', 'nearest-up', 'nearest-down', 'nearest-zero', 'nearest-odd'];

describe('error bounds and monotonicity', () => {
  fcTest.prop([fc.array(fc.float({ min: -9, max: 9, noNaN: true }), { minLength: 1, maxLength: 64 }), fc.constantFrom('UQ3.5', 'Q3.4', 'UQ2.6', 'Q0.7'), fc.constantFrom(...NEAREST)])(
    'nearest modes: |decode(encode(x)) - x| <= step/2 inside the range',
    (values, spec, rounding) => {
      const f = parseFormat(spec);
      const x = Float32Array.from(values);
      const y = decodeFixed(encodeFixed(x, f, { rounding }).codes, f);
      for (let i = 0; i < x.length; i++) {
        if (x[i]! >= f.minValue && x[i]! <= f.maxValue) expect(Math.abs(y[i]! - x[i]!)).toBeLessThanOrEqual(f.step / 2);
      }
    },
  );

  fcTest.prop([fc.float({ noNaN: true }), fc.float({ noNaN: true }), fc.constantFrom(...ROUNDING_MODES.filter((r) => r !== 'stochastic')), fc.constantFrom('UQ3.5', 'Q3.4', 'Q0.15', 'relu6')])(
    'saturating encode is monotone in x',
    (a, b, rounding, spec) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      const c = encodeFixed(Float32Array.of(lo, hi), spec, { rounding }).codes;
      expect(c[0]!).toBeLessThanOrEqual(c[1]!);
    },
  );
});
