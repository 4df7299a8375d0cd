import { UsageError } from '../errors.js';
import { checkCodes, checkShape, isInt } from './layerParams.js';
import { computePadding, type Padding } from './padding.js';

export interface PoolInt8Params {
  /** NHWC codes; pooling keeps the quantization (output scale and zero point = input's). */
  input: Int8Array | Uint8Array;
  inputShape: readonly [number, number, number, number];
  filter: number | readonly [number, number];
  stride?: number | readonly [number, number];
  padding?: Padding;
  /** Fused activation range in codes (default: the code type's range). */
  activationMin?: number;
  activationMax?: number;
}

function plan(p: PoolInt8Params, layer: string) {
  checkCodes(p.input, 'input', layer, true);
  const [N, H, W, C] = checkShape(p.inputShape, 4, 'inputShape', layer) as [number, number, number, number];
  if (p.input.length !== N * H * W * C) throw new UsageError(`${layer}: input has ${p.input.length} values, inputShape needs ${N * H * W * C}`);
  const pair = (v: number | readonly [number, number] | undefined, what: string): [number, number] => {
    const r: [number, number] = v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
    if (!r.every((x) => isInt(x) && x >= 1)) throw new UsageError(`${layer}: ${what} must be positive integers`);
    return r;
  };
  const [FH, FW] = pair(p.filter, 'filter');
  const [SH, SW] = pair(p.stride ?? p.filter, 'stride');
  const padding = p.padding ?? 'valid';
  const ph = computePadding(padding, H, FH, SH, 1);
  const pw = computePadding(padding, W, FW, SW, 1);
  const [qmin, qmax] = p.input instanceof Int8Array ? [-128, 127] : [0, 255];
  const actMin = p.activationMin ?? qmin;
  const actMax = p.activationMax ?? qmax;
  if (!isInt(actMin) || !isInt(actMax) || actMin < qmin || actMax > qmax || actMin > actMax) {
    throw new UsageError(`${layer}: activation range [${actMin}, ${actMax}] is not inside [${qmin}, ${qmax}]`);
  }
  const output = p.input instanceof Int8Array ? new Int8Array(N * ph.outSize * pw.outSize * C) : new Uint8Array(N * ph.outSize * pw.outSize * C);
  return { N, H, W, C, FH, FW, SH, SW, OH: ph.outSize, OW: pw.outSize, padTop: ph.padBefore, padLeft: pw.padBefore, actMin, actMax, output };
}

/**
 * TFLite reference_integer_ops::AveragePool: the sum over the window clipped
 * to the image, divided by the number of pixels in it, rounded half away from
 * zero ((sum ± count/2) / count with C++ truncating division), then clamped.
 */
export function averagePoolInt8(p: PoolInt8Params): { output: Int8Array | Uint8Array; outputShape: [number, number, number, number] } {
  const d = plan(p, 'averagePoolInt8');
  for (let b = 0; b < d.N; b++)
    for (let oy = 0; oy < d.OH; oy++)
      for (let ox = 0; ox < d.OW; ox++) {
        const y0 = oy * d.SH - d.padTop;
        const x0 = ox * d.SW - d.padLeft;
        const fyStart = Math.max(0, -y0);
        const fyEnd = Math.min(d.FH, d.H - y0);
        const fxStart = Math.max(0, -x0);
        const fxEnd = Math.min(d.FW, d.W - x0);
        for (let c = 0; c < d.C; c++) {
          let sum = 0;
          let count = 0;
          for (let fy = fyStart; fy < fyEnd; fy++)
            for (let fx = fxStart; fx < fxEnd; fx++) {
              sum += p.input[((b * d.H + y0 + fy) * d.W + x0 + fx) * d.C + c]!;
              count++;
            }
          if (count === 0) throw new UsageError('averagePoolInt8: a window lies entirely in the padding');
          const half = Math.trunc(count / 2);
          let avg = Math.trunc(sum > 0 ? (sum + half) / count : (sum - half) / count);
          avg = avg < d.actMin ? d.actMin : avg > d.actMax ? d.actMax : avg;
          d.output[((b * d.OH + oy) * d.OW + ox) * d.C + c] = avg;
        }
      }
  return { output: d.output, outputShape: [d.N, d.OH, d.OW, d.C] };
}

/** TFLite reference_integer_ops::MaxPool: the maximum over the window clipped to the image, then clamped. */
export function maxPoolInt8(p: PoolInt8Params): { output: Int8Array | Uint8Array; outputShape: [number, number, number, number] } {
  const d = plan(p, 'maxPoolInt8');
  for (let b = 0; b < d.N; b++)
    for (let oy = 0; oy < d.OH; oy++)
      for (let ox = 0; ox < d.OW; ox++) {
        const y0 = oy * d.SH - d.padTop;
        const x0 = ox * d.SW - d.padLeft;
        for (let c = 0; c < d.C; c++) {
          let m = -Infinity;
          for (let fy = Math.max(0, -y0); fy < Math.min(d.FH, d.H - y0); fy++)
            for (let fx = Math.max(0, -x0); fx < Math.min(d.FW, d.W - x0); fx++) {
              const v = p.input[((b * d.H + y0 + fy) * d.W + x0 + fx) * d.C + c]!;
              if (v > m) m = v;
            }
          m = Math.max(d.actMin, Math.min(d.actMax, m));
          d.output[((b * d.OH + oy) * d.OW + ox) * d.C + c] = m;
        }
      }
  return { output: d.output, outputShape: [d.N, d.OH, d.OW, d.C] };
}
