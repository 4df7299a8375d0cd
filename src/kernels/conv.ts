import { offWasm } from '../wasm/runtime.js';
import { UsageError } from '../errors.js';
import { dotRows } from './dense.js';
import { depthwiseRequant, matmulRequant, matmulRequantBytes, prepareLayerWasm } from '../wasm/layersWasm.js';
import { wasm } from '../wasm/runtime.js';
import { mbqmUnchecked, multiplyByQuantizedMultiplier } from './fixedPointMath.js';
import { checkBias, checkCodes, checkShape, checkZeroPoint, isInt, resolveOutputStage, type OutputStage, type ResolvedOutputStage } from './layerParams.js';
import { computePadding, type Padding } from './padding.js';

export interface ConvCommon extends OutputStage {
  /** NHWC input codes: int8, or uint8 (e.g. UQ3.5 ReLU6 outputs). */
  input: Int8Array | Uint8Array;
  inputShape: readonly [number, number, number, number];
  inputZeroPoint: number;
  weights: Int8Array;
  weightZeroPoint?: number;
  bias: Int32Array | null;
  stride?: number | readonly [number, number];
  dilation?: number | readonly [number, number];
  padding?: Padding;
}

export interface Conv2dInt8Params extends ConvCommon {
  /** OHWI: [outChannels, kernelH, kernelW, inChannels]. */
  weightsShape: readonly [number, number, number, number];
}

export interface DepthwiseConv2dInt8Params extends ConvCommon {
  /** [1, kernelH, kernelW, inChannels · depthMultiplier] (TFLite layout). */
  weightsShape: readonly [number, number, number, number];
  depthMultiplier?: number;
}

export interface ConvResult {
  output: Int8Array | Uint8Array;
  outputShape: [number, number, number, number];
}

interface ConvPlan {
  input: Int8Array | Uint8Array;
  weights: Int8Array;
  N: number;
  H: number;
  W: number;
  C: number;
  KH: number;
  KW: number;
  OC: number;
  OH: number;
  OW: number;
  strideH: number;
  strideW: number;
  dilH: number;
  dilW: number;
  padTop: number;
  padLeft: number;
  inputOffset: number;
  weightOffset: number;
  inputZeroPoint: number;
  bias: Int32Array | null;
  out: ResolvedOutputStage;
  depthMultiplier: number;
}

function pair(v: number | readonly [number, number] | undefined, what: string, layer: string): [number, number] {
  const p: [number, number] = v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => isInt(x) && x >= 1)) throw new UsageError(`${layer}: ${what} must be positive integers, got ${JSON.stringify(v)}`);
  return p;
}

function planConv(p: ConvCommon & { weightsShape: readonly number[] }, layer: string, depthwise: boolean, depthMultiplier = 1): ConvPlan {
  checkCodes(p.input, 'input', layer, true);
  checkCodes(p.weights, 'weights', layer, false);
  const [N, H, W, C] = checkShape(p.inputShape, 4, 'inputShape', layer) as [number, number, number, number];
  const [w0, KH, KW, w3] = checkShape(p.weightsShape, 4, 'weightsShape', layer) as [number, number, number, number];
  if (p.input.length !== N * H * W * C) throw new UsageError(`${layer}: input has ${p.input.length} values, inputShape needs ${N * H * W * C}`);
  if (p.weights.length !== w0 * KH * KW * w3) throw new UsageError(`${layer}: weights have ${p.weights.length} values, weightsShape needs ${w0 * KH * KW * w3}`);
  let OC: number;
  if (depthwise) {
    if (!isInt(depthMultiplier) || depthMultiplier < 1) throw new UsageError(`${layer}: depthMultiplier must be a positive integer`);
    if (w0 !== 1) throw new UsageError(`${layer}: weightsShape[0] must be 1 (TFLite depthwise layout [1, KH, KW, C·M])`);
    OC = C * depthMultiplier;
    if (w3 !== OC) throw new UsageError(`${layer}: weights have ${w3} channels, input ${C} × depth multiplier ${depthMultiplier} = ${OC}`);
  } else {
    if (w3 !== C) throw new UsageError(`${layer}: weights expect ${w3} input channels, the input has ${C}`);
    OC = w0;
  }
  const [strideH, strideW] = pair(p.stride, 'stride', layer);
  const [dilH, dilW] = pair(p.dilation, 'dilation', layer);
  const padding = p.padding ?? 'same';
  const ph = computePadding(padding, H, KH, strideH, dilH);
  const pw = computePadding(padding, W, KW, strideW, dilW);
  const inputZeroPoint = checkZeroPoint(p.inputZeroPoint, p.input, 'inputZeroPoint', layer);
  const weightZeroPoint = checkZeroPoint(p.weightZeroPoint ?? 0, p.weights, 'weightZeroPoint', layer);
  return {
    // Inputs living in wasm memory are copied out first: a scratch growth would detach them mid-call.
    input: offWasm(p.input),
    weights: offWasm(p.weights),
    N, H, W, C, KH, KW, OC,
    OH: ph.outSize,
    OW: pw.outSize,
    strideH, strideW, dilH, dilW,
    padTop: ph.padBefore,
    padLeft: pw.padBefore,
    inputOffset: -inputZeroPoint,
    weightOffset: -weightZeroPoint,
    inputZeroPoint,
    bias: checkBias(p.bias, OC, layer),
    out: resolveOutputStage(p, OC, layer),
    depthMultiplier,
  };
}

