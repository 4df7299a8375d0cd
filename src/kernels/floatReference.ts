import { roundHalfAway } from './fixedPointMath.js';
import type { PreparedWeights } from './prepareLayer.js';
import { computePadding, type Padding } from './padding.js';

/*
 * Float references of the integer layers: dequantize the codes, run the float
 * operation in float64, quantize the result (half away, like TFLite) and clamp
 * to the activation range. The integer kernels must stay within one code of these.
 */

function quantizeOut(v: number, p: PreparedWeights): number {
  const q = roundHalfAway(v / p.outputQuant.scale) + p.outputQuant.zeroPoint;
  return Math.max(p.activationMin, Math.min(p.activationMax, q));
}

export function denseFloatReference(input: Int8Array | Uint8Array, batches: number, inDim: number, p: PreparedWeights): Int32Array {
  const outDim = p.weightScales.length;
  const out = new Int32Array(batches * outDim);
  const s = p.inputQuant.scale;
  for (let b = 0; b < batches; b++)
    for (let o = 0; o < outDim; o++) {
      let acc = 0;
      for (let i = 0; i < inDim; i++) {
        acc += s * (input[b * inDim + i]! - p.inputZeroPoint) * p.weightScales[o]! * p.weights[o * inDim + i]!;
      }
      if (p.bias) acc += p.bias[o]! * s * p.weightScales[o]!;
      out[b * outDim + o] = quantizeOut(acc, p);
    }
  return out;
}

export function conv2dFloatReference(
  input: Int8Array | Uint8Array,
  shape: readonly [number, number, number, number],
  kernel: readonly [number, number],
  p: PreparedWeights,
  opts: { stride?: number; dilation?: number; padding?: Padding; depthwise?: boolean; depthMultiplier?: number } = {},
): Int32Array {
  const [N, H, W, C] = shape;
  const [KH, KW] = kernel;
  const OC = p.weightScales.length;
  const stride = opts.stride ?? 1;
  const dil = opts.dilation ?? 1;
  const ph = computePadding(opts.padding ?? 'same', H, KH, stride, dil);
  const pw = computePadding(opts.padding ?? 'same', W, KW, stride, dil);
  const M = opts.depthMultiplier ?? 1;
  const out = new Int32Array(N * ph.outSize * pw.outSize * OC);
  const s = p.inputQuant.scale;
  for (let b = 0; b < N; b++)
    for (let oy = 0; oy < ph.outSize; oy++)
      for (let ox = 0; ox < pw.outSize; ox++)
        for (let oc = 0; oc < OC; oc++) {
          let acc = 0;
          for (let fy = 0; fy < KH; fy++)
            for (let fx = 0; fx < KW; fx++) {
              const iy = oy * stride - ph.padBefore + fy * dil;
              const ix = ox * stride - pw.padBefore + fx * dil;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              if (opts.depthwise) {
                const ic = Math.floor(oc / M);
                const x = s * (input[((b * H + iy) * W + ix) * C + ic]! - p.inputZeroPoint);
                acc += x * p.weightScales[oc]! * p.weights[(fy * KW + fx) * OC + oc]!;
              } else {
                for (let ic = 0; ic < C; ic++) {
                  const x = s * (input[((b * H + iy) * W + ix) * C + ic]! - p.inputZeroPoint);
                  acc += x * p.weightScales[oc]! * p.weights[((oc * KH + fy) * KW + fx) * C + ic]!;
                }
              }
            }
          if (p.bias) acc += p.bias[oc]! * s * p.weightScales[oc]!;
          out[((b * ph.outSize + oy) * pw.outSize + ox) * OC + oc] = quantizeOut(acc, p);
        }
  return out;
}
