import { describe, expect, it } from 'vitest';
import { INT32_MAX, INT32_MIN, multiplyByQuantizedMultiplier, quantizeMultiplier, roundingDivideByPOT, saturatingRoundingDoublingHighMul } from '../src/index.js';

// BigInt oracles written from the C++ definitions in int8-kernels.md §1-3.
const toI32 = (v: bigint): number => Number(BigInt.asIntN(32, v));
function srdhmRef(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return toI32((ab + nudge) / (1n << 31n)); // BigInt division truncates, like C++
}
function rdpotRef(x: number, e: number): number {
  const mask = (1n << BigInt(e)) - 1n;
  const X = BigInt(x);
  const rem = X & mask;
  const thr = (mask >> 1n) + (X < 0n ? 1n : 0n);
  return toI32((X >> BigInt(e)) + (rem > thr ? 1n : 0n));
}
function mbqmDoubleRef(x: number, q: number, shift: number): number {
  const left = Math.max(shift, 0);
  const right = Math.max(-shift, 0);
  return rdpotRef(srdhmRef(toI32(BigInt(x) << BigInt(left)), q), right);
}
function mbqmSingleRef(x: number, q: number, shift: number): number {
  const t = BigInt(31 - shift);
  return toI32((BigInt(x) * BigInt(q) + (1n << (t - 1n))) >> t); // BigInt >> floors, like an arithmetic shift
}

let seed = 987654321;
const rnd32 = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed | 0;
};
const EDGES = [INT32_MIN, INT32_MIN + 1, -(2 ** 30), -3, -2, -1, 0, 1, 2, 3, 2 ** 30, 2 ** 30 + 1, INT32_MAX - 1, INT32_MAX, 12345, -98765];

describe('saturatingRoundingDoublingHighMul', () => {
  it('derived values of the reference sheet', () => {
    expect(saturatingRoundingDoublingHighMul(-1, 2 ** 30)).toBe(0); // -0.5 → 0 (ties up)
    expect(saturatingRoundingDoublingHighMul(-3, 2 ** 30)).toBe(-1); // -1.5 → -1
    expect(saturatingRoundingDoublingHighMul(3, 2 ** 30)).toBe(2);
    expect(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN)).toBe(INT32_MAX);
    expect(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MAX)).toBe(-2147483647);
    expect(saturatingRoundingDoublingHighMul(INT32_MAX, INT32_MAX)).toBe(2147483646);
  });
  it('equals the BigInt reference on every pair of edges and 10^5 random pairs', () => {
    for (const a of EDGES) for (const b of EDGES) expect(saturatingRoundingDoublingHighMul(a, b), `${a}*${b}`).toBe(srdhmRef(a, b));
    for (let i = 0; i < 100000; i++) {
      const a = rnd32();
      const b = i % 3 === 0 ? rnd32() >> (i % 31) : rnd32();
      const got = saturatingRoundingDoublingHighMul(a, b);
      if (got !== srdhmRef(a, b)) expect(got, `${a}*${b}`).toBe(srdhmRef(a, b));
    }
  });
  it('ties: exact halves of 2^31 round toward +inf', () => {
    for (const a of [1, -1, 3, -3, 5, -5, 2 ** 20 + 1, -(2 ** 20) - 1]) {
      expect(saturatingRoundingDoublingHighMul(a, 2 ** 30)).toBe(srdhmRef(a, 2 ** 30));
      expect(saturatingRoundingDoublingHighMul(a, 2 ** 30)).toBe(Math.floor(a / 2 + 0.5));
    }
  });
});

