import { basename, extname } from 'node:path';
import { DataError, UsageError } from '../errors.js';
import type { TensorSource } from '../analysis/report.js';
import { float16BitsToNumber } from './float16.js';
import { DTYPE_NAMES, type NpyData } from './npyDtype.js';
import { readNpz } from './npz.js';
import { openNpy, readNpy } from './readNpy.js';
import { SafetensorsReader } from './safetensors.js';

/**
 * A float tensor from a file, streamed in chunks in its own precision
 * (float32, or float64 kept as float64; float16/bfloat16 widened exactly to float32).
 */
export interface FloatTensorInput {
  name: string;
  file: string;
  key: string;
  shape: number[];
  sourceDtype: string;
  size: number;
  chunks(chunkElements: number): Iterable<{ start: number; values: Float32Array | Float64Array }>;
}

/** View a FloatTensorInput as a float32 TensorSource (for the report's sweep). */
export function asTensorSource(t: FloatTensorInput, chunkElements = 1 << 20): TensorSource {
  return {
    name: t.name,
    shape: t.shape,
    dtype: t.sourceDtype,
    size: t.size,
    *chunks() {
      for (const { start, values } of t.chunks(chunkElements)) yield { start, values: values instanceof Float32Array ? values : Float32Array.from(values) };
    },
  };
}

const stem = (file: string) => basename(file, extname(file));

function fromArray(data: NpyData, file: string): Float32Array | Float64Array {
  if (data instanceof Float32Array || data instanceof Float64Array) return data;
  throw new DataError(`${file}: not a float tensor`);
}

function* sliceChunks(all: Float32Array | Float64Array, chunk: number) {
  for (let s = 0; s < all.length; s += chunk) yield { start: s, values: all.subarray(s, Math.min(all.length, s + chunk)) };
}

const ST_FLOAT = new Set(['F16', 'BF16', 'F32', 'F64']);

/** Decode raw little-endian safetensors float bytes. */
export function decodeStFloats(bytes: Uint8Array, dtype: string, count: number): Float32Array | Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'F64') {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
    return out;
  }
  const out = new Float32Array(count);
  if (dtype === 'F32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
  else if (dtype === 'F16') for (let i = 0; i < count; i++) out[i] = float16BitsToNumber(view.getUint16(2 * i, true));
  else if (dtype === 'BF16') {
    const tmp = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < count; i++) {
      tmp.setUint32(0, view.getUint16(2 * i, true) << 16, true);
      out[i] = tmp.getFloat32(0, true);
    }
  } else throw new DataError(`not a float dtype: ${dtype}`);
  return out;
}

/**
 * The float tensors of an input file: a .npy (one tensor), an .npz (each
 * member; deflated members are read whole), or a .safetensors file (each
 * F16/BF16/F32/F64 tensor, streamed). `nameFrom`: 'key' names a tensor by its key
 * (the file stem for .npy); 'file' by the file stem, plus '/key' inside containers.
 * Non-float tensors of containers are skipped and reported in `skipped`.
 */
export function floatTensorsOf(file: string, nameFrom: 'file' | 'key' = 'key'): { tensors: FloatTensorInput[]; skipped: string[] } {
  const ext = extname(file).toLowerCase();
  const name = (key: string | null) => (key === null ? stem(file) : nameFrom === 'file' ? `${stem(file)}/${key}` : key);
  if (ext === '.npy') {
    const r = openNpy(file);
    const h = r.header;
    r.close();
    if (!['f2', 'f4', 'f8'].includes(h.dtype)) throw new UsageError(`${file}: dtype ${DTYPE_NAMES[h.dtype]} is not a float tensor; if it holds fixed-point codes, run 'relu6q decode' first`);
    const fortran = h.fortranOrder && h.shape.filter((n) => n > 1).length > 1;
    return {
      skipped: [],
      tensors: [
        {
          name: name(null),
          file,
          key: stem(file),
          shape: h.shape,
          sourceDtype: DTYPE_NAMES[h.dtype],
          size: h.size,
          *chunks(chunk: number) {
            if (fortran) {
              yield* sliceChunks(fromArray(readNpy(file).data, file), chunk);
              return;
            }
            const rr = openNpy(file);
            try {
              for (const { start, data } of rr.chunks(chunk)) yield { start, values: fromArray(data, file) };
            } finally {
              rr.close();
            }
          },
        },
      ],
    };
  }
  if (ext === '.npz') {
    const members = readNpz(file);
    const tensors: FloatTensorInput[] = [];
    const skipped: string[] = [];
    for (const m of members) {
      if (!['f2', 'f4', 'f8'].includes(m.array.dtype)) {
        skipped.push(`${file}:${m.key} (${DTYPE_NAMES[m.array.dtype]})`);
        continue;
      }
      const data = fromArray(m.array.data, file);
      tensors.push({ name: name(m.key), file, key: m.key, shape: m.array.shape, sourceDtype: DTYPE_NAMES[m.array.dtype], size: data.length, chunks: (chunk: number) => sliceChunks(data, chunk) });
    }
    return { tensors, skipped };
  }
  if (ext === '.safetensors') {
    const r = new SafetensorsReader(file);
    const entries = r.header.tensors;
    r.close();
    const tensors: FloatTensorInput[] = [];
    const skipped: string[] = [];
    for (const e of entries) {
      if (!ST_FLOAT.has(e.dtype)) {
        skipped.push(`${file}:${e.name} (${e.dtype})`);
        continue;
      }
      tensors.push({
        name: name(e.name),
        file,
        key: e.name,
        shape: e.shape,
        sourceDtype: { F16: 'float16', BF16: 'bfloat16', F32: 'float32', F64: 'float64' }[e.dtype]!,
        size: e.size,
        *chunks(chunk: number) {
          const rr = new SafetensorsReader(file);
          try {
            const t = rr.tensor(e.name);
            for (let s = 0; s < t.size; s += chunk) {
              const n = Math.min(chunk, t.size - s);
              yield { start: s, values: decodeStFloats(rr.readElements(t, s, n), t.dtype, n) };
            }
          } finally {
            rr.close();
          }
        },
      });
    }
    return { tensors, skipped };
  }
  throw new UsageError(`${file}: unsupported input type '${ext || '(none)'}' (expected .npy, .npz or .safetensors)`);
}
