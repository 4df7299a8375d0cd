// relu6q WebAssembly SIMD kernels (AssemblyScript, built with --enable simd -O3 --runtime stub).
// Memory is managed by the JavaScript side: it grows the exported memory and passes byte offsets.
// Every kernel mirrors a TypeScript reference in src/ that the tests hold it equal to, bit for bit.

// ---------------------------------------------------------------------------------------------
// Fixed-point encode: f32 → codes, for saturate (optionally with a grid-aligned bound) or wrap.
// Rounding modes: 0 nearest-even, 1 nearest-away, 2 nearest-up, 3 nearest-down, 4 nearest-zero,
// 5 nearest-odd, 6 floor, 7 ceil, 8 toward-zero, 9 away-from-zero.
// Ties: d = v − nearest(v) is exact in f32 (|d| ≤ ½, Sterbenz), so a tie is |d| = ½ and every
// nearest mode is nearest-even plus a fix-up on ties. Lanes with |v| ≥ 2^30 or NaN are "bad": the
// kernel counts them and the caller re-encodes the chunk in TypeScript.
// counts layout (i32 at countsPtr): [inexact, clipLow, clipHigh, boundedLow, boundedHigh, bad]

@inline function roundMode(v: v128, mode: i32): v128 {
  if (mode == 6) return f32x4.floor(v);
  if (mode == 7) return f32x4.ceil(v);
  if (mode == 8) return f32x4.trunc(v);
  if (mode == 9) return v128.bitselect(f32x4.ceil(v), f32x4.floor(v), f32x4.gt(v, f32x4.splat(0)));
  const ne = f32x4.nearest(v);
  if (mode == 0) return ne;
  const d = f32x4.sub(v, ne);
  const tie = f32x4.eq(f32x4.abs(d), f32x4.splat(0.5));
  const half = f32x4.splat(0.5);
  let alt: v128;
  if (mode == 1) alt = v128.bitselect(f32x4.add(v, half), f32x4.sub(v, half), f32x4.gt(v, f32x4.splat(0)));
  else if (mode == 2) alt = f32x4.add(v, half);
  else if (mode == 3) alt = f32x4.sub(v, half);
  else if (mode == 4) alt = v128.bitselect(f32x4.sub(v, half), f32x4.add(v, half), f32x4.gt(v, f32x4.splat(0)));
  else alt = f32x4.add(ne, f32x4.add(d, d)); // nearest-odd: the other neighbour, ne ± 1
  return v128.bitselect(alt, ne, tie);
}


// One specialised loop per (mode, wrap, bound): the arguments are constants at each call site, so
// after inlining Binaryen folds every per-vector branch away.
export function encodeF32(
  inPtr: usize, outPtr: usize, n: i32, outBytes: i32, signed: i32,
  scale: f32, mode: i32, wrap: i32, bits: i32,
  hasBound: i32, loS: f32, hiS: f32, minCode: i32, maxCode: i32, countsPtr: usize,
): void {
  if (outBytes == 1) {
    if (signed) encodeBySigned(inPtr, outPtr, n, 1, 1, scale, mode, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr);
    else encodeBySigned(inPtr, outPtr, n, 1, 0, scale, mode, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr);
  } else {
    if (signed) encodeBySigned(inPtr, outPtr, n, 2, 1, scale, mode, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr);
    else encodeBySigned(inPtr, outPtr, n, 2, 0, scale, mode, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr);
  }
}

@inline function encodeBySigned(
  inPtr: usize, outPtr: usize, n: i32, outBytes: i32, signed: i32,
  scale: f32, mode: i32, wrap: i32, bits: i32,
  hasBound: i32, loS: f32, hiS: f32, minCode: i32, maxCode: i32, countsPtr: usize,
): void {
  if (wrap) encodeByMode(inPtr, outPtr, n, outBytes, signed, scale, mode, 1, bits, 0, loS, hiS, minCode, maxCode, countsPtr);
  else if (hasBound) encodeByMode(inPtr, outPtr, n, outBytes, signed, scale, mode, 0, bits, 1, loS, hiS, minCode, maxCode, countsPtr);
  else encodeByMode(inPtr, outPtr, n, outBytes, signed, scale, mode, 0, bits, 0, loS, hiS, minCode, maxCode, countsPtr);
}

