// prepareDenseInt8: a prepared (prepacked) dense layer equals denseInt8 and its TFLite reference
// bit for bit, is a snapshot of its weights, survives wasm memory growth, and gives its memory back.
import { describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { denseInt8, denseInt8Reference, encodeFixed, prepareDenseInt8, PARALLEL_MIN_MACS, wasmAvailable, wasmMemoryBytes, withBackend, UsageError } from '../src/index.js';
import { heapAlloc, heapBytesInUse, heapFree, scratchBase, HEAP_BASE } from '../src/wasm/heap.js';
import { wasm } from '../src/wasm/runtime.js';

function layerParams(s: number, B: number, D: number, O: number, uint: boolean) {
  let seed = s;
  const r = (n: number) => ((seed = (Math.imul(seed ^ 0x2545f491, 1103515245) + 12345) >>> 0) % n);
  return {
    input: uint ? Uint8Array.from({ length: B * D }, () => r(193)) : Int8Array.from({ length: B * D }, () => r(256) - 128),
    inputShape: [B, D] as [number, number],
    inputZeroPoint: uint ? r(256) : r(256) - 128,
    weights: Int8Array.from({ length: O * D }, () => r(256) - 128),
    weightsShape: [O, D] as [number, number],
    weightZeroPoint: r(5) - 2,
    bias: Int32Array.from({ length: O }, () => r(2 ** 20) - 2 ** 19),
    outputMultiplier: r(2) ? 2 ** 30 + r(2 ** 30) : Int32Array.from({ length: O }, () => 2 ** 30 + r(2 ** 30)),
    outputShift: r(2) ? r(16) - 14 : Int32Array.from({ length: O }, () => r(16) - 14),
    outputZeroPoint: r(200) - 100,
  };
}

describe('prepareDenseInt8', () => {
  fcTest.prop([fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 13 }), fc.boolean(), fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 100 })(
    'equals the TFLite reference on both backends, call after call',
    (B, D, O, uint, s) => {
      const p = layerParams(s, B, D, O, uint);
      const expected = Array.from(denseInt8Reference(p));
      const layer = prepareDenseInt8(p);
      try {
        expect(Array.from(layer.run(p.input))).toEqual(expected);
        expect(Array.from(layer.run(p.input))).toEqual(expected);
        expect(Array.from(withBackend('ts', () => layer.run(p.input)))).toEqual(expected);
      } finally {
        layer.dispose();
      }
    },
  );

  it('is a snapshot: later writes to the weights, bias or multipliers do not reach it', () => {
    const p = layerParams(7, 4, 48, 10, true);
    p.outputMultiplier = Int32Array.from({ length: 10 }, (_, i) => 2 ** 30 + i * 1000);
    const expected = Array.from(denseInt8Reference(p));
    const layer = prepareDenseInt8(p);
    p.weights.fill(127);
    p.bias.fill(12345);
    (p.outputMultiplier as Int32Array).fill(2 ** 31 - 1);
    expect(Array.from(layer.run(p.input))).toEqual(expected);
    expect(Array.from(withBackend('ts', () => layer.run(p.input)))).toEqual(expected);
    layer.dispose();
  });

  it('stays correct while other calls grow the wasm memory around it', () => {
    const p = layerParams(11, 16, 64, 32, false);
    const expected = Array.from(denseInt8Reference(p));
    const layer = prepareDenseInt8(p);
    // A large encode moves the scratch data far above the heap and grows the memory.
    const big = new Float32Array(3_000_000).map((_, i) => Math.sin(i) * 8);
    encodeFixed(big, 'UQ3.5');
    expect(Array.from(layer.run(p.input))).toEqual(expected);
    const other = prepareDenseInt8(layerParams(12, 3, 32, 5, true));
    expect(Array.from(layer.run(p.input))).toEqual(expected);
    other.dispose();
    expect(Array.from(layer.run(p.input))).toEqual(expected);
    layer.dispose();
  });

  it('rejects bad input with one-line errors, and use after dispose', () => {
    const p = layerParams(3, 2, 16, 4, true);
    const layer = prepareDenseInt8(p);
    expect(() => layer.run(new Uint8Array(15))).toThrow(/input has 15 values, not a positive multiple of inDim 16/);
    expect(() => layer.run(new Uint8Array(0))).toThrow(UsageError);
    expect(() => layer.run(new Float32Array(16) as unknown as Uint8Array)).toThrow(/must be an Int8Array or Uint8Array, got Float32Array/);
    layer.dispose();
    layer.dispose();
    expect(() => layer.run(p.input)).toThrow(/disposed/);
    expect(() => prepareDenseInt8({ ...p, weightsShape: [4, 15] })).toThrow(/weightsShape needs 60/);
    expect(() => prepareDenseInt8({ ...p, inputZeroPoint: 300 })).toThrow(/inputZeroPoint 300/);
  });
});