describe('roundingDivideByPOT', () => {
  it('derived values', () => {
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
    expect(roundingDivideByPOT(5, 1)).toBe(3);
    expect(roundingDivideByPOT(-1, 1)).toBe(-1);
    expect(roundingDivideByPOT(-2, 2)).toBe(-1);
    expect(roundingDivideByPOT(77, 0)).toBe(77);
    expect(roundingDivideByPOT(INT32_MIN, 31)).toBe(-1);
    expect(roundingDivideByPOT(INT32_MAX, 31)).toBe(1);
    expect(roundingDivideByPOT(-(2 ** 30), 31)).toBe(-1);
  });
  it('every exponent 0..31 on edges and random values; equals round-half-away of x/2^e', () => {
    for (let e = 0; e <= 31; e++) {
      for (const x of EDGES) expect(roundingDivideByPOT(x, e), `${x}>>${e}`).toBe(rdpotRef(x, e));
      for (let i = 0; i < 3000; i++) {
        const x = rnd32();
        const got = roundingDivideByPOT(x, e);
        if (got !== rdpotRef(x, e)) expect(got, `${x}>>${e}`).toBe(rdpotRef(x, e));
        const v = x / 2 ** e;
        expect(got).toBe(Math.sign(v) * Math.floor(Math.abs(v) + 0.5) + 0);
      }
    }
  });
  it('rejects exponents outside 0..31', () => {
    expect(() => roundingDivideByPOT(1, 32)).toThrow(/outside 0..31/);
    expect(() => roundingDivideByPOT(1, -1)).toThrow(/outside 0..31/);
  });
});

describe('multiplyByQuantizedMultiplier', () => {
  it('double and single rounding differ where the reference says', () => {
    expect(multiplyByQuantizedMultiplier(3, 2 ** 30, -2)).toBe(1);
    expect(multiplyByQuantizedMultiplier(3, 2 ** 30, -2, { rounding: 'single' })).toBe(0);
    expect(multiplyByQuantizedMultiplier(5, 2 ** 30, -1)).toBe(2);
    expect(multiplyByQuantizedMultiplier(5, 2 ** 30, -1, { rounding: 'single' })).toBe(1);
    expect(multiplyByQuantizedMultiplier(2 ** 30, 2 ** 30, 2)).toBe(0); // x·2^2 wraps in int32
  });
  it('equals the BigInt references for every shift from -31 to 30', () => {
    const qs = [2 ** 30, 2 ** 30 + 1, INT32_MAX, 1518500250, 1288490189, 0, -(2 ** 30), INT32_MIN + 1];
    for (let shift = -31; shift <= 30; shift++) {
      for (const x of EDGES)
        for (const q of qs) {
          expect(multiplyByQuantizedMultiplier(x, q, shift), `double ${x} ${q} ${shift}`).toBe(mbqmDoubleRef(x, q, shift));
          if (q >= 0) expect(multiplyByQuantizedMultiplier(x, q, shift, { rounding: 'single' }), `single ${x} ${q} ${shift}`).toBe(mbqmSingleRef(x, q, shift));
        }
    }
  });
  it('equals the BigInt references on 10^5 random inputs', () => {
    for (let i = 0; i < 100000; i++) {
      const x = i % 2 ? rnd32() : rnd32() >> 12;
      const q = (rnd32() >>> 1) | 0x40000000;
      const shift = (i % 62) - 31;
      const d = multiplyByQuantizedMultiplier(x, q, shift);
      const s = multiplyByQuantizedMultiplier(x, q, shift, { rounding: 'single' });
      if (d !== mbqmDoubleRef(x, q, shift)) expect(d, `double ${x} ${q} ${shift}`).toBe(mbqmDoubleRef(x, q, shift));
      if (s !== mbqmSingleRef(x, q, shift)) expect(s, `single ${x} ${q} ${shift}`).toBe(mbqmSingleRef(x, q, shift));
    }
  });
  it('TFLite quantization_util_test MultiplyByQuantizedMultiplierInt32 vectors', () => {
    const qm = (x: number, m: number) => {
      const { multiplier, shift } = quantizeMultiplier(m);
      return multiplyByQuantizedMultiplier(x, multiplier, shift);
    };
    expect(qm(0, 0.1)).toBe(0);
    expect(qm(1, 0)).toBe(0);
    expect(qm(10000, 0.00097656)).toBe(10);
    expect(qm(-10000, 0.00097656)).toBe(-10);
    expect(qm(INT32_MIN, 0.00001)).toBe(-21475);
    expect(qm(INT32_MAX, 0.00001)).toBe(21475);
    expect(qm(10000, -0.00097656)).toBe(-10);
    expect(qm(-10000, -0.00097656)).toBe(10);
    expect(qm(INT32_MIN, -0.00001)).toBe(21475);
    expect(qm(INT32_MAX, -0.00001)).toBe(-21475);
    const expected = Math.round(Number((BigInt(INT32_MAX) * BigInt(INT32_MAX))) / 2 ** 34);
    expect(multiplyByQuantizedMultiplier(INT32_MAX, INT32_MAX, -3)).toBe(expected);
    expect(multiplyByQuantizedMultiplier(-INT32_MAX, INT32_MAX, -3)).toBe(-expected);
  });
  it('checks its arguments', () => {
    expect(() => multiplyByQuantizedMultiplier(1, 2 ** 30, 31)).toThrow(/shift 31 outside -31..30/);
    expect(() => multiplyByQuantizedMultiplier(1, -5, 0, { rounding: 'single' })).toThrow(/non-negative/);
  });
});