@inline function encodeByMode(
  inPtr: usize, outPtr: usize, n: i32, outBytes: i32, signed: i32,
  scale: f32, mode: i32, wrap: i32, bits: i32,
  hasBound: i32, loS: f32, hiS: f32, minCode: i32, maxCode: i32, countsPtr: usize,
): void {
  switch (mode) {
    case 0: encodeLoop(inPtr, outPtr, n, outBytes, signed, scale, 0, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr); break;
    case 1: encodeLoop(inPtr, outPtr, n, outBytes, signed, scale, 1, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr); break;
    case 2: encodeLoop(inPtr, outPtr, n, outBytes, signed, scale, 2, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr); break;
    case 3: encodeLoop(inPtr, outPtr, n, outBytes, signed, scale, 3, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr); break;
    case 4: encodeLoop(inPtr, outPtr, n, outBytes, signed, scale, 4, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr); break;
    case 5: encodeLoop(inPtr, outPtr, n, outBytes, signed, scale, 5, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr); break;
    case 6: encodeLoop(inPtr, outPtr, n, outBytes, signed, scale, 6, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr); break;
    case 7: encodeLoop(inPtr, outPtr, n, outBytes, signed, scale, 7, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr); break;
    case 8: encodeLoop(inPtr, outPtr, n, outBytes, signed, scale, 8, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr); break;
    default: encodeLoop(inPtr, outPtr, n, outBytes, signed, scale, 9, wrap, bits, hasBound, loS, hiS, minCode, maxCode, countsPtr); break;
  }
}

