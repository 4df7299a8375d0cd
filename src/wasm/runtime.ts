import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * The WebAssembly SIMD kernels (assembly/kernels.ts, compiled by `npm run build:wasm`
 * into dist/wasm/kernels.wasm), loaded synchronously at import. When the file is
 * missing, does not compile, or RELU6Q_NO_WASM=1 is set, `wasm()` returns null and
 * every caller uses its TypeScript path: same results, slower. `setBackend('ts')`
 * switches at run time (tests and the benchmark compare the two paths).
 */

/** The parts of the WebAssembly JS API used here (lib.dom's types are not in this Node-only build). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** An encoder specialisation, exported as enc_<mode>_<variant>_<outBytes>_<signed>_<counts>. */
export type EncodeKernel = (inPtr: number, outPtr: number, n: number, scale: number, bits: number, loS: number, hiS: number, minCode: number, maxCode: number, countsPtr: number) => void;

export interface Kernels {
  memory: WasmMemory;
  [encoder: `enc_${number}_${number}_${number}_${number}_${number}`]: EncodeKernel;
  decode8(inPtr: number, outPtr: number, n: number, signed: number, step: number): void;
  clamp8(ptr: number, n: number, signed: number, lo: number, hi: number): void;
  padWiden8(srcPtr: number, H: number, W: number, C: number, signed: number, padTop: number, padLeft: number, PH: number, PW: number, Cp: number, fill: number, dstPtr: number): void;
  widen8to16(inPtr: number, outPtr: number, n: number, signed: number): void;
  matmulI16(xPtr: number, wPtr: number, accPtr: number, B: number, O: number, Dp: number): void;
  depthwiseI16(xPtr: number, wPtr: number, accPtr: number, tapOffPtr: number, taps: number, OH: number, OW: number, rowStride: number, colStride: number, C: number): void;
  requantCodes(inPtr: number, n: number, inBytes: number, inSigned: number, zin: number, m: number, s: number, single: number, zout: number, lo: number, hi: number, outPtr: number, outBytes: number): void;
  lut8(inPtr: number, n: number, tablePtr: number, flip: number, outPtr: number): void;
  errorSums(refPtr: number, qPtr: number, n: number, top: number, outPtr: number): void;
  rowSumsI16(mPtr: number, rows: number, Dp: number, outPtr: number): void;
  requantRowsUniformShift(accPtr: number, rows: number, O: number, accStride: number, rowTermPtr: number, colTermPtr: number, multPtr: number, shift: number, zp: number, lo: number, hi: number, outPtr: number, outStride: number): void;
  requantRowsPerChannel(accPtr: number, rows: number, O: number, accStride: number, rowTermPtr: number, colTermPtr: number, multPtr: number, shiftPtr: number, tabPtr: number, zp: number, lo: number, hi: number, outPtr: number, outStride: number): void;
  requantRows(accPtr: number, rows: number, O: number, accStride: number, rowTermPtr: number, colTermPtr: number, multPtr: number, shiftPtr: number, zp: number, lo: number, hi: number, single: number, outPtr: number, outStride: number): void;
}

function load(): Kernels | null {
  if (process.env['RELU6Q_NO_WASM'] === '1') return null;
  const here = dirname(fileURLToPath(import.meta.url));
  // From dist/src/wasm (built) or src/wasm (tsx): the wasm lives in dist/wasm.
  const candidates = [join(here, '..', '..', 'wasm', 'kernels.wasm'), join(here, '..', '..', 'dist', 'wasm', 'kernels.wasm')];
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    try {
      const module = new WA.Module(readFileSync(file));
      const instance = new WA.Instance(module, { env: { abort: () => { throw new Error('wasm abort'); } } });
      return instance.exports as unknown as Kernels;
    } catch {
      return null;
    }
  }
  return null;
}

const loaded = load();
let enabled = loaded !== null;

/** The kernels, or null when the TypeScript path is in use. */
export function wasm(): Kernels | null {
  return enabled ? loaded : null;
}

export function wasmAvailable(): boolean {
  return loaded !== null;
}

/** Choose the backend: 'wasm' (default when available) or 'ts'. Returns the previous one. */
export function setBackend(backend: 'wasm' | 'ts'): 'wasm' | 'ts' {
  const prev = enabled ? 'wasm' : 'ts';
  enabled = backend === 'wasm' && loaded !== null;
  return prev;
}

export function backend(): 'wasm' | 'ts' {
  return enabled ? 'wasm' : 'ts';
}

/** Run f with the given backend, then restore the previous one (even if f throws). */
export function withBackend<T>(backend: 'wasm' | 'ts', f: () => T): T {
  const prev = setBackend(backend);
  try {
    return f();
  } finally {
    setBackend(prev);
  }
}

const PAGE = 65536;
/** Whether `a` is a view of the wasm memory (an allocWasmArray array). */
export function isWasmResident(a: ArrayBufferView): boolean {
  return loaded !== null && a.buffer === loaded.memory.buffer;
}

/**
 * An input that lives in wasm memory, copied out of it; any other array as it is. A kernel that
 * may grow the memory (its scratch) calls this first: a growth would detach the caller's view
 * mid-call. Only encodeFixed and decodeFixed use such arrays in place (their scratch then never
 * grows the memory).
 */
export function offWasm<T extends ArrayBufferView & { slice(): T }>(a: T): T {
  return isWasmResident(a) ? a.slice() : a;
}

/** Buffers of the wasm memory that a growth replaced (and so detached): a view of one is stale. */
const retired = new WeakSet<ArrayBufferLike>();

export function isRetiredWasmBuffer(buffer: ArrayBufferLike): boolean {
  return retired.has(buffer);
}

/** Make the wasm memory at least `bytes` long and return it (the buffer may have moved). */
export function ensureMemory(k: Kernels, bytes: number): ArrayBuffer {
  const have = k.memory.buffer.byteLength;
  if (bytes > have) {
    retired.add(k.memory.buffer);
    k.memory.grow(Math.ceil((bytes - have) / PAGE));
  }
  return k.memory.buffer;
}

/** Round up to a multiple of 16 bytes (v128 alignment). */
export const align16 = (n: number): number => (n + 15) & ~15;

/** Current size of the wasm memory in bytes (0 without wasm): grows to the largest chunk, never per call. */
export function wasmMemoryBytes(): number {
  return loaded ? loaded.memory.buffer.byteLength : 0;
}
