import { align16, ensureMemory, wasm, type Kernels } from './runtime.js';
import { heapAlloc, heapFree, scratchBase } from './heap.js';

/*
 * JavaScript side of the integer-layer kernels. Operands are laid out in wasm
 * memory as int16 rows padded to a multiple of 8 (zeros add nothing to a dot
 * product); matmulI16 / depthwiseI16 accumulate in int32; requantRows applies
 * the zero-point terms, bias, MultiplyByQuantizedMultiplier and the clamp in i64
 * arithmetic and writes the output bytes. Layout of one call:
 *   [weights i16][colTerm i32][mult i32][shift i32][rows i16][acc i32][rowTerm i32][out u8]
 */

/**
 * Requantize a block of accumulators in wasm: the four-wide SIMD kernel when every channel has the
 * same shift and double rounding is used (TFLite's default build), the scalar i64 kernel otherwise.
 */
function requantBlock(plan: LayerPlan, p: Omit<OutputParams, 'colTerms'>, accPtr: number, rows: number, O: number, accStride: number, rowPtr: number, outPtr: number, outStride: number): void {
  const { k } = plan;
  if (!p.single && plan.uniformShift !== null) {
    k.requantRowsUniformShift(accPtr, rows, O, accStride, rowPtr, plan.colPtr, plan.multPtr, plan.uniformShift, p.zeroPoint, p.actMin, p.actMax, outPtr, outStride);
  } else if (!p.single && plan.shiftTablePtr !== null) {
    k.requantRowsPerChannel(accPtr, rows, O, accStride, rowPtr, plan.colPtr, plan.multPtr, plan.shiftPtr, plan.shiftTablePtr, p.zeroPoint, p.actMin, p.actMax, outPtr, outStride);
  } else {
    k.requantRows(accPtr, rows, O, accStride, rowPtr, plan.colPtr, plan.multPtr, plan.shiftPtr, p.zeroPoint, p.actMin, p.actMax, p.single ? 1 : 0, outPtr, outStride);
  }
}

export interface LayerPlan {
  k: Kernels;
  /** The common shift of every channel, or null when they differ. */
  uniformShift: number | null;
  O: number;
  Dp: number;
  wPtr: number;
  colPtr: number;
  multPtr: number;
  shiftPtr: number;
  /** Per-channel shift tables for the SIMD requantizer (double rounding, shifts that differ), or null. */
  shiftTablePtr: number | null;
  /** First free byte after the tables for a per-call plan; null for a long-lived plan (scratch then starts at scratchBase()). */
  free: number | null;
  /** The heap block holding a long-lived plan's tables, or null. */
  block: number | null;
}

/** Where a call's operands start: after a per-call plan's tables, or at the scratch base. */
export function scratchStart(plan: LayerPlan): number {
  return plan.free ?? scratchBase();
}

export interface OutputParams {
  /** (x_offset·Σw + bias) per output channel, int32-wrapped. */
  colTerms: Int32Array;
  multipliers: Int32Array;
  shifts: Int32Array;
  zeroPoint: number;
  actMin: number;
  actMax: number;
  single: boolean;
}

/**
 * Copy weights [O][D] (int8; or none for depthwise) and the per-channel output terms into wasm
 * memory. `colTerms` may be a function of the weight row sums (computed in wasm from the
 * widened weights), so the caller never loops over the weights in JavaScript.
 *
 * A per-call plan lays its tables out in the scratch area (valid until the next call). A
 * long-lived plan (`longLived`) keeps them in a heap block until `freeLayerPlan`: the weights are
 * widened once and the plan is a snapshot, so later writes to the caller's weight array cannot
 * reach it (the rule ONNX Runtime and TFLite follow for prepacked constant weights).
 */
