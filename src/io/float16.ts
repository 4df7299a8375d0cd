/**
 * IEEE 754 binary16 ↔ number. Node 20 has no Float16Array, so .npy 'f2'
 * data are converted here. float16 → float32 is exact; float32/64 → float16
 * rounds to nearest, ties to even (as numpy's astype(np.float16)).
 */
export function float16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

export function numberToFloat16Bits(x: number): number {
  if (x !== x) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  let a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  // Values at or above 65520 round to infinity (max finite 65504, half ulp 16).
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) {
    // Subnormal: units of 2^-24, rounded to even.
    const v = a * 2 ** 24;
    const r = roundHalfEven(v);
    return sign | r; // r may be 1024, which is exactly the smallest normal's bits
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const m = roundHalfEven((a / 2 ** e) * 1024); // in [1024, 2048]
  a = m;
  if (m === 2048) {
    e++;
    a = 1024;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | (a - 1024);
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}