function requantizeOne(acc: number, oc: number, out: ResolvedOutputStage, single: boolean): number {
  const y = mbqmUnchecked(acc, out.multipliers[oc]!, out.shifts[oc]!, single) + out.zeroPoint;
  return y < out.actMin ? out.actMin : y > out.actMax ? out.actMax : y;
}

function allocate(d: ConvPlan): Int8Array | Uint8Array {
  const n = d.N * d.OH * d.OW * d.OC;
  return d.out.dtype === 'int8' ? new Int8Array(n) : new Uint8Array(n);
}

/**
 * Reference integer conv2d, literally TFLite's reference_integer_ops::ConvPerChannel
 * (NHWC input, OHWI filter, positions outside the image skipped), with an
 * optional filter offset as in the legacy uint8 Conv.
 */
export function conv2dInt8Reference(p: Conv2dInt8Params): ConvResult {
  const d = planConv(p, 'conv2dInt8', false);
  const output = allocate(d);
  const { out } = d;
  for (let b = 0; b < d.N; b++)
    for (let oy = 0; oy < d.OH; oy++)
      for (let ox = 0; ox < d.OW; ox++)
        for (let oc = 0; oc < d.OC; oc++) {
          const iy0 = oy * d.strideH - d.padTop;
          const ix0 = ox * d.strideW - d.padLeft;
          let acc = 0;
          for (let fy = 0; fy < d.KH; fy++)
            for (let fx = 0; fx < d.KW; fx++) {
              const iy = iy0 + d.dilH * fy;
              const ix = ix0 + d.dilW * fx;
              if (iy < 0 || iy >= d.H || ix < 0 || ix >= d.W) continue;
              for (let ic = 0; ic < d.C; ic++) {
                const x = d.input[((b * d.H + iy) * d.W + ix) * d.C + ic]!;
                const w = d.weights[((oc * d.KH + fy) * d.KW + fx) * d.C + ic]!;
                acc = (acc + Math.imul(w + d.weightOffset, x + d.inputOffset)) | 0;
              }
            }
          if (d.bias) acc = (acc + d.bias[oc]!) | 0;
          let y = multiplyByQuantizedMultiplier(acc, out.multipliers[oc]!, out.shifts[oc]!, { rounding: out.rounding }) + out.zeroPoint;
          y = Math.max(out.actMin, Math.min(out.actMax, y));
          output[((b * d.OH + oy) * d.OW + ox) * d.OC + oc] = y;
        }
  return { output, outputShape: [d.N, d.OH, d.OW, d.OC] };
}

/**
 * Copy the input into a zero-padded buffer whose border holds the input zero
 * point: a border value contributes (zp − zp) = 0, exactly as TFLite skipping
 * positions outside the image, so the fast loops need no bounds tests.
 */
/** Height and width of the zero-point-padded input: the image at (padTop, padLeft) and every tap of every output. */
function paddedSize(d: ConvPlan): { PH: number; PW: number } {
  const effH = (d.KH - 1) * d.dilH + 1;
  const effW = (d.KW - 1) * d.dilW + 1;
  return { PH: Math.max(d.H + d.padTop, (d.OH - 1) * d.strideH + effH), PW: Math.max(d.W + d.padLeft, (d.OW - 1) * d.strideW + effW) };
}