export function prepareLayerWasm(
  weights: Int8Array | null,
  O: number,
  D: number,
  p: Omit<OutputParams, 'colTerms'> & { colTerms: Int32Array | ((weightSums: Int32Array) => Int32Array) },
  longLived = false,
): LayerPlan | null {
  const k = wasm();
  if (!k) return null;
  const Dp = Math.ceil(D / 8) * 8;
  const wBytes = weights ? O * Dp * 2 : 0;
  const uniformShift = p.shifts.every((x) => x === p.shifts[0]) ? p.shifts[0]! : null;
  const perChannel = !p.single && uniformShift === null;
  const tableBytes = wBytes + (perChannel ? 7 : 3) * align16(4 * O);
  const block = longLived ? heapAlloc(k, tableBytes) : null;
  const wPtr = block ?? scratchBase();
  const colPtr = align16(wPtr + wBytes);
  const multPtr = align16(colPtr + 4 * O);
  const shiftPtr = align16(multPtr + 4 * O);
  const shiftTablePtr = perChannel ? align16(shiftPtr + 4 * O) : null;
  const end = shiftTablePtr === null ? align16(shiftPtr + 4 * O) : align16(shiftTablePtr + 16 * O);
  const stage = block === null ? end : scratchBase();
  const buf = ensureMemory(k, stage + (weights ? O * D + 16 : 0));
  new Int32Array(buf, multPtr, O).set(p.multipliers);
  new Int32Array(buf, shiftPtr, O).set(p.shifts);
  if (shiftTablePtr !== null) {
    // [2^left][2^(31 − right) or 0][2^right − 1][(2^right − 1) >> 1] per channel (requantRowsPerChannel).
    const stride = O; // the four tables back to back (the kernel reads them at O·4-byte steps)
    const t = new Int32Array(buf, shiftTablePtr, 4 * stride);
    for (let o = 0; o < O; o++) {
      const s = p.shifts[o]!;
      const left = s > 0 ? s : 0;
      const right = s > 0 ? 0 : -s;
      const mask = right === 31 ? 0x7fffffff : (1 << right) - 1;
      t[o] = 1 << left;
      t[stride + o] = right === 0 ? 0 : 2 ** (31 - right);
      t[2 * stride + o] = mask;
      t[3 * stride + o] = mask >> 1;
    }
  }
  if (weights) {
    if (D % 16 === 0) {
      // Contiguous rows: stage the bytes in scratch memory and widen them in wasm.
      new Int8Array(buf, stage, O * D).set(weights);
      k.widen8to16(stage, wPtr, O * D, 1);
    } else {
      const w16 = new Int16Array(buf, wPtr, O * Dp);
      w16.fill(0);
      for (let o = 0; o < O; o++) for (let d = 0; d < D; d++) w16[o * Dp + d] = weights[o * D + d]!;
    }
  }
  let colTerms: Int32Array;
  if (typeof p.colTerms === 'function') {
    if (!weights) throw new Error('colTerms from weight sums needs weights');
    k.rowSumsI16(wPtr, O, Dp, colPtr);
    colTerms = p.colTerms(Int32Array.from(new Int32Array(k.memory.buffer, colPtr, O)));
  } else colTerms = p.colTerms;
  new Int32Array(k.memory.buffer, colPtr, O).set(colTerms);
  return { k, O, Dp, wPtr, colPtr, multPtr, shiftPtr, shiftTablePtr, free: block === null ? end : null, block, uniformShift };
}

/** Release a long-lived plan's heap block (a per-call plan holds none). */
export function freeLayerPlan(plan: LayerPlan): void {
  if (plan.block !== null) heapFree(plan.block);
  plan.block = null;
}

/**
 * Output rows: out[(first + r)·O + o] for B rows that `fill` writes as int16 (row r at r·Dp of
 * the view, zero padding included), with per-row terms from `rowTerms`. Blocks of rows keep
 * the wasm memory bounded (about 4 MiB of operands per block).
 */
export function matmulRequant(
  plan: LayerPlan,
  B: number,
  fill: (rows: Int16Array, first: number, count: number) => void,
  rowTerms: (first: number, count: number, into: Int32Array) => void,
  p: Omit<OutputParams, 'colTerms'>,
  out: Int8Array | Uint8Array,
): void {
  const { k, O, Dp } = plan;
  const blockRows = Math.max(2, Math.min(B, Math.floor((4 << 20) / Math.max(1, Dp * 2 + O * 5 + 4))));
  const xPtr = scratchStart(plan);
  const accPtr = align16(xPtr + blockRows * Dp * 2);
  const rowPtr = align16(accPtr + blockRows * O * 4);
  const outPtr = align16(rowPtr + blockRows * 4);
  ensureMemory(k, outPtr + blockRows * O);
  for (let first = 0; first < B; first += blockRows) {
    const count = Math.min(blockRows, B - first);
    const mem = k.memory.buffer;
    fill(new Int16Array(mem, xPtr, count * Dp), first, count);
    rowTerms(first, count, new Int32Array(mem, rowPtr, count));
    k.matmulI16(xPtr, plan.wPtr, accPtr, count, O, Dp);
    requantBlock(plan, p, accPtr, count, O, O, rowPtr, outPtr, O);
    new Uint8Array(out.buffer, out.byteOffset + first * O, count * O).set(new Uint8Array(k.memory.buffer, outPtr, count * O));
  }
}

/**
 * Depthwise (multiplier 1) for one image: `image` holds the H·W·C input codes; wasm pads it with
 * `fill` (the input zero point) into int16 [PH][PW][Cp] at (padTop, padLeft); `weightsOff` writes
 * (w − w_zp) as int16 [taps][Cp]. The plan's column terms must hold bias + x_offset·Σ_taps (w − w_zp)
 * per channel (the kernel accumulates Σ w·x only); the output (P = OH·OW pixels × C channels) is written into
 * out[outOffset …].
 */