@inline function encodeLoop(
  inPtr: usize, outPtr: usize, n: i32, outBytes: i32, signed: i32,
  scale: f32, mode: i32, wrap: i32, bits: i32,
  hasBound: i32, loS: f32, hiS: f32, minCode: i32, maxCode: i32, countsPtr: usize,
): void {
  const vs = f32x4.splat(scale);
  const vlo = f32x4.splat(loS);
  const vhi = f32x4.splat(hiS);
  const clampLo = i32x4.splat(hasBound ? max<i32>(<i32>loS, minCode) : minCode);
  const clampHi = i32x4.splat(hasBound ? min<i32>(<i32>hiS, maxCode) : maxCode);
  const kmin = i32x4.splat(minCode);
  const kmax = i32x4.splat(maxCode);
  const mask = i32x4.splat(bits == 32 ? -1 : (1 << bits) - 1);
  let cInexact = i32x4.splat(0);
  let cClipLow = i32x4.splat(0);
  let cClipHigh = i32x4.splat(0);
  let cBLow = i32x4.splat(0);
  let cBHigh = i32x4.splat(0);
  let cBad = i32x4.splat(0);
  const allOnes = i32x4.splat(-1);
  // 8 values per iteration (more would spill v128 registers in V8's x64 code); "bad" lanes (|v| >= 2^30, NaN, ±Inf) are found on the float bits:
  // (bits & 0x7fffffff) >= bits(2^30) as integers, which also catches NaN and infinities.
  const absMask = i32x4.splat(0x7fffffff);
  const limitBits = i32x4.splat(0x4e800000);
  for (let i = 0; i < n; i += 8) {
    const p = inPtr + ((<usize>i) << 2);
    const v0 = f32x4.mul(v128.load(p, 0), vs);
    cBad = v128.or(cBad, i32x4.ge_s(v128.and(v0, absMask), limitBits));
    const r0 = roundMode(v0, mode);
    const x0 = f32x4.ne(r0, v0);
    let k0 = i32x4.trunc_sat_f32x4_s(r0);
    if (wrap) {
      cClipLow = i32x4.sub(cClipLow, i32x4.lt_s(k0, kmin));
      cClipHigh = i32x4.sub(cClipHigh, i32x4.gt_s(k0, kmax));
      cInexact = i32x4.sub(cInexact, x0);
      k0 = v128.and(k0, mask);
      if (signed) k0 = i32x4.shr_s(i32x4.shl(k0, 32 - bits), 32 - bits);
    } else {
      if (hasBound) {
        const below = f32x4.lt(v0, vlo);
        const above = f32x4.gt(v0, vhi);
        cBLow = i32x4.sub(cBLow, below);
        cBHigh = i32x4.sub(cBHigh, above);
        cClipLow = i32x4.sub(cClipLow, v128.andnot(i32x4.lt_s(k0, kmin), below));
        cClipHigh = i32x4.sub(cClipHigh, v128.andnot(i32x4.gt_s(k0, kmax), above));
        cInexact = i32x4.sub(cInexact, v128.andnot(x0, v128.or(below, above)));
      } else {
        cClipLow = i32x4.sub(cClipLow, i32x4.lt_s(k0, kmin));
        cClipHigh = i32x4.sub(cClipHigh, i32x4.gt_s(k0, kmax));
        cInexact = i32x4.sub(cInexact, x0);
      }
      k0 = i32x4.min_s(i32x4.max_s(k0, clampLo), clampHi);
    }
    const v1 = f32x4.mul(v128.load(p, 16), vs);
    cBad = v128.or(cBad, i32x4.ge_s(v128.and(v1, absMask), limitBits));
    const r1 = roundMode(v1, mode);
    const x1 = f32x4.ne(r1, v1);
    let k1 = i32x4.trunc_sat_f32x4_s(r1);
    if (wrap) {
      cClipLow = i32x4.sub(cClipLow, i32x4.lt_s(k1, kmin));
      cClipHigh = i32x4.sub(cClipHigh, i32x4.gt_s(k1, kmax));
      cInexact = i32x4.sub(cInexact, x1);
      k1 = v128.and(k1, mask);
      if (signed) k1 = i32x4.shr_s(i32x4.shl(k1, 32 - bits), 32 - bits);
    } else {
      if (hasBound) {
        const below = f32x4.lt(v1, vlo);
        const above = f32x4.gt(v1, vhi);
        cBLow = i32x4.sub(cBLow, below);
        cBHigh = i32x4.sub(cBHigh, above);
        cClipLow = i32x4.sub(cClipLow, v128.andnot(i32x4.lt_s(k1, kmin), below));
        cClipHigh = i32x4.sub(cClipHigh, v128.andnot(i32x4.gt_s(k1, kmax), above));
        cInexact = i32x4.sub(cInexact, v128.andnot(x1, v128.or(below, above)));
      } else {
        cClipLow = i32x4.sub(cClipLow, i32x4.lt_s(k1, kmin));
        cClipHigh = i32x4.sub(cClipHigh, i32x4.gt_s(k1, kmax));
        cInexact = i32x4.sub(cInexact, x1);
      }
      k1 = i32x4.min_s(i32x4.max_s(k1, clampLo), clampHi);
    }
    // Codes are inside their type's range here, so the saturating narrows are exact.
    if (outBytes == 1) {
      const a = i16x8.narrow_i32x4_s(k0, k1);
      v128.store64_lane(outPtr + <usize>i, signed ? i8x16.narrow_i16x8_s(a, a) : i8x16.narrow_i16x8_u(a, a), 0);
    } else {
      v128.store(outPtr + ((<usize>i) << 1), signed ? i16x8.narrow_i32x4_s(k0, k1) : i16x8.narrow_i32x4_u(k0, k1));
    }
  }
  store<i32>(countsPtr, hsum(cInexact));
  store<i32>(countsPtr + 4, hsum(cClipLow));
  store<i32>(countsPtr + 8, hsum(cClipHigh));
  store<i32>(countsPtr + 12, hsum(cBLow));
  store<i32>(countsPtr + 16, hsum(cBHigh));
  store<i32>(countsPtr + 20, v128.any_true(cBad) ? 1 : 0);
}