function padInput(d: ConvPlan): { data: Float64Array; PH: number; PW: number } {
  const { PH, PW } = paddedSize(d);
  // float64: the MAC loops then run on doubles (exact integers below 2^53, no overflow checks).
  const data = new Float64Array(d.N * PH * PW * d.C).fill(d.inputZeroPoint);
  for (let b = 0; b < d.N; b++)
    for (let y = 0; y < d.H; y++) {
      const src = ((b * d.H + y) * d.W) * d.C;
      const dst = ((b * PH + y + d.padTop) * PW + d.padLeft) * d.C;
      for (let i = 0; i < d.W * d.C; i++) data[dst + i] = d.input[src + i]!;
    }
  return { data, PH, PW };
}

/**
 * Integer conv2d with TFLite int8 semantics (bit-exact with conv2dInt8Reference):
 * NHWC input, OHWI weights, stride, dilation, 'same'/'valid' padding,
 * per-tensor or per-channel requantization, fused clamp.
 *
 * Fast path: the input is padded once with its zero point (a border value
 * contributes (zp − zp)·w = 0, as TFLite's skipped positions do); each output
 * pixel's receptive field is gathered into one contiguous patch of KH·KW·C
 * values, and all output channels are dot products of that patch with the
 * OHWI weight rows (denseInt8's dotRows, four rows per input load). Zero
 * points are folded out: Σ(w+wo)(x+xo) = Σwx + xo·Σw + wo·Σx + K·wo·xo, equal
 * mod 2^32 to int32 accumulation.
 */
export function conv2dInt8(p: Conv2dInt8Params): ConvResult {
  const d = planConv(p, 'conv2dInt8', false);
  const output = allocate(d);
  const { KH, KW, C, OC, out } = d;
  const K = KH * KW * C;
  const P = d.N * d.OH * d.OW;
  const xo = d.inputOffset;
  const wo = d.weightOffset;
  const single = out.rounding === 'single';
  const constTerm = Math.imul(Math.imul(K, wo), xo);
  const colTerm = (weightSum: number, oc: number) => (Math.imul(xo, weightSum) + (d.bias ? d.bias[oc]! : 0)) | 0;
  if (wasm()) {
    // WebAssembly SIMD: blocks of gathered patches (im2col) as int16 rows × the int16 weights,
    // requantized in wasm. A 1x1, stride-1 convolution needs no gathering: its rows are the pixels.
    const params = { colTerms: (ws: Int32Array) => Int32Array.from(ws, colTerm), multipliers: out.multipliers, shifts: out.shifts, zeroPoint: out.zeroPoint, actMin: out.actMin, actMax: out.actMax, single };
    const plan = prepareLayerWasm(d.weights, OC, K, params)!;
    const pointwise = KH === 1 && KW === 1 && d.strideH === 1 && d.strideW === 1 && d.OH === d.H && d.OW === d.W;
    if (pointwise && C % 16 === 0) {
      matmulRequantBytes(plan, P, d.input, (sums, into) => {
        for (let r = 0; r < sums.length; r++) into[r] = (Math.imul(wo, sums[r]!) + constTerm) | 0;
      }, params, output);
      return { output, outputShape: [d.N, d.OH, d.OW, d.OC] };
    }
    const padded = padInput(d);
    const xSums = new Int32Array(P);
    matmulRequant(
      plan,
      P,
      (rows, first, count) => {
        if (plan.Dp !== K) rows.fill(0);
        for (let r = 0; r < count; r++) xSums[first + r] = gatherPatch(d, padded, first + r, rows, r * plan.Dp);
      },
      (first, count, into) => {
        for (let r = 0; r < count; r++) into[r] = (Math.imul(wo, xSums[first + r]!) + constTerm) | 0;
      },
      params,
      output,
    );
    return { output, outputShape: [d.N, d.OH, d.OW, d.OC] };
  }
  const padded = padInput(d);
  const w64 = new Float64Array(OC * K);
  const colTerms = new Int32Array(OC);
  for (let oc = 0; oc < OC; oc++) {
    let s = 0;
    for (let k = 0; k < K; k++) {
      const w = d.weights[oc * K + k]!;
      w64[oc * K + k] = w;
      s += w;
    }
    colTerms[oc] = colTerm(s, oc);
  }
  const patch = new Float64Array(K);
  const accs = new Int32Array(OC);
  for (let pix = 0; pix < P; pix++) {
    const xSum = gatherPatch(d, padded, pix, patch, 0);
    dotRows(patch, 0, w64, K, OC, accs);
    const pixelTerm = (Math.imul(wo, xSum) + constTerm) | 0;
    for (let oc = 0; oc < OC; oc++) output[pix * OC + oc] = requantizeOne((accs[oc]! + colTerms[oc]! + pixelTerm) | 0, oc, out, single);
  }
  return { output, outputShape: [d.N, d.OH, d.OW, d.OC] };
}

