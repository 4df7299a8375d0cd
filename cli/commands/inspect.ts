import type { Command } from 'commander';
import { TensorStatsAccumulator, type TensorStats } from '../../src/analysis/tensorStats.js';
import { DTYPE_NAMES } from '../../src/io/npyDtype.js';
import { formatShape } from '../../src/io/npyHeader.js';
import { openNpy, readNpy, toFloat64 } from '../../src/io/readNpy.js';
import { Progress } from '../run.js';
import { UsageError } from '../../src/errors.js';
import { inspectBundle } from './bundle.js';

export interface InspectResult extends TensorStats {
  file: string;
  shape: number[];
  dtype: string;
}

/** Stream a .npy file once and summarise it. */
export function inspectNpy(path: string, chunkElements = 1 << 20): InspectResult {
  const reader = openNpy(path);
  const acc = new TensorStatsAccumulator();
  const progress = new Progress(`inspect ${path}`);
  try {
    const h = reader.header;
    if (h.fortranOrder && h.shape.filter((n) => n > 1).length > 1) {
      // Order does not matter for these statistics, but keep to whole-file reads for Fortran order.
      acc.add(toFloat64(readNpy(path).data, path));
    } else {
      for (const { start, data } of reader.chunks(chunkElements)) {
        acc.add(data instanceof BigInt64Array || data instanceof BigUint64Array ? toFloat64(data, path) : (data as ArrayLike<number>));
        progress.update(start + data.length, h.size);
      }
    }
    return { file: path, shape: h.shape, dtype: DTYPE_NAMES[h.dtype], ...acc.result() };
  } finally {
    progress.done();
    reader.close();
  }
}

const num = (x: number): string => (Number.isNaN(x) ? 'n/a' : Number.isFinite(x) ? (Number.isInteger(x) ? String(x) : x.toPrecision(6)) : String(x));
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(3)}%` : 'n/a');

export function inspectText(r: InspectResult): string {
  return [
    `${r.file}`,
    `  shape     ${formatShape(r.shape)}  ${r.dtype}  ${r.count} values`,
    `  min/max   ${num(r.min)} / ${num(r.max)}`,
    `  mean/std  ${num(r.mean)} / ${num(r.std)}`,
    `  < 0       ${pct(r.fracBelow0)}`,
    `  > 3       ${pct(r.fracAbove3)}   (clipped by ReLU3)`,
    `  > 6       ${pct(r.fracAbove6)}   (clipped by ReLU6)`,
    `  NaN/±Inf  ${r.nan} / ${r.posInf} / ${r.negInf}`,
  ].join('\n');
}

export function registerInspect(program: Command): void {
  program
    .command('inspect')
    .description('summarise .npy files (shape, dtype, min, max, mean, std, fractions < 0, > 3, > 6, NaN/Inf) or list a bundle')
    .argument('<file...>', '.npy files, or .safetensors bundles (also .gz/.br)')
    .option('--json', 'print one JSON document')
    .addHelpText(
      'after',
      `
Examples:
  relu6q inspect fixtures/conv3_pointwise_preact.npy
  relu6q inspect fixtures/*.npy --json
  relu6q inspect acts.safetensors`,
    )
    .action(async (files: string[], opts: { json?: boolean }) => {
      const bundles = files.filter((f) => /\.safetensors(\.gz|\.br)?$/i.test(f));
      if (bundles.length) {
        if (bundles.length !== files.length) throw new UsageError('inspect either .npy files or safetensors bundles, not both at once');
        for (const b of bundles) process.stdout.write(await inspectBundle(b, Boolean(opts.json)));
        return;
      }
      const results = files.map((f) => inspectNpy(f));
      if (opts.json) {
        const clean = results.map((r) => JSON.parse(JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))));
        process.stdout.write(`${JSON.stringify(clean.length === 1 ? clean[0] : clean, null, 2)}\n`);
      } else {
        process.stdout.write(`${results.map(inspectText).join('\n\n')}\n`);
      }
    });
}