@inline function hsum(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

// ---------------------------------------------------------------------------------------------
// Decode 8-bit codes: value = code · step, exact in f32. n a multiple of 16.
export function decode8(inPtr: usize, outPtr: usize, n: i32, signed: i32, step: f32): void {
  const vs = f32x4.splat(step);
  for (let i = 0; i < n; i += 16) {
    const c = v128.load(inPtr + <usize>i);
    const lo = signed ? i16x8.extend_low_i8x16_s(c) : i16x8.extend_low_i8x16_u(c);
    const hi = signed ? i16x8.extend_high_i8x16_s(c) : i16x8.extend_high_i8x16_u(c);
    const o = outPtr + ((<usize>i) << 2);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(lo)), vs));
    v128.store(o + 16, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(lo)), vs));
    v128.store(o + 32, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(hi)), vs));
    v128.store(o + 48, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(hi)), vs));
  }
}

// ---------------------------------------------------------------------------------------------
// Clamp 8-bit codes to [lo, hi] in place. n a multiple of 16.
export function clamp8(ptr: usize, n: i32, signed: i32, lo: i32, hi: i32): void {
  const vlo = i8x16.splat(<i8>lo);
  const vhi = i8x16.splat(<i8>hi);
  for (let i = 0; i < n; i += 16) {
    const c = v128.load(ptr + <usize>i);
    v128.store(ptr + <usize>i, signed ? i8x16.min_s(i8x16.max_s(c, vlo), vhi) : i8x16.min_u(i8x16.max_u(c, vlo), vhi));
  }
}

// ---------------------------------------------------------------------------------------------
// Widen n int8 (or uint8) bytes to int16. n a multiple of 16.
export function widen8to16(inPtr: usize, outPtr: usize, n: i32, signed: i32): void {
  for (let i = 0; i < n; i += 16) {
    const c = v128.load(inPtr + <usize>i);
    const o = outPtr + ((<usize>i) << 1);
    v128.store(o, signed ? i16x8.extend_low_i8x16_s(c) : i16x8.extend_low_i8x16_u(c));
    v128.store(o + 16, signed ? i16x8.extend_high_i8x16_s(c) : i16x8.extend_high_i8x16_u(c));
  }
}