export function depthwiseRequant(
  plan: LayerPlan,
  image: Int8Array | Uint8Array,
  input: { H: number; W: number; C: number; padTop: number; padLeft: number; PH: number; PW: number; fill: number },
  weightsOff: (view: Int16Array) => void,
  taps: { fy: number; fx: number }[],
  geometry: { dilH: number; dilW: number; OH: number; OW: number; strideH: number; strideW: number },
  p: Omit<OutputParams, 'colTerms'>,
  out: Int8Array | Uint8Array,
  outOffset: number,
): void {
  const { k } = plan;
  const { H, W, C, PH, PW } = input;
  const Cp = Math.ceil(C / 8) * 8;
  const { OH, OW } = geometry;
  const P = OH * OW;
  const xPtr = scratchStart(plan);
  const wPtr = align16(xPtr + PH * PW * Cp * 2);
  const tPtr = align16(wPtr + taps.length * Cp * 2);
  const accPtr = align16(tPtr + taps.length * 4);
  const rowPtr = align16(accPtr + P * Cp * 4);
  const outPtr = align16(rowPtr + P * 4);
  const stage = align16(outPtr + P * C);
  const buf = ensureMemory(k, stage + H * W * C);
  new Uint8Array(buf, stage, H * W * C).set(new Uint8Array(image.buffer, image.byteOffset, H * W * C));
  k.padWiden8(stage, H, W, C, image instanceof Int8Array ? 1 : 0, input.padTop, input.padLeft, PH, PW, Cp, input.fill, xPtr);
  weightsOff(new Int16Array(buf, wPtr, taps.length * Cp));
  const offs = new Int32Array(buf, tPtr, taps.length);
  taps.forEach((t, i) => (offs[i] = (t.fy * geometry.dilH * PW + t.fx * geometry.dilW) * Cp));
  new Int32Array(buf, rowPtr, P).fill(0);
  k.depthwiseI16(xPtr, wPtr, accPtr, tPtr, taps.length, OH, OW, geometry.strideH * PW * Cp, geometry.strideW * Cp, Cp);
  requantBlock(plan, p, accPtr, P, C, Cp, rowPtr, outPtr, C);
  new Uint8Array(out.buffer, out.byteOffset + outOffset, P * C).set(new Uint8Array(k.memory.buffer, outPtr, P * C));
}

/** Fill helper: copy `count` rows of D codes (row-major) into padded int16 rows. */
export function fillRows(src: Int8Array | Uint8Array, D: number, Dp: number) {
  return (rows: Int16Array, first: number, count: number): void => {
    if (Dp !== D) rows.fill(0);
    for (let r = 0; r < count; r++) {
      const s = (first + r) * D;
      const t = r * Dp;
      for (let i = 0; i < D; i++) rows[t + i] = src[s + i]!;
    }
  };
}

/**
 * matmulRequant for row-major 8-bit rows whose length D is a multiple of 16: the bytes are copied
 * into wasm memory and widened there, and the row sums (for the zero-point term) come from wasm
 * too, so no JavaScript loop touches the data.
 */
export function matmulRequantBytes(
  plan: LayerPlan,
  B: number,
  src: Int8Array | Uint8Array,
  rowTerms: (sums: Int32Array, into: Int32Array) => void,
  p: Omit<OutputParams, 'colTerms'>,
  out: Int8Array | Uint8Array,
): void {
  const { k, O, Dp } = plan;
  const D = Dp;
  const signed = src instanceof Int8Array ? 1 : 0;
  const blockRows = Math.max(2, Math.min(B, Math.floor((4 << 20) / Math.max(1, Dp * 3 + O * 5 + 8))));
  const xPtr = scratchStart(plan);
  const stage = align16(xPtr + blockRows * Dp * 2);
  const accPtr = align16(stage + blockRows * D);
  const sumPtr = align16(accPtr + blockRows * O * 4);
  const rowPtr = align16(sumPtr + blockRows * 4);
  const outPtr = align16(rowPtr + blockRows * 4);
  ensureMemory(k, outPtr + blockRows * O);
  for (let first = 0; first < B; first += blockRows) {
    const count = Math.min(blockRows, B - first);
    new Uint8Array(k.memory.buffer, stage, count * D).set(new Uint8Array(src.buffer, src.byteOffset + first * D, count * D));
    k.widen8to16(stage, xPtr, count * D, signed);
    k.rowSumsI16(xPtr, count, Dp, sumPtr);
    const mem = k.memory.buffer;
    rowTerms(new Int32Array(mem, sumPtr, count), new Int32Array(mem, rowPtr, count));
    k.matmulI16(xPtr, plan.wPtr, accPtr, count, O, Dp);
    requantBlock(plan, p, accPtr, count, O, O, rowPtr, outPtr, O);
    new Uint8Array(out.buffer, out.byteOffset + first * O, count * O).set(new Uint8Array(k.memory.buffer, outPtr, count * O));
  }
}
