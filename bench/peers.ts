import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { allocWasmArray, denseInt8, encodeFixed, prepareDenseInt8 } from '../src/index.js';
import { benchGroup } from './harness.js';
import { benchInput } from './codec.js';
import { ONNX, oneNodeModel } from './onnxModel.js';

// onnxruntime-web is loaded dynamically and is not a dependency, so it is typed loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ort = any;

/** onnxruntime-web, installed on demand with `npm install --no-save` (not a dependency of relu6q). */
async function loadOrt(): Promise<Ort | null> {
  const name = 'onnxruntime-web';
  try {
    return await import(name);
  } catch {
    console.log('installing onnxruntime-web@1.30.0 with npm install --no-save (benchmark peer only)…');
    const r = spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', 'onnxruntime-web@1.30.0'], { stdio: 'inherit' });
    if (r.status !== 0) return null;
    try {
      // The failed bare import above is cached: import the installed file by its path instead.
      return await import(pathToFileURL(createRequire(import.meta.url).resolve(name)).href);
    } catch {
      return null;
    }
  }
}

async function timeAsyncBest(run: () => Promise<unknown>, repeats: number): Promise<number> {
  await run();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t = process.hrtime.bigint();
    await run();
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return best;
}

/**
 * `npm run bench -- --peers`: onnxruntime-web 1.30 (WebAssembly, one thread) doing the same work
 * in the same run — QuantizeLinear against encodeFixed UQ3.5 (the codes must agree: ONNX rounds
 * half to even too) and MatMulInteger against denseInt8.
 */
export async function benchPeers(n: number): Promise<void> {
  const ort = await loadOrt();
  if (!ort) {
    console.log('\n## peers: onnxruntime-web could not be loaded; skipped');
    return;
  }
  ort.env.wasm.numThreads = 1;
  const opts = { executionProviders: ['wasm'] };

  const x = benchInput(n);
  const quant = await ort.InferenceSession.create(oneNodeModel('QuantizeLinear', [['x', ONNX.FLOAT, [n]], ['s', ONNX.FLOAT, []], ['z', ONNX.UINT8, []]], [['y', ONNX.UINT8, [n]]]), opts);
  const feeds = { x: new ort.Tensor('float32', x, [n]), s: new ort.Tensor('float32', Float32Array.of(1 / 32), []), z: new ort.Tensor('uint8', Uint8Array.of(0), []) };
  const ortCodes = (await quant.run(feeds)).y.data as Uint8Array;
  const ours = encodeFixed(x, 'UQ3.5').codes as Uint8Array;
  let diff = 0;
  for (let i = 0; i < n; i++) if (ours[i] !== ortCodes[i]) diff++;
  const ortQuantMs = await timeAsyncBest(() => quant.run(feeds), 5);
  const codes = new Uint8Array(n);
  const xw = allocWasmArray('float32', n);
  xw.array.set(x);
  const cw = allocWasmArray('uint8', n);
  benchGroup(`peers: encode UQ3.5 vs onnxruntime-web QuantizeLinear (scale 1/32, zp 0; ${n} values; codes differ at ${diff} positions)`, 'values', [
    { name: 'onnxruntime-web QuantizeLinear (wasm, 1 thread)', units: n, externalMs: ortQuantMs, baseline: true },
    { name: 'encodeFixed (default: wasm, with counts)', units: n, run: () => encodeFixed(x, 'UQ3.5', { out: codes }) },
    { name: 'encodeFixed (wasm, counts: false)', units: n, run: () => encodeFixed(x, 'UQ3.5', { out: codes, counts: false }) },
    { name: 'encodeFixed, arrays in wasm memory (allocWasmArray)', units: n, run: () => encodeFixed(xw.array, 'UQ3.5', { out: cw.array }) },
  ]);
  xw.dispose();
  cw.dispose();

  const B = 64, D = 512, O = 512;
  let s = 1;
  const r = (k: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) % k);
  const a = Uint8Array.from({ length: B * D }, () => r(193));
  const w = Int8Array.from({ length: O * D }, () => r(255) - 127); // [O][D] for denseInt8
  const wT = new Int8Array(D * O); // [D][O] for MatMulInteger
  for (let o = 0; o < O; o++) for (let d = 0; d < D; d++) wT[d * O + o] = w[o * D + d]!;
  const mm = await ort.InferenceSession.create(oneNodeModel('MatMulInteger', [['A', ONNX.UINT8, [B, D]], ['B', ONNX.INT8, [D, O]]], [['Y', ONNX.INT32, [B, O]]]), opts);
  const mmFeeds = { A: new ort.Tensor('uint8', a, [B, D]), B: new ort.Tensor('int8', wT, [D, O]) };
  const y = (await mm.run(mmFeeds)).Y.data as Int32Array;
  let bad = 0;
  for (let b = 0; b < B; b++)
    for (let o = 0; o < O; o += 37) {
      let acc = 0;
      for (let d = 0; d < D; d++) acc += a[b * D + d]! * w[o * D + d]!;
      if (acc !== y[b * O + o]) bad++;
    }
  const ortMmMs = await timeAsyncBest(() => mm.run(mmFeeds), 10);
  const macs = B * D * O;
  const p = { input: a, inputShape: [B, D] as [number, number], inputZeroPoint: 0, weights: w, weightsShape: [O, D] as [number, number], bias: null, outputMultiplier: 2 ** 30, outputShift: -12, outputZeroPoint: 0, outputDtype: 'uint8' as const };
  const layer = prepareDenseInt8(p);
  benchGroup(`peers: uint8 × int8 ${B}x${D}·${D}x${O} vs onnxruntime-web MatMulInteger (int32 out, no requantization; its accumulators ${bad ? `DIFFER at ${bad} sampled outputs` : 'match a plain loop'})`, 'MAC', [
    { name: 'onnxruntime-web MatMulInteger u8·s8 (wasm, 1 thread)', units: macs, externalMs: ortMmMs, baseline: true },
    { name: 'denseInt8 (default: wasm, with requantization)', units: macs, run: () => denseInt8(p) },
    { name: 'prepareDenseInt8 layer.run (weights prepared once, as ort prepacks)', units: macs, run: () => layer.run(a) },
  ]);
  layer.dispose();
}