describe('prepareDenseInt8 with a helper thread (threads: 2)', () => {
  it('splits large runs across two threads with results equal to the TFLite reference', () => {
    // 2^21 MACs and more are split; odd batch counts give the helper the smaller half.
    const cases = [[33, 256, 256, true], [8, 512, 512, false], [2, 1024, 1024, true], [3, 16, 8, false]] as const;
    // Runs on both sides of the threshold: split ones (at least two rows) and one kept on this thread.
    expect(cases.filter(([B, D, O]) => B >= 2 && B * D * O >= PARALLEL_MIN_MACS)).toHaveLength(3);
    expect(cases.filter(([B, D, O]) => B * D * O < PARALLEL_MIN_MACS)).toHaveLength(1);
    for (const [B, D, O, uint] of cases) {
      const p = layerParams(B * 7 + D, B, D, O, uint);
      const layer = prepareDenseInt8(p, { threads: 2 });
      try {
        expect(layer.threads).toBe(2);
        const expected = Array.from(denseInt8Reference(p));
        expect(Array.from(layer.run(p.input))).toEqual(expected);
        expect(Array.from(layer.run(p.input))).toEqual(expected);
        expect(Array.from(withBackend('ts', () => layer.run(p.input)))).toEqual(expected);
      } finally {
        layer.dispose();
      }
    }
  });

  it('the helper keeps its own snapshot; bad input and bad thread counts are one-line errors', () => {
    const p = layerParams(5, 4, 512, 1024, true);
    const expected = Array.from(denseInt8Reference(p));
    const layer = prepareDenseInt8(p, { threads: 2 });
    p.weights.fill(-3);
    expect(Array.from(layer.run(p.input))).toEqual(expected);
    expect(() => layer.run(new Uint8Array(511))).toThrow(/not a positive multiple of inDim 512/);
    layer.dispose();
    expect(() => layer.run(p.input)).toThrow(/disposed/);
    expect(() => prepareDenseInt8(p, { threads: 4 as 2 })).toThrow(/threads must be 1 or 2, got 4/);
    const single = prepareDenseInt8(p);
    expect(single.threads).toBe(1);
    single.dispose();
  });
});

describe.skipIf(!wasmAvailable())('wasm heap', () => {
  it('prepared layers give their memory back on dispose', () => {
    const before = heapBytesInUse();
    const layers = [1, 2, 3].map((s) => prepareDenseInt8(layerParams(s, 2, 64, 40, true)));
    // int16 weights plus per-channel tables (column terms, multipliers, shifts; shift tables when they differ)
    expect(heapBytesInUse()).toBeGreaterThanOrEqual(before + 3 * (40 * 64 * 2 + 3 * 160));
    layers[1]!.dispose();
    layers[0]!.dispose();
    layers[2]!.dispose();
    expect(heapBytesInUse()).toBe(before);
    expect(scratchBase()).toBe(HEAP_BASE);
  });

  it('10^4 layer calls leave the wasm memory and the heap flat (no leak)', () => {
    const p = layerParams(21, 4, 64, 16, true);
    const layer = prepareDenseInt8(p);
    layer.run(p.input);
    denseInt8Reference(p);
    const memory = wasmMemoryBytes();
    const heap = heapBytesInUse();
    for (let i = 0; i < 10_000; i++) {
      layer.run(p.input);
      if (i % 10 === 0) denseInt8(p);
    }
    expect(wasmMemoryBytes()).toBe(memory);
    expect(heapBytesInUse()).toBe(heap);
    layer.dispose();
  });

  it('first fit, merges free neighbours, and lowers the scratch base when the top is freed', () => {
    const k = wasm()!;
    const a = heapAlloc(k, 100);
    const b = heapAlloc(k, 1000);
    const c = heapAlloc(k, 50);
    expect([a, b, c]).toEqual([HEAP_BASE, HEAP_BASE + 112, HEAP_BASE + 1120]);
    expect(scratchBase()).toBe(HEAP_BASE + 1184);
    heapFree(a);
    heapFree(b);
    // a and b merged into one free block of 1120 bytes: a 1104-byte request fits at the bottom.
    expect(heapAlloc(k, 1104)).toBe(HEAP_BASE);
    heapFree(HEAP_BASE);
    expect(() => heapFree(HEAP_BASE)).toThrow(/no live block/);
    heapFree(c);
    expect(scratchBase()).toBe(HEAP_BASE);
    expect(heapBytesInUse()).toBe(0);
  });
});
