import { align16, ensureMemory, isWasmResident, type Kernels } from './runtime.js';

/*
 * Long-lived blocks in wasm memory (prepared layer weights, caller-owned tensors), below the
 * per-call scratch area:
 *
 *   [0, HEAP_BASE)         small kernel outputs (counts)
 *   [HEAP_BASE, heapTop)   long-lived blocks, first fit, freed blocks merged with free neighbours
 *   [heapTop, …)           scratch: each call lays out its operands from scratchBase() upward
 *
 * Blocks are addressed by byte offset, never by a cached view: growing the memory detaches every
 * view of the old buffer, but offsets stay valid. The heap only moves the scratch base, and no
 * kernel call is in progress while a block is allocated or freed (JavaScript is single-threaded
 * and the calls are synchronous), so scratch data never overlaps a live block.
 */

/** Start of the long-lived blocks; the bytes below hold the encoder's counts. */
export const HEAP_BASE = 1024;

/**
 * Scratch bytes kept available above the heap after every allocation, so that a call whose input
 * or output lives in wasm memory (allocWasmArray) never has to grow the memory — which would
 * detach the caller's views mid-call. One encoder chunk needs at most 6 bytes per value
 * (WASM_CHUNK = 2^18 values: 1.5 MiB).
 */
export const SCRATCH_RESERVE = 2 << 20;

interface Block {
  ptr: number;
  bytes: number;
  free: boolean;
}

const blocks: Block[] = [];
let heapTop = HEAP_BASE;

/** Where per-call scratch data starts: just above the last long-lived block. */
export function scratchBase(): number {
  return heapTop;
}

/** Bytes held by live long-lived blocks (tests check that dispose() gives them back). */
export function heapBytesInUse(): number {
  let n = 0;
  for (const b of blocks) if (!b.free) n += b.bytes;
  return n;
}

/** Reserve `bytes` (rounded up to 16) of long-lived wasm memory; returns its byte offset. */
export function heapAlloc(k: Kernels, bytes: number): number {
  const size = align16(Math.max(16, bytes));
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (!b.free || b.bytes < size) continue;
    if (b.bytes > size) blocks.splice(i + 1, 0, { ptr: b.ptr + size, bytes: b.bytes - size, free: true });
    b.bytes = size;
    b.free = false;
    return b.ptr;
  }
  // No free block fits: extend the heap (the scratch base moves up with it).
  const last = blocks[blocks.length - 1];
  let ptr = heapTop;
  if (last?.free) {
    // Grow the free block at the top instead of leaving it stranded below the new one.
    ptr = last.ptr;
    blocks.pop();
  }
  ensureMemory(k, ptr + size + SCRATCH_RESERVE);
  blocks.push({ ptr, bytes: size, free: false });
  heapTop = ptr + size;
  return ptr;
}

/** Give a block back. Freeing an unknown or already free offset is a programming error. */
export function heapFree(ptr: number): void {
  const i = blocks.findIndex((b) => b.ptr === ptr && !b.free);
  if (i < 0) throw new Error(`wasm heap: no live block at ${ptr}`);
  blocks[i]!.free = true;
  // Merge with free neighbours, then drop free blocks from the top so the scratch base comes down.
  const next = blocks[i + 1];
  if (next?.free) {
    blocks[i]!.bytes += next.bytes;
    blocks.splice(i + 1, 1);
  }
  const prev = blocks[i - 1];
  if (prev?.free) {
    prev.bytes += blocks[i]!.bytes;
    blocks.splice(i, 1);
  }
  while (blocks.length > 0 && blocks[blocks.length - 1]!.free) blocks.pop();
  const top = blocks[blocks.length - 1];
  heapTop = top ? top.ptr + top.bytes : HEAP_BASE;
}

/**
 * Lay out one kernel call's input and output: a view of wasm memory (allocWasmArray) is used in
 * place, anything else gets scratch space (the input is copied there). With either side in place
 * the call must not grow the memory — that would detach the caller's view — and the heap's
 * SCRATCH_RESERVE guarantees it for callers whose chunks fit the reserve.
 */
export function placeOperands(
  k: Kernels,
  input: ArrayBufferView,
  inOffset: number,
  inBytes: number,
  output: ArrayBufferView,
  outOffset: number,
  outBytes: number,
): { inPtr: number; outPtr: number; outPlace: boolean } {
  const inPlace = isWasmResident(input);
  const outPlace = isWasmResident(output);
  let free = scratchBase();
  const inPtr = inPlace ? input.byteOffset + inOffset : free;
  if (!inPlace) free = align16(free + inBytes);
  const outPtr = outPlace ? output.byteOffset + outOffset : free;
  if (!outPlace) free = outPtr + outBytes;
  if ((inPlace || outPlace) && free > k.memory.buffer.byteLength) throw new Error('relu6q internal error: wasm scratch reserve exhausted');
  const buf = ensureMemory(k, free);
  if (!inPlace) new Uint8Array(buf, inPtr, inBytes).set(new Uint8Array(input.buffer, input.byteOffset + inOffset, inBytes));
  return { inPtr, outPtr, outPlace };
}
