import { conv2dInt8, conv2dInt8Reference, denseInt8, denseInt8Reference, depthwiseConv2dInt8, depthwiseConv2dInt8Reference, prepareDenseInt8, withBackend } from '../src/index.js';
import { benchGroup, type BenchRow } from './harness.js';

function rand(seed: number) {
  let s = seed >>> 0;
  return (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) % n);
}

/** The naive triple loop: int32 accumulators, offsets inside the MAC, weights [O][D]. */
function naiveDense(x: Int8Array | Uint8Array, w: Int8Array, B: number, D: number, O: number, xo: number, out: Int32Array): Int32Array {
  for (let b = 0; b < B; b++)
    for (let o = 0; o < O; o++) {
      let acc = 0;
      for (let k = 0; k < D; k++) acc = (acc + (x[b * D + k]! + xo) * w[o * D + k]!) | 0;
      out[b * O + o] = acc;
    }
  return out;
}

const ts = <T>(f: () => T): T => withBackend('ts', f);

export function benchKernels(quick: boolean, numpy: Record<string, number> | null): BenchRow[] {
  const r = rand(1);
  const rows: BenchRow[] = [];
  const B = 64, D = 512, O = 512;
  const macs = B * D * O;
  const xi8 = Int8Array.from({ length: B * D }, () => r(256) - 128);
  const xu8 = Uint8Array.from({ length: B * D }, () => r(193)); // UQ3.5 ReLU6 codes
  const w = Int8Array.from({ length: O * D }, () => r(255) - 127);
  const common = { inputShape: [B, D] as [number, number], weights: w, weightsShape: [O, D] as [number, number], bias: Int32Array.from({ length: O }, () => r(2000) - 1000), outputMultiplier: Int32Array.from({ length: O }, () => 2 ** 30 + r(2 ** 30)), outputShift: new Int32Array(O).fill(-9), outputZeroPoint: -3 };
  const acc = new Int32Array(B * O);
  // Weights prepared once (widened and summed in wasm memory), as an inference loop would use them.
  const layerI8 = prepareDenseInt8({ ...common, inputZeroPoint: -5 });
  const layerU8 = prepareDenseInt8({ ...common, inputZeroPoint: 0, outputDtype: 'uint8', outputZeroPoint: 0 });
  const layerI8x2 = prepareDenseInt8({ ...common, inputZeroPoint: -5 }, { threads: 2 });
  const layerU8x2 = prepareDenseInt8({ ...common, inputZeroPoint: 0, outputDtype: 'uint8', outputZeroPoint: 0 }, { threads: 2 });
  rows.push(
    ...benchGroup(`denseInt8 ${B}x${D} · ${D}x${O} (${macs} MACs), int8 x int8`, 'MAC', [
      { name: 'naive triple loop (accumulators only)', units: macs, run: () => naiveDense(xi8, w, B, D, O, 5, acc), baseline: true },
      { name: 'denseInt8Reference (TFLite reference)', units: macs, run: () => denseInt8Reference({ ...common, input: xi8, inputZeroPoint: -5 }) },
      { name: 'denseInt8 (TypeScript)', units: macs, run: () => ts(() => denseInt8({ ...common, input: xi8, inputZeroPoint: -5 })) },
      { name: 'denseInt8 (default: WebAssembly SIMD)', units: macs, run: () => denseInt8({ ...common, input: xi8, inputZeroPoint: -5 }) },
      { name: 'prepareDenseInt8 layer.run (wasm, weights prepared once)', units: macs, run: () => layerI8.run(xi8) },
      { name: `same, threads: 2 (helper thread${layerI8x2.threads === 2 ? '' : ' NOT available'})`, units: macs, run: () => layerI8x2.run(xi8) },
      { name: 'numpy int32 a @ w.T (no requantization)', units: macs, externalMs: numpy?.['matmul'] ?? null },
    ], quick ? 2 : 5),
    ...benchGroup(`denseInt8 ${B}x${D} · ${D}x${O}, uint8 (UQ3.5) x int8 — the ReLU6 path`, 'MAC', [
      { name: 'naive triple loop (accumulators only)', units: macs, run: () => naiveDense(xu8, w, B, D, O, 0, acc), baseline: true },
      { name: 'denseInt8 (TypeScript)', units: macs, run: () => ts(() => denseInt8({ ...common, input: xu8, inputZeroPoint: 0, outputDtype: 'uint8', outputZeroPoint: 0 })) },
      { name: 'denseInt8 (default: WebAssembly SIMD)', units: macs, run: () => denseInt8({ ...common, input: xu8, inputZeroPoint: 0, outputDtype: 'uint8', outputZeroPoint: 0 }) },
      { name: 'prepareDenseInt8 layer.run (wasm, weights prepared once)', units: macs, run: () => layerU8.run(xu8) },
      { name: `same, threads: 2 (helper thread${layerU8x2.threads === 2 ? '' : ' NOT available'})`, units: macs, run: () => layerU8x2.run(xu8) },
    ], quick ? 2 : 5),
  );
  // MobileNetV1 conv_3 shapes at a 224 input: depthwise 3x3 over 56x56x128, pointwise 1x1 128 → 128 on 56x56.
  const H = 56, W = 56, C = 128;
  const img = Uint8Array.from({ length: H * W * C }, () => r(193));
  const dwW = Int8Array.from({ length: 9 * C }, () => r(255) - 127);
  const dwMacs = H * W * C * 9;
  const dwParams = { input: img, inputShape: [1, H, W, C] as [number, number, number, number], inputZeroPoint: 0, weights: dwW, weightsShape: [1, 3, 3, C] as [number, number, number, number], bias: new Int32Array(C), padding: 'same' as const, outputMultiplier: new Int32Array(C).fill(2 ** 30), outputShift: new Int32Array(C).fill(-6), outputZeroPoint: 0, outputDtype: 'uint8' as const, activationMax: 192 };
  // Per-channel weight scales give per-channel shifts (here -5..-8): the per-channel SIMD requantizer.
  const perChannelShift = Int32Array.from({ length: C }, (_, i) => -5 - (i % 4));
  const dwPerChannel = { ...dwParams, outputShift: perChannelShift };
  rows.push(
    ...benchGroup(`depthwiseConv2dInt8 3x3, 56x56x128, same (${dwMacs} MACs)`, 'MAC', [
      { name: 'depthwiseConv2dInt8Reference (naive loops)', units: dwMacs, run: () => depthwiseConv2dInt8Reference(dwParams), baseline: true },
      { name: 'depthwiseConv2dInt8 (TypeScript)', units: dwMacs, run: () => ts(() => depthwiseConv2dInt8(dwParams)) },
      { name: 'depthwiseConv2dInt8 (default: WebAssembly SIMD)', units: dwMacs, run: () => depthwiseConv2dInt8(dwParams) },
      { name: 'same, per-channel shifts (as prepareLayer makes them)', units: dwMacs, run: () => depthwiseConv2dInt8(dwPerChannel) },
    ], quick ? 2 : 3),
  );
  const pwW = Int8Array.from({ length: C * C }, () => r(255) - 127);
  const pwMacs = H * W * C * C;
  const pwParams = { ...dwParams, weights: pwW, weightsShape: [C, 1, 1, C] as [number, number, number, number] };
  rows.push(
    ...benchGroup(`conv2dInt8 pointwise 1x1, 56x56x128 → 128 (${pwMacs} MACs)`, 'MAC', [
      { name: 'conv2dInt8Reference (naive loops)', units: pwMacs, run: () => conv2dInt8Reference(pwParams), baseline: true },
      { name: 'conv2dInt8 (TypeScript)', units: pwMacs, run: () => ts(() => conv2dInt8(pwParams)) },
      { name: 'conv2dInt8 (default: WebAssembly SIMD)', units: pwMacs, run: () => conv2dInt8(pwParams) },
      { name: 'same, per-channel shifts (as prepareLayer makes them)', units: pwMacs, run: () => conv2dInt8({ ...pwParams, outputShift: perChannelShift }) },
    ], quick ? 1 : 3),
  );
  for (const l of [layerI8, layerU8, layerI8x2, layerU8x2]) l.dispose();
  return rows;
}
