import { DataError, UsageError } from '../errors.js';
import type { TensorSource } from '../analysis/report.js';
import { DTYPE_NAMES, type NpyData } from './npyDtype.js';
import { openNpy, readNpy } from './readNpy.js';

/**
 * A .npy file as a re-readable stream of float32 chunks, for the report and
 * sweep (each pass reopens the file; memory stays at one chunk). float16 and
 * float64 are converted to float32 (the report measures against float32);
 * integer files are refused, since they hold codes, not activations.
 */
export function npyTensorSource(path: string, chunkElements = 1 << 20): TensorSource {
  const reader = openNpy(path);
  const h = reader.header;
  reader.close();
  if (!['f2', 'f4', 'f8'].includes(h.dtype)) {
    throw new UsageError(
      `${path}: dtype ${DTYPE_NAMES[h.dtype]} is not a float tensor; if it holds fixed-point codes, run 'relu6q decode' first`,
    );
  }
  if (h.size === 0) throw new DataError(`${path}: empty tensor (shape (${h.shape.join(', ')})), nothing to report`);
  const fortran = h.fortranOrder && h.shape.filter((n) => n > 1).length > 1;
  const toF32 = (d: NpyData): Float32Array => (d instanceof Float32Array ? d : Float32Array.from(d as Float64Array));
  return {
    name: path,
    shape: h.shape,
    dtype: DTYPE_NAMES[h.dtype],
    size: h.size,
    *chunks() {
      if (fortran) {
        // Fortran order cannot be sliced in C order: read the whole array once per pass.
        const all = toF32(readNpy(path).data);
        for (let start = 0; start < all.length; start += chunkElements) {
          yield { start, values: all.subarray(start, Math.min(all.length, start + chunkElements)) };
        }
        return;
      }
      const r = openNpy(path);
      try {
        for (const { start, data } of r.chunks(chunkElements)) yield { start, values: toF32(data) };
      } finally {
        r.close();
      }
    },
  };
}
