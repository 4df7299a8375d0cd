import { DataError } from '../errors.js';
import { writeFileAtomic } from './atomicFile.js';
import { numberToFloat16Bits } from './float16.js';
import { dtypeOf, type NpyData, type NpyDtype } from './npyDtype.js';
import { buildNpyHeader } from './npyHeader.js';

/** numpy descr written for each dtype: little-endian ('|' for single bytes). */
function descrFor(dtype: NpyDtype): string {
  if (dtype === 'b1' || dtype === 'i1' || dtype === 'u1') return `|${dtype}`;
  return `<${dtype}`;
}

function checkShape(shape: readonly number[], length: number): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0) || size !== length) {
    throw new DataError(`shape (${shape.join(', ')}) does not match ${length} elements`);
  }
}

/**
 * Serialize to .npy bytes (version 1.0, or 2.0 for very long headers),
 * little-endian, C order. `dtype` overrides the array's own type only for
 * 'f2' (from a Float32Array/Float64Array, rounded to nearest even) and 'b1' (from a Uint8Array).
 */
export function serializeNpy(data: NpyData, shape: readonly number[] = [data.length], dtype?: NpyDtype): Uint8Array[] {
  checkShape(shape, data.length);
  const own = dtypeOf(data);
  const target = dtype ?? own;
  let body: Uint8Array;
  if (target === 'f2') {
    if (!(data instanceof Float32Array || data instanceof Float64Array)) throw new DataError('f2 output needs float input');
    const bits = new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) bits[i] = numberToFloat16Bits(data[i]!);
    body = new Uint8Array(bits.buffer);
  } else if (target === own || (target === 'b1' && own === 'u1')) {
    body = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } else {
    throw new DataError(`cannot write ${own} data as ${target}`);
  }
  return [buildNpyHeader(descrFor(target), shape), body];
}

/** Write a .npy file atomically (temp file + rename); '-' writes to stdout. */
export function writeNpy(path: string, data: NpyData, shape: readonly number[] = [data.length], dtype?: NpyDtype): void {
  writeFileAtomic(path, serializeNpy(data, shape, dtype));
}

export function npyBytes(data: NpyData, shape: readonly number[] = [data.length], dtype?: NpyDtype): Uint8Array {
  const parts = serializeNpy(data, shape, dtype);
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