// ---------------------------------------------------------------------------------------------
// Integer matrix product: acc[b·O + o] = Σ_d x[b·Dp + d] · w[o·Dp + d], int16 operands, int32
// accumulation with wrap (i32x4.dot_i16x8_s: exact pairwise products, wrapping adds). Dp a
// multiple of 8 (rows zero-padded). Four weight rows share each input load; two batch rows at a time.
export function matmulI16(xPtr: usize, wPtr: usize, accPtr: usize, B: i32, O: i32, Dp: i32): void {
  const rowBytes = <usize>Dp << 1;
  let b = 0;
  for (; b + 1 < B; b += 2) {
    const x0 = xPtr + <usize>b * rowBytes;
    const x1 = x0 + rowBytes;
    let o = 0;
    for (; o + 3 < O; o += 4) {
      const w0 = wPtr + <usize>o * rowBytes;
      const w1 = w0 + rowBytes;
      const w2 = w1 + rowBytes;
      const w3 = w2 + rowBytes;
      let a00 = i32x4.splat(0), a01 = a00, a02 = a00, a03 = a00;
      let a10 = a00, a11 = a00, a12 = a00, a13 = a00;
      for (let d: usize = 0; d < rowBytes; d += 16) {
        const xa = v128.load(x0 + d);
        const xb = v128.load(x1 + d);
        const wa = v128.load(w0 + d);
        const wb = v128.load(w1 + d);
        const wc = v128.load(w2 + d);
        const wd = v128.load(w3 + d);
        a00 = i32x4.add(a00, i32x4.dot_i16x8_s(xa, wa));
        a01 = i32x4.add(a01, i32x4.dot_i16x8_s(xa, wb));
        a02 = i32x4.add(a02, i32x4.dot_i16x8_s(xa, wc));
        a03 = i32x4.add(a03, i32x4.dot_i16x8_s(xa, wd));
        a10 = i32x4.add(a10, i32x4.dot_i16x8_s(xb, wa));
        a11 = i32x4.add(a11, i32x4.dot_i16x8_s(xb, wb));
        a12 = i32x4.add(a12, i32x4.dot_i16x8_s(xb, wc));
        a13 = i32x4.add(a13, i32x4.dot_i16x8_s(xb, wd));
      }
      const r0 = accPtr + ((<usize>(b * O + o)) << 2);
      const r1 = accPtr + ((<usize>((b + 1) * O + o)) << 2);
      store<i32>(r0, hsum(a00)); store<i32>(r0 + 4, hsum(a01)); store<i32>(r0 + 8, hsum(a02)); store<i32>(r0 + 12, hsum(a03));
      store<i32>(r1, hsum(a10)); store<i32>(r1 + 4, hsum(a11)); store<i32>(r1 + 8, hsum(a12)); store<i32>(r1 + 12, hsum(a13));
    }
    for (; o < O; o++) {
      const w0 = wPtr + <usize>o * rowBytes;
      let a0 = i32x4.splat(0), a1 = a0;
      for (let d: usize = 0; d < rowBytes; d += 16) {
        const w = v128.load(w0 + d);
        a0 = i32x4.add(a0, i32x4.dot_i16x8_s(v128.load(x0 + d), w));
        a1 = i32x4.add(a1, i32x4.dot_i16x8_s(v128.load(x1 + d), w));
      }
      store<i32>(accPtr + ((<usize>(b * O + o)) << 2), hsum(a0));
      store<i32>(accPtr + ((<usize>((b + 1) * O + o)) << 2), hsum(a1));
    }
  }
  for (; b < B; b++) {
    const x0 = xPtr + <usize>b * rowBytes;
    for (let o = 0; o < O; o++) {
      const w0 = wPtr + <usize>o * rowBytes;
      let a = i32x4.splat(0);
      for (let d: usize = 0; d < rowBytes; d += 16) a = i32x4.add(a, i32x4.dot_i16x8_s(v128.load(x0 + d), v128.load(w0 + d)));
      store<i32>(accPtr + ((<usize>(b * O + o)) << 2), hsum(a));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Depthwise (depth multiplier 1) accumulation over a zero-point-padded int16 input:
// acc[p·C + c] = Σ_taps (w[tap·C + c]) · (x[pixel(p, tap)·C + c] + xo), int32 wrapping.
// The caller passes the per-tap input offsets (in elements) for output pixel 0 of each row and the
// strides; C a multiple of 8 (channels zero-padded).
export function depthwiseI16(
  xPtr: usize, wPtr: usize, accPtr: usize, tapOffPtr: usize, taps: i32,
  OH: i32, OW: i32, rowStride: i32, colStride: i32, C: i32, xo: i32,
): void {
  const vxo = i16x8.splat(<i16>xo);
  const cBytes = <usize>C << 1;
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      const base = <usize>(oy * rowStride + ox * colStride);
      const accRow = accPtr + (<usize>(oy * OW + ox)) * (<usize>C << 2);
      for (let c: usize = 0; c < cBytes; c += 16) {
        let lo = i32x4.splat(0);
        let hi = lo;
        for (let t = 0; t < taps; t++) {
          const off = <usize>load<i32>(tapOffPtr + (<usize>t << 2));
          const x = i16x8.add(v128.load(xPtr + ((base + off) << 1) + c), vxo);
          const w = v128.load(wPtr + (<usize>t) * cBytes + c);
          lo = i32x4.add(lo, i32x4.extmul_low_i16x8_s(x, w));
          hi = i32x4.add(hi, i32x4.extmul_high_i16x8_s(x, w));
        }
        v128.store(accRow + (c << 1), lo);
        v128.store(accRow + (c << 1) + 16, hi);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Requantization of int32 accumulators (TFLite MultiplyByQuantizedMultiplier, exact in i64):
// out[r·O + o] = clamp(zp + MBQM(acc[r·accStride + o] + rowTerm[r] + colTerm[o], M[o], shift[o]), lo, hi)
// with int32 wrapping adds, as the C++ reference accumulates. single = TFLITE_SINGLE_ROUNDING.

@inline function srdhm(a: i32, b: i32): i32 {
  if (a == i32.MIN_VALUE && b == i32.MIN_VALUE) return i32.MAX_VALUE;
  const ab = <i64>a * <i64>b;
  const v = ab + (ab >= 0 ? <i64>(1 << 30) : <i64>(1 - (1 << 30)));
  // C++ division truncates toward zero.
  return <i32>(v >= 0 ? v >> 31 : -((-v) >> 31));
}

@inline function rdpot(x: i32, e: i32): i32 {
  const mask = (1 << e) - 1;
  const rem = x & mask;
  const thr = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + (rem > thr ? 1 : 0);
}

@inline function mbqm(x: i32, m: i32, s: i32, single: i32): i32 {
  if (single) {
    const t = 31 - s;
    return <i32>((<i64>x * <i64>m + (<i64>1 << <i64>(t - 1))) >> <i64>t);
  }
  const left = s > 0 ? s : 0;
  const right = s > 0 ? 0 : -s;
  const y = srdhm(x << left, m);
  return right == 0 ? y : rdpot(y, right);
}

export function requantRows(
  accPtr: usize, rows: i32, O: i32, accStride: i32, rowTermPtr: usize, colTermPtr: usize,
  multPtr: usize, shiftPtr: usize, zp: i32, lo: i32, hi: i32, single: i32, outPtr: usize, outStride: i32,
): void {
  for (let r = 0; r < rows; r++) {
    const rowTerm = load<i32>(rowTermPtr + (<usize>r << 2));
    const accRow = accPtr + (<usize>(r * accStride) << 2);
    const outRow = outPtr + <usize>(r * outStride);
    for (let o = 0; o < O; o++) {
      const oo = <usize>o << 2;
      const a = load<i32>(accRow + oo) + rowTerm + load<i32>(colTermPtr + oo);
      let y = zp + mbqm(a, load<i32>(multPtr + oo), load<i32>(shiftPtr + oo), single);
      y = y < lo ? lo : y > hi ? hi : y;
      store<u8>(outRow + <usize>o, <u8>y);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Row sums of an int16 matrix [rows][Dp] (Dp a multiple of 8): out[r] = Σ_d m[r][d], int32.
export function rowSumsI16(mPtr: usize, rows: i32, Dp: i32, outPtr: usize): void {
  const rowBytes = <usize>Dp << 1;
  for (let r = 0; r < rows; r++) {
    const row = mPtr + <usize>r * rowBytes;
    let acc = i32x4.splat(0);
    for (let d: usize = 0; d < rowBytes; d += 16) acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(v128.load(row + d)));
    store<i32>(outPtr + (<usize>r << 2), hsum(acc));
  }
}

// ---------------------------------------------------------------------------------------------
// Element-wise requantization of codes: out[i] = clamp(zout + MBQM(in[i] − zin, M, shift), lo, hi).
// inBytes/outBytes 1 or 2; signedness per side.
export function requantCodes(
  inPtr: usize, n: i32, inBytes: i32, inSigned: i32, zin: i32, m: i32, s: i32, single: i32,
  zout: i32, lo: i32, hi: i32, outPtr: usize, outBytes: i32,
): void {
  for (let i = 0; i < n; i++) {
    let x: i32;
    if (inBytes == 1) x = inSigned ? <i32>load<i8>(inPtr + <usize>i) : <i32>load<u8>(inPtr + <usize>i);
    else x = inSigned ? <i32>load<i16>(inPtr + (<usize>i << 1)) : <i32>load<u16>(inPtr + (<usize>i << 1));
    let y = zout + mbqm(x - zin, m, s, single);
    y = y < lo ? lo : y > hi ? hi : y;
    if (outBytes == 1) store<u8>(outPtr + <usize>i, <u8>y);
    else store<u16>(outPtr + (<usize>i << 1), <u16>y);
  }
}

// Table lookup for 8-bit codes: out[i] = table[in[i] ^ flip] (flip 0x80 maps int8 codes to table rows).
export function lut8(inPtr: usize, n: i32, tablePtr: usize, flip: i32, outPtr: usize): void {
  for (let i = 0; i < n; i++) store<u8>(outPtr + <usize>i, load<u8>(tablePtr + <usize>(load<u8>(inPtr + <usize>i) ^ flip)));
}