/**
 * Copy the receptive field of output pixel `pix` (row-major over N, OH, OW) from the padded
 * input into dst[off …] as KH·KW·C values; returns their sum (for the weight zero-point term).
 */
function gatherPatch(d: ConvPlan, padded: { data: Float64Array; PH: number; PW: number }, pix: number, dst: Int16Array | Float64Array, off: number): number {
  const { data, PH, PW } = padded;
  const b = Math.floor(pix / (d.OH * d.OW));
  const oy = Math.floor(pix / d.OW) % d.OH;
  const ox = pix % d.OW;
  let k = off;
  let sum = 0;
  for (let fy = 0; fy < d.KH; fy++)
    for (let fx = 0; fx < d.KW; fx++) {
      const base = ((b * PH + oy * d.strideH + fy * d.dilH) * PW + ox * d.strideW + fx * d.dilW) * d.C;
      for (let c = 0; c < d.C; c++) {
        const v = data[base + c]!;
        dst[k++] = v;
        sum += v;
      }
    }
  return sum;
}

/**
 * Reference integer depthwise conv2d, literally TFLite's
 * reference_integer_ops::DepthwiseConvPerChannel: output channel
 * oc = ic·M + m reads input channel ic with filter[0, fy, fx, oc].
 */
export function depthwiseConv2dInt8Reference(p: DepthwiseConv2dInt8Params): ConvResult {
  const d = planConv(p, 'depthwiseConv2dInt8', true, p.depthMultiplier ?? 1);
  const output = allocate(d);
  const { out } = d;
  const M = d.depthMultiplier;
  for (let b = 0; b < d.N; b++)
    for (let oy = 0; oy < d.OH; oy++)
      for (let ox = 0; ox < d.OW; ox++)
        for (let ic = 0; ic < d.C; ic++)
          for (let m = 0; m < M; m++) {
            const oc = ic * M + m;
            const iy0 = oy * d.strideH - d.padTop;
            const ix0 = ox * d.strideW - d.padLeft;
            let acc = 0;
            for (let fy = 0; fy < d.KH; fy++)
              for (let fx = 0; fx < d.KW; fx++) {
                const iy = iy0 + d.dilH * fy;
                const ix = ix0 + d.dilW * fx;
                if (iy < 0 || iy >= d.H || ix < 0 || ix >= d.W) continue;
                const x = d.input[((b * d.H + iy) * d.W + ix) * d.C + ic]!;
                const w = d.weights[(fy * d.KW + fx) * d.OC + oc]!;
                acc = (acc + Math.imul(w + d.weightOffset, x + d.inputOffset)) | 0;
              }
            if (d.bias) acc = (acc + d.bias[oc]!) | 0;
            let y = multiplyByQuantizedMultiplier(acc, out.multipliers[oc]!, out.shifts[oc]!, { rounding: out.rounding }) + out.zeroPoint;
            y = Math.max(out.actMin, Math.min(out.actMax, y));
            output[((b * d.OH + oy) * d.OW + ox) * d.OC + oc] = y;
          }
  return { output, outputShape: [d.N, d.OH, d.OW, d.OC] };
}

/**
 * Integer depthwise conv2d (TFLite semantics, bit-exact with the reference):
 * accumulates a whole pixel's channels at once, so every inner loop runs over
 * contiguous channels of the zero-point-padded input and the filter.
 */
