import { DataError } from '../errors.js';

/** .npy element types relu6q reads (numpy's kind + itemsize, byte order aside). */
export const NPY_DTYPES = ['b1', 'i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'f2', 'f4', 'f8'] as const;
export type NpyDtype = (typeof NPY_DTYPES)[number];

/**
 * In-memory arrays by dtype. f2 is held as Float32Array (exact widening);
 * i8/u8 as BigInt64Array/BigUint64Array (toFloat64 converts them when every
 * value is within ±2^53); b1 as Uint8Array of 0/1.
 */
export type NpyData =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

export function itemSize(dtype: NpyDtype): number {
  return Number(dtype.slice(1));
}

/** Parse a descr such as '<f4', '>i2', '|u1'. Returns the dtype and whether it is big-endian. */
export function parseDescr(descr: unknown, file: string): { dtype: NpyDtype; bigEndian: boolean } {
  if (typeof descr !== 'string') {
    throw new DataError(`${file}: structured or object dtype is not supported (descr ${JSON.stringify(descr)})`);
  }
  const m = /^([<>|=]?)([biuf])(\d+)$/.exec(descr);
  const dtype = m ? (`${m[2]}${m[3]}` as NpyDtype) : null;
  if (!m || !dtype || !(NPY_DTYPES as readonly string[]).includes(dtype)) {
    throw new DataError(
      `${file}: unsupported dtype '${descr}' (relu6q reads bool, int8..int64, uint8..uint64, float16/32/64)`,
    );
  }
  // '=' is native order; every platform Node supports here is little-endian.
  return { dtype, bigEndian: m[1] === '>' };
}

export function allocate(dtype: NpyDtype, length: number): NpyData {
  switch (dtype) {
    case 'b1':
    case 'u1':
      return new Uint8Array(length);
    case 'i1':
      return new Int8Array(length);
    case 'i2':
      return new Int16Array(length);
    case 'u2':
      return new Uint16Array(length);
    case 'i4':
      return new Int32Array(length);
    case 'u4':
      return new Uint32Array(length);
    case 'i8':
      return new BigInt64Array(length);
    case 'u8':
      return new BigUint64Array(length);
    case 'f2':
    case 'f4':
      return new Float32Array(length);
    case 'f8':
      return new Float64Array(length);
  }
}

/** The dtype that holds a typed array (Float32Array → f4, …). */
export function dtypeOf(data: NpyData): NpyDtype {
  if (data instanceof Float32Array) return 'f4';
  if (data instanceof Float64Array) return 'f8';
  if (data instanceof Uint8Array) return 'u1';
  if (data instanceof Int8Array) return 'i1';
  if (data instanceof Int16Array) return 'i2';
  if (data instanceof Uint16Array) return 'u2';
  if (data instanceof Int32Array) return 'i4';
  if (data instanceof Uint32Array) return 'u4';
  if (data instanceof BigInt64Array) return 'i8';
  if (data instanceof BigUint64Array) return 'u8';
  throw new DataError('unsupported array type');
}

export const DTYPE_NAMES: Record<NpyDtype, string> = {
  b1: 'bool',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
};
