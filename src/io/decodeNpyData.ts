import { allocate, itemSize, type NpyData, type NpyDtype } from './npyDtype.js';
import { float16BitsToNumber } from './float16.js';

/**
 * Convert raw little- or big-endian element bytes to a typed array. The bytes
 * are copied (never aliased), so the result is aligned and owned.
 */
export function decodeNpyData(bytes: Uint8Array, dtype: NpyDtype, bigEndian: boolean, count: number): NpyData {
  const size = itemSize(dtype);
  const out = allocate(dtype, count);
  if (dtype === 'f2') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
    const f = out as Float32Array;
    for (let i = 0; i < count; i++) f[i] = float16BitsToNumber(view.getUint16(2 * i, !bigEndian));
    return out;
  }
  const target = new Uint8Array(out.buffer, out.byteOffset, count * size);
  target.set(bytes.subarray(0, count * size));
  if (bigEndian && size > 1) {
    for (let i = 0; i < target.length; i += size) target.subarray(i, i + size).reverse();
  }
  if (dtype === 'b1') {
    for (let i = 0; i < target.length; i++) target[i] = target[i] ? 1 : 0;
  }
  return out;
}

/** Reorder a Fortran-order (column-major) array into C order. */
export function fortranToC<T extends NpyData>(data: T, shape: readonly number[]): T {
  if (shape.length < 2) return data;
  const n = data.length;
  const out = new (data.constructor as new (n: number) => T)(n);
  const nd = shape.length;
  // C strides and Fortran strides in elements.
  const fStride = new Array<number>(nd);
  let s = 1;
  for (let d = 0; d < nd; d++) {
    fStride[d] = s;
    s *= shape[d]!;
  }
  const idx = new Array<number>(nd).fill(0);
  let fOff = 0;
  for (let c = 0; c < n; c++) {
    (out as unknown as number[])[c] = (data as unknown as number[])[fOff]!;
    // Increment the C-order multi-index (last axis fastest), tracking the Fortran offset.
    for (let d = nd - 1; d >= 0; d--) {
      idx[d]!++;
      fOff += fStride[d]!;
      if (idx[d]! < shape[d]!) break;
      fOff -= idx[d]! * fStride[d]!;
      idx[d] = 0;
    }
  }
  return out;
}
