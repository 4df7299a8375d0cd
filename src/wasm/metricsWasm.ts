import { align16, ensureMemory, isWasmResident, wasm } from './runtime.js';
import { scratchBase } from './heap.js';

const CHUNK = 1 << 18;

export interface ErrorSums {
  /** Finite reference elements summed. */
  n: number;
  sumSqClip: number;
  sumSqRound: number;
  sumAbs: number;
  sumRefSq: number;
  sumQSq: number;
  sumRefQ: number;
  clipCount: number;
  /** -1 when no finite element. */
  maxAbs: number;
  /** Index (relative to the range) of the first largest |error|, -1 when none. */
  maxAbsIndex: number;
}

/**
 * The report's one-pass sums over ref[0, n) and q[0, n) (n a multiple of 4) in wasm f64x2 lanes,
 * or null without wasm. Sums are accumulated in a different order than the TypeScript loop, so
 * they agree to rounding (about 1e-15 relative), not bit for bit; counts, maximum and index agree exactly.
 */
export function errorSumsWasm(ref: Float32Array, q: Float32Array, n: number, top: number): ErrorSums | null {
  const k = wasm();
  // Arrays in wasm memory go through the caller's TypeScript loop (a growth here would detach them).
  if (!k || isWasmResident(ref) || isWasmResident(q)) return null;
  const total: ErrorSums = { n: 0, sumSqClip: 0, sumSqRound: 0, sumAbs: 0, sumRefSq: 0, sumQSq: 0, sumRefQ: 0, clipCount: 0, maxAbs: -1, maxAbsIndex: -1 };
  for (let s = 0; s < n; s += CHUNK) {
    const m = Math.min(CHUNK, n - s);
    const rPtr = scratchBase();
    const qPtr = align16(rPtr + 4 * m);
    const outPtr = align16(qPtr + 4 * m);
    const buf = ensureMemory(k, outPtr + 80);
    new Float32Array(buf, rPtr, m).set(ref.subarray(s, s + m));
    new Float32Array(buf, qPtr, m).set(q.subarray(s, s + m));
    k.errorSums(rPtr, qPtr, m, top, outPtr);
    const o = new Float64Array(k.memory.buffer, outPtr, 10);
    total.n += o[0]!;
    total.sumSqClip += o[1]!;
    total.sumSqRound += o[2]!;
    total.sumAbs += o[3]!;
    total.sumRefSq += o[4]!;
    total.sumQSq += o[5]!;
    total.sumRefQ += o[6]!;
    total.clipCount += o[7]!;
    if (o[8]! > total.maxAbs) {
      total.maxAbs = o[8]!;
      total.maxAbsIndex = s + o[9]!;
    }
  }
  return total;
}
