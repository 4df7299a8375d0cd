import { UsageError } from '../errors.js';
import { heapAlloc, heapFree } from './heap.js';
import { isRetiredWasmBuffer, wasm } from './runtime.js';

/*
 * Caller-owned arrays in wasm memory. encodeFixed reads a float32 input that lives in wasm memory
 * where it is, and writes codes straight into an `out` array that lives there, so the two copies
 * around the kernel (4 + 1 bytes per value, about half the time of a whole encode) disappear;
 * decodeFixed does the same for codes and values. The
 * pattern is Emscripten's HEAPF32: hold the handle, take `.array` when you use it. Growing the wasm
 * memory (another call needing more scratch, another allocation) detaches every view of the old
 * buffer, so a view kept across calls can go stale; `.array` always returns a live view, and the
 * library rejects a stale one with a UsageError instead of reading zero elements.
 */

type ArrayKind = 'float32' | 'uint8' | 'int8' | 'uint16' | 'int16';
type ArrayOf<K extends ArrayKind> = K extends 'float32'
  ? Float32Array
  : K extends 'uint8'
    ? Uint8Array
    : K extends 'int8'
      ? Int8Array
      : K extends 'uint16'
        ? Uint16Array
        : Int16Array;

const CTOR = { float32: Float32Array, uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array } as const;

export interface WasmArray<T> {
  readonly length: number;
  /** A live view of the array (a fresh one after the wasm memory has grown); zero-filled at first. */
  readonly array: T;
  /** Give the memory back; the handle cannot be used afterwards. */
  dispose(): void;
}

const arrays = new FinalizationRegistry<number>((ptr) => heapFree(ptr));
/**
 * Each view keeps its handle alive (a WeakMap entry lives as long as its key): without this, a
 * caller who kept only `.array` could see the handle collected and the block reused under the view.
 */
const owners = new WeakMap<object, object>();

/**
 * Allocate a typed array inside the WebAssembly memory (or an ordinary one when the TypeScript
 * backend is in use: same behaviour, no speed-up). Fill it, then pass `handle.array` as the input
 * (float32) or the `out` codes array of encodeFixed.
 */
export function allocWasmArray<K extends ArrayKind>(kind: K, length: number): WasmArray<ArrayOf<K>> {
  if (!(kind in CTOR)) throw new UsageError(`allocWasmArray: kind must be one of ${Object.keys(CTOR).join(', ')}, got ${String(kind)}`);
  if (!Number.isInteger(length) || length < 0) throw new UsageError(`allocWasmArray: length must be a non-negative integer, got ${length}`);
  const Ctor = CTOR[kind] as unknown as new (buffer: ArrayBufferLike | number, byteOffset?: number, length?: number) => ArrayOf<K>;
  const k = wasm();
  if (!k) {
    const plain = new Ctor(length);
    let disposed = false;
    return {
      length,
      get array() {
        if (disposed) throw new UsageError('allocWasmArray: this array was disposed');
        return plain;
      },
      dispose() {
        disposed = true;
      },
    };
  }
  const bytes = length * (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  let ptr: number | null = heapAlloc(k, bytes);
  new Uint8Array(k.memory.buffer, ptr, bytes).fill(0);
  let view = new Ctor(k.memory.buffer, ptr, length);
  const handle: WasmArray<ArrayOf<K>> = {
    length,
    get array() {
      if (ptr === null) throw new UsageError('allocWasmArray: this array was disposed');
      if (view.buffer !== k.memory.buffer) {
        view = new Ctor(k.memory.buffer, ptr, length);
        owners.set(view, handle);
      }
      return view;
    },
    dispose() {
      if (ptr === null) return;
      arrays.unregister(handle);
      heapFree(ptr);
      ptr = null;
    },
  };
  arrays.register(handle, ptr, handle);
  owners.set(view, handle);
  return handle;
}

/** Throw a one-line UsageError for a view of wasm memory that a later growth detached. */
export function checkAttached(a: ArrayBufferView, what: string): void {
  if (a.byteLength === 0 && isRetiredWasmBuffer(a.buffer)) {
    throw new UsageError(`${what} is a stale view of wasm memory (the memory has grown since): take a fresh one from the handle's .array`);
  }
}
