import { UsageError } from '../errors.js';
import { freeLayerPlan, prepareLayerWasm, type LayerPlan } from '../wasm/layersWasm.js';
import { offWasm, wasm } from '../wasm/runtime.js';
import { callHelper, type PendingCall } from '../wasm/helperThread.js';
import { allocateOut, denseInt8, runDenseWasm, wasmOutputParams, type DenseInt8Params } from './dense.js';
import { checkBias, checkCodes, checkShape, checkZeroPoint, resolveOutputStage } from './layerParams.js';

/*
 * Prepared dense layers: the weights validated, widened and summed once in wasm memory, for an
 * inference loop that calls the same layer many times (what TFLite's Prepare and ONNX Runtime's
 * prepacking do for constant weights). Results are bit for bit those of denseInt8.
 */

/** A dense layer whose weights are prepared once: see prepareDenseInt8. */
export interface DenseInt8Layer {
  readonly inDim: number;
  readonly outDim: number;
  /** Run the layer on [batches, inDim] codes (batches = input.length / inDim); same result as denseInt8. */
  run(input: Int8Array | Uint8Array): Int8Array | Uint8Array;
  /** Threads the layer splits its rows over: 1, or 2 when a helper thread was requested and could start. */
  readonly threads: number;
  /** Release the layer's wasm memory now (otherwise when the layer is garbage-collected). */
  dispose(): void;
}

export interface PrepareOptions {
  /**
   * 2: split the rows of each run with a helper thread (worker_threads; the machine this was
   * built on has 2 cores), when a run has at least PARALLEL_MIN_MACS multiply-accumulates and two
   * rows. Results are identical; 1 (the default) never starts a thread.
   */
  threads?: 1 | 2;
}

/**
 * Below this many MACs a run stays on one thread: the hand-off (a message each way and a wake-up) then
 * costs about what the second thread saves (measured at 2^21 MACs, 8×512·512×512: 0.089 → 0.076 ms).
 */
export const PARALLEL_MIN_MACS = 1 << 21;

let nextLayerId = 1;
const helperLayers = new FinalizationRegistry<number>((id) => callHelper({ op: 'dispose', id }));

export type DenseInt8LayerParams = Omit<DenseInt8Params, 'input' | 'inputShape'>;

const layerBlocks = new FinalizationRegistry<LayerPlan>((plan) => freeLayerPlan(plan));

/**
 * Prepare a dense layer for repeated calls, as TFLite and ONNX Runtime prepack constant weights:
 * the weights are validated, widened to int16 and their row sums and the per-channel terms are
 * computed once, in wasm memory. The layer is a snapshot: writing to `weights` (or the
 * multiplier arrays) afterwards does not change it — prepare again for new weights. Results are
 * bit-for-bit those of denseInt8 with the same parameters, on either backend.
 */
export function prepareDenseInt8(p: DenseInt8LayerParams, options: PrepareOptions = {}): DenseInt8Layer {
  const layer = 'denseInt8';
  const threads = options.threads ?? 1;
  if (threads !== 1 && threads !== 2) throw new UsageError(`${layer}: threads must be 1 or 2, got ${String(threads)}`);
  checkCodes(p.weights, 'weights', layer, false);
  const [outDim, inDim] = checkShape(p.weightsShape, 2, 'weightsShape', layer) as [number, number];
  if (p.weights.length !== outDim * inDim) throw new UsageError(`${layer}: weights have ${p.weights.length} values, weightsShape needs ${outDim * inDim}`);
  if (!Number.isInteger(p.inputZeroPoint) || p.inputZeroPoint < -128 || p.inputZeroPoint > 255) {
    throw new UsageError(`${layer}: inputZeroPoint ${String(p.inputZeroPoint)} is not an integer in [-128, 255]`);
  }
  const weightZeroPoint = checkZeroPoint(p.weightZeroPoint ?? 0, p.weights, 'weightZeroPoint', layer);
  const out = resolveOutputStage(p, outDim, layer);
  // Snapshot everything the layer keeps (the TypeScript path runs from these copies).
  const { input: _input, inputShape: _shape, ...layerOnly } = p as Partial<DenseInt8Params> & DenseInt8LayerParams;
  const snapshot: DenseInt8LayerParams = {
    ...layerOnly,
    weights: p.weights.slice(),
    bias: checkBias(p.bias, outDim, layer)?.slice() ?? null,
    outputMultiplier: out.multipliers.slice(),
    outputShift: out.shifts.slice(),
  };
  const d = { weights: snapshot.weights, inDim, outDim, inputOffset: -p.inputZeroPoint, weightOffset: -weightZeroPoint, bias: snapshot.bias, out };
  const params = wasmOutputParams(d);
  let plan = wasm() ? prepareLayerWasm(snapshot.weights, outDim, inDim, params, true) : null;
  let disposed = false;
  // The helper thread prepares its own copy of the layer (it computes with the same kernels).
  let helperId: number | null = null;
  if (threads === 2) {
    const id = nextLayerId++;
    try {
      if (callHelper({ op: 'prepare', id, params: snapshot })?.wait()) helperId = id;
    } catch {
      helperId = null; // no helper thread here: one thread it is
    }
  }
  const self: DenseInt8Layer = {
    inDim,
    outDim,
    get threads() {
      return helperId === null ? 1 : 2;
    },
    run(input) {
      if (disposed) throw new UsageError(`${layer}: this prepared layer was disposed`);
      checkCodes(input, 'input', layer, true);
      if (input.length === 0 || input.length % inDim !== 0) throw new UsageError(`${layer}: input has ${input.length} values, not a positive multiple of inDim ${inDim}`);
      checkZeroPoint(p.inputZeroPoint, input, 'inputZeroPoint', layer);
      const batches = input.length / inDim;
      const result = allocateOut(out, batches * outDim);
      // With a helper thread, it takes the second half of the rows (a copy, transferred) while
      // this thread computes the first half.
      const mine = helperId !== null && batches >= 2 && batches * inDim * outDim >= PARALLEL_MIN_MACS ? Math.ceil(batches / 2) : batches;
      let pending: PendingCall | null = null;
      if (mine < batches) {
        const theirs = input.slice(mine * inDim);
        pending = callHelper({ op: 'run', id: helperId, input: theirs }, [theirs.buffer as ArrayBuffer]);
      }
      const rows = pending ? mine : batches;
      const head = rows === batches ? input : input.subarray(0, rows * inDim);
      if (!plan || !wasm()) result.set(denseInt8({ ...snapshot, input: head, inputShape: [rows, inDim] }));
      else runDenseWasm(plan, params, d, offWasm(head), rows, result);
      if (pending) result.set((pending.wait() as { out: Int8Array | Uint8Array }).out, rows * outDim);
      return result;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      if (helperId !== null) {
        helperLayers.unregister(self);
        callHelper({ op: 'dispose', id: helperId })?.wait();
      }
      if (plan) {
        layerBlocks.unregister(self);
        freeLayerPlan(plan);
        plan = null;
      }
    },
  };
  if (plan) layerBlocks.register(self, plan, self);
  if (helperId !== null) helperLayers.register(self, helperId, self);
  return self;
}