describe('quantizeMultiplier (TFLite quantization_util_test vectors)', () => {
  const qm = (d: number) => {
    const r = quantizeMultiplier(d);
    return [r.multiplier, r.shift];
  };
  it('smaller than one, including the mantissa carry below 0.5', () => {
    expect(qm(0.25)).toEqual([1073741824, -1]);
    expect(qm(0.5 - 5e-9)).toEqual([2147483627, -1]);
    expect(qm(0.5 - 1e-10)).toEqual([1073741824, 0]);
    expect(qm(0.5)).toEqual([1073741824, 0]);
    expect(qm(0.75)).toEqual([1610612736, 0]);
    expect(qm(1 - 1e-9)).toEqual([2147483646, 0]);
    expect(qm(0.3)).toEqual([1288490189, -1]);
    expect(qm(1 - 2 ** -33)).toEqual([2 ** 30, 1]);
  });
  it('greater than one', () => {
    expect(qm(1 + 1e-11)).toEqual([1073741824, 1]);
    expect(qm(1.25)).toEqual([1342177280, 1]);
    expect(qm(1.5)).toEqual([1610612736, 1]);
    expect(qm(1.75)).toEqual([1879048192, 1]);
    expect(qm(2 - 1e-9)).toEqual([2147483647, 1]);
    expect(qm(2 - 1e-11)).toEqual([1073741824, 2]);
    expect(qm(2)).toEqual([1073741824, 2]);
  });
  it('underflow', () => {
    expect(qm(2 ** -31)).toEqual([1073741824, -30]);
    expect(qm(2 ** -32)).toEqual([1073741824, -31]);
    expect(qm(Math.fround(0.99) * 2 ** -32)).toEqual([0, 0]);
    expect(qm(2 ** -33)).toEqual([0, 0]);
  });
  it('arrays of signed powers of two (QuantizeMultiplierArray)', () => {
    const w = [-4, -2, -1, -0.5, -0.25, -0.125, 0, 0.125, 0.25, 0.5, 1, 2, 4];
    expect(w.map((d) => qm(d)[0])).toEqual([-1073741824, -1073741824, -1073741824, -1073741824, -1073741824, -1073741824, 0, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824, 1073741824]);
    expect(w.map((d) => qm(d)[1])).toEqual([3, 2, 1, 0, -1, -2, 0, -2, -1, 0, 1, 2, 3]);
  });
  it('single rounding caps shift at 30', () => {
    expect(quantizeMultiplier(2 ** 40, { singleRounding: true })).toEqual({ multiplier: INT32_MAX, shift: 30 });
  });
});
