import { DataError } from '../errors.js';
import { decodeNpyData, fortranToC } from './decodeNpyData.js';
import { itemSize, type NpyData, type NpyDtype } from './npyDtype.js';
import { NPY_MAGIC, parseNpyHeader, type NpyHeader } from './npyHeader.js';
import { RandomAccessFile } from './randomAccessFile.js';

/** numpy itself refuses headers over 10000 bytes by default; 1 MiB leaves room for long shapes. */
const MAX_HEADER_BYTES = 1 << 20;

export interface NpyArray {
  /** Element type as stored (byte order aside). */
  dtype: NpyDtype;
  shape: number[];
  /** C-order data (Fortran-order files are reordered on read). */
  data: NpyData;
}

/** Parse a whole .npy file held in memory. */
export function parseNpy(bytes: Uint8Array, file = '<buffer>'): NpyArray {
  const header = parseNpyHeader(bytes, bytes.length, file);
  let data = decodeNpyData(bytes.subarray(header.dataOffset), header.dtype, header.bigEndian, header.size);
  if (header.fortranOrder) data = fortranToC(data, header.shape);
  return { dtype: header.dtype, shape: header.shape, data };
}

/** Read a whole .npy file. Errors name the file and the problem. */
export function readNpy(path: string): NpyArray {
  const reader = openNpy(path);
  try {
    const data = reader.read(0, reader.header.size);
    return {
      dtype: reader.header.dtype,
      shape: reader.header.shape,
      data: reader.header.fortranOrder ? fortranToC(data, reader.header.shape) : data,
    };
  } finally {
    reader.close();
  }
}

/**
 * A .npy file opened for reading in slices: the header is parsed first (and
 * checked against the file size before anything is allocated), then
 * `read(start, count)` or `chunks(n)` return C-order slices of the data. Fortran-order
 * files with 2+ dimensions cannot be sliced in C order and are refused by chunks().
 */
export class NpyReader {
  readonly header: NpyHeader;
  private file: RandomAccessFile;
  constructor(readonly path: string) {
    this.file = new RandomAccessFile(path);
    try {
      const fileBytes = this.file.size;
      const first = this.file.read(0, Math.min(fileBytes, 12));
      if (first.length < 10 || !NPY_MAGIC.every((b, i) => first[i] === b)) {
        throw new DataError(`${path}: not a .npy file (wrong magic)`);
      }
      let headBytes = 12;
      if (first[6] === 1) headBytes = 10 + (first[8]! | (first[9]! << 8));
      else if (first.length >= 12) {
        headBytes = 12 + new DataView(first.buffer, first.byteOffset).getUint32(8, true);
      }
      if (headBytes > MAX_HEADER_BYTES) {
        throw new DataError(`${path}: .npy header length ${headBytes} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
      }
      const head = this.file.read(0, Math.min(fileBytes, headBytes));
      this.header = parseNpyHeader(head, fileBytes, path);
    } catch (e) {
      this.file.close();
      throw e;
    }
  }

  private readBytes(position: number, length: number): Uint8Array {
    return this.file.read(position, length);
  }

  /** Elements [start, start + count) in file order. */
  read(start: number, count: number): NpyData {
    const h = this.header;
    if (start < 0 || count < 0 || start + count > h.size) throw new DataError(`${this.path}: read past the end of the data`);
    const size = itemSize(h.dtype);
    const bytes = this.readBytes(h.dataOffset + start * size, count * size);
    return decodeNpyData(bytes, h.dtype, h.bigEndian, count);
  }

  /** Iterate over C-order slices of at most `chunkElements` elements. */
  *chunks(chunkElements = 1 << 20): Generator<{ start: number; data: NpyData }> {
    const h = this.header;
    if (h.fortranOrder && h.shape.filter((n) => n > 1).length > 1) {
      throw new DataError(`${this.path}: Fortran-order arrays cannot be streamed; save with np.ascontiguousarray`);
    }
    const step = Math.max(1, Math.floor(chunkElements));
    for (let start = 0; start < h.size; start += step) {
      yield { start, data: this.read(start, Math.min(step, h.size - start)) };
    }
  }

  close(): void {
    this.file.close();
  }
}

export function openNpy(path: string): NpyReader {
  return new NpyReader(path);
}

/** View any numeric .npy data as float64, refusing int64 values beyond ±2^53. */
export function toFloat64(data: NpyData, file = '<array>'): Float64Array {
  if (data instanceof Float64Array) return data;
  const out = new Float64Array(data.length);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v > 9007199254740992n || v < -9007199254740992n) {
        throw new DataError(`${file}: int64 value ${v} at index ${i} is not exactly representable as a double`);
      }
      out[i] = Number(v);
    }
    return out;
  }
  out.set(data);
  return out;
}

/** View numeric data as float32 values: float32 as is, float16 already widened; integers and float64 converted
 *  (a float64 → float32 conversion rounds, as numpy's astype(np.float32)). */
export function toFloat32(data: NpyData, file = '<array>'): Float32Array {
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(toFloat64(data, file));
  return Float32Array.from(data as ArrayLike<number>);
}