export function depthwiseConv2dInt8(p: DepthwiseConv2dInt8Params): ConvResult {
  const d = planConv(p, 'depthwiseConv2dInt8', true, p.depthMultiplier ?? 1);
  const output = allocate(d);
  const { KH, KW, C, OC, out } = d;
  const M = d.depthMultiplier;
  const xo = d.inputOffset;
  const wo = d.weightOffset;
  const single = out.rounding === 'single';
  if (M === 1 && wasm()) {
    // WebAssembly SIMD: the image padded and widened in wasm, eight channels per lane group,
    // int16 × int16 → int32 (extmul), requantized in wasm.
    const Cp = Math.ceil(C / 8) * 8;
    const { PH, PW } = paddedSize(d);
    const taps: { fy: number; fx: number }[] = [];
    for (let fy = 0; fy < KH; fy++) for (let fx = 0; fx < KW; fx++) taps.push({ fy, fx });
    // Σ (w + wo)(x + xo) = Σ (w + wo)·x + xo·Σ (w + wo): the second term, with the bias, per channel.
    const colTerms = new Int32Array(C);
    for (let c = 0; c < C; c++) {
      let sw = 0;
      for (let t = 0; t < taps.length; t++) sw += d.weights[t * OC + c]! + wo;
      colTerms[c] = ((d.bias ? d.bias[c]! : 0) + Math.imul(xo, sw)) | 0;
    }
    const params = { colTerms, multipliers: out.multipliers, shifts: out.shifts, zeroPoint: out.zeroPoint, actMin: out.actMin, actMax: out.actMax, single };
    const plan = prepareLayerWasm(null, C, C, params)!;
    const image = d.H * d.W * C;
    for (let b = 0; b < d.N; b++) {
      depthwiseRequant(
        plan,
        d.input.subarray(b * image, (b + 1) * image),
        { H: d.H, W: d.W, C, padTop: d.padTop, padLeft: d.padLeft, PH, PW, fill: d.inputZeroPoint },
        (view) => {
          view.fill(0);
          for (let t = 0; t < taps.length; t++) for (let c = 0; c < C; c++) view[t * Cp + c] = d.weights[t * OC + c]! + wo;
        },
        taps,
        { dilH: d.dilH, dilW: d.dilW, OH: d.OH, OW: d.OW, strideH: d.strideH, strideW: d.strideW },
        params,
        output,
        b * d.OH * d.OW * OC,
      );
    }
    return { output, outputShape: [d.N, d.OH, d.OW, d.OC] };
  }
  const { data, PH, PW } = padInput(d);
  const wOff = new Float64Array(d.weights.length);
  for (let i = 0; i < wOff.length; i++) wOff[i] = d.weights[i]! + wo;
  const acc = new Float64Array(OC);
  for (let b = 0; b < d.N; b++)
    for (let oy = 0; oy < d.OH; oy++)
      for (let ox = 0; ox < d.OW; ox++) {
        acc.fill(0);
        for (let fy = 0; fy < KH; fy++)
          for (let fx = 0; fx < KW; fx++) {
            const xBase = ((b * PH + oy * d.strideH + fy * d.dilH) * PW + ox * d.strideW + fx * d.dilW) * C;
            depthwiseTap(acc, wOff, (fy * KW + fx) * OC, data, xBase, C, M, xo);
          }
        const outBase = ((b * d.OH + oy) * d.OW + ox) * OC;
        for (let oc = 0; oc < OC; oc++) {
          // The float64 sum is exact; |0 wraps it as int32 accumulation would.
          let a = acc[oc]! | 0;
          if (d.bias) a = (a + d.bias[oc]!) | 0;
          output[outBase + oc] = requantizeOne(a, oc, out, single);
        }
      }
  return { output, outputShape: [d.N, d.OH, d.OW, d.OC] };
}

/** acc[ic·M + m] += (w + wo)[tap, ic·M + m] · (x[ic] + xo) over one filter tap, contiguous in channels. */
function depthwiseTap(acc: Float64Array, w: Float64Array, wBase: number, x: Float64Array, xBase: number, C: number, M: number, xo: number): void {
  if (M === 1) {
    for (let c = 0; c < C; c++) acc[c] += w[wBase + c]! * (x[xBase + c]! + xo);
    return;
  }
  for (let ic = 0; ic < C; ic++) {
    const v = x[xBase + ic]! + xo;
    const o = ic * M;
    for (let m = 0; m < M; m++) acc[o + m] += w[wBase + o + m]! * v;
  }
}
