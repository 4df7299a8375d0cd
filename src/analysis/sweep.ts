import { UsageError } from '../errors.js';
import { parseActivation } from '../activations/registry.js';
import { makeFixedFormat } from '../format/fixedFormat.js';
import { buildReport, type SchemeResult, type TensorSource } from './report.js';
import type { Scheme } from './schemes.js';

export interface SweepRow {
  format: string;
  intBits: number;
  fracBits: number;
  step: number;
  maxValue: number;
  /** 'relu' saturates at the format max; 'relu6'/'relu3' clamp at their bound first. */
  activation: string;
  scheme: string;
  mse: number;
  sqnrDb: number;
  clipFraction: number;
  clipMse: number;
  roundMse: number;
  best: boolean;
}

export interface Sweep {
  tool: 'relu6q';
  command: 'sweep';
  file: string;
  bits: number;
  rows: SweepRow[];
  best: { scheme: string; mse: number; reason: string };
}

/**
 * Every unsigned split UQm.n with m + n = bits (m = 0..bits), each with ReLU
 * (saturating at the format max) and with the ReLU6 / ReLU3 bound where it
 * lies inside the format's range (6 needs m >= 3, 3 needs m >= 2); metrics
 * against float32 ReLU; the lowest mse is marked best.
 */
export function bitSplitSweep(src: TensorSource, bits = 8, onProgress?: (done: number, total: number, label: string) => void): Sweep {
  if (!Number.isInteger(bits) || bits < 1 || bits > 16) throw new UsageError(`--bits must be an integer from 1 to 16, got ${bits}`);
  const schemes: Scheme[] = [];
  const meta: { format: ReturnType<typeof makeFixedFormat>; activation: string }[] = [];
  for (let m = 0; m <= bits; m++) {
    const format = makeFixedFormat({ signed: false, intBits: m, fracBits: bits - m });
    for (const act of ['relu', 'relu3', 'relu6']) {
      const a = parseActivation(act);
      if (a.bound && a.bound[1] > format.maxValue) continue;
      schemes.push({ kind: 'fixed', name: `${act}-${format.spellings.q.toLowerCase()}`, activation: a, format, rounding: 'nearest-even' });
      meta.push({ format, activation: act });
    }
  }
  const report = buildReport([src], { schemes, calibrator: 'minmax', onProgress });
  const results = report.files[0]!.schemes;
  let bestIdx = 0;
  results.forEach((r: SchemeResult, i: number) => {
    if (r.vsRelu.mse < results[bestIdx]!.vsRelu.mse) bestIdx = i;
  });
  const rows: SweepRow[] = results.map((r, i) => ({
    format: meta[i]!.format.spellings.q,
    intBits: meta[i]!.format.intBits,
    fracBits: meta[i]!.format.fracBits,
    step: meta[i]!.format.step,
    maxValue: meta[i]!.format.maxValue,
    activation: meta[i]!.activation,
    scheme: r.name,
    mse: r.vsRelu.mse,
    sqnrDb: r.vsRelu.sqnrDb,
    clipFraction: r.vsRelu.clipFraction,
    clipMse: r.vsRelu.clipMse,
    roundMse: r.vsRelu.roundMse,
    best: i === bestIdx,
  }));
  return { tool: 'relu6q', command: 'sweep', file: src.name, bits, rows, best: { scheme: rows[bestIdx]!.scheme, mse: rows[bestIdx]!.mse, reason: 'lowest mse vs float32 ReLU' } };
}
