import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { parseNanMode, parseOverflow, parseRounding } from '../../src/codec/modes.js';
import { UsageError } from '../../src/errors.js';
import { parseFormat } from '../../src/format/parseFormat.js';
import { assertNotInput } from '../../src/io/atomicFile.js';
import { exportBundle, importBundle, openBundle, tensorRecord } from '../../src/io/bundle.js';
import { floatTensorsOf } from '../../src/io/floatSources.js';
import { Progress, parseInteger } from '../run.js';

const kb = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

interface ExportFlags {
  output: string;
  format: string;
  rounding?: string;
  overflow?: string;
  nan?: string;
  seed?: string;
  nameFrom: string;
  compress: string;
  force?: boolean;
}

export function registerBundle(program: Command): void {
  program
    .command('export')
    .description('encode float tensors (.npy, .npz, .safetensors) into one compact safetensors bundle of codes with metadata')
    .argument('<in...>', 'input files: .npy, .npz or .safetensors (their float tensors)')
    .requiredOption('-o, --output <bundle.safetensors>', 'output bundle (with --compress: e.g. bundle.safetensors.gz)')
    .option('-f, --format <fmt>', "format for every tensor (relu6, relu3, uq3.5, Q3.4, …), or 'auto': per tensor the 8-bit UQm.n split with the least mse", 'relu6')
    .option('-r, --rounding <mode>', 'rounding mode (default nearest-even)')
    .option('--overflow <mode>', 'overflow mode (default saturate)')
    .option('--nan <mode>', 'NaN policy: error (default) | zero | min | max')
    .option('--seed <n>', 'seed for stochastic rounding')
    .option('--name-from <file|key>', "tensor names: 'key' (the file stem for .npy, the key inside .npz/.safetensors) or 'file' (stem, plus /key in containers)", 'key')
    .option('--compress <none|gzip|brotli>', 'compress the whole file with node:zlib', 'none')
    .option('--force', 'overwrite an existing output')
    .addHelpText(
      'after',
      `
Examples:
  relu6q export fixtures/*.npy -o acts.safetensors                 # ReLU6 → UQ3.5 codes, 1 byte per value
  relu6q export acts.npz -o acts.safetensors.gz --format auto --compress gzip
  relu6q export dump.safetensors -o small.safetensors --format UQ2.2   # 4-bit codes, bit-packed`,
    )
    .action(async (inputs: string[], flags: ExportFlags) => {
      if (!['none', 'gzip', 'brotli'].includes(flags.compress)) throw new UsageError(`--compress must be none, gzip or brotli, got '${flags.compress}'`);
      if (flags.nameFrom !== 'file' && flags.nameFrom !== 'key') throw new UsageError(`--name-from must be file or key, got '${flags.nameFrom}'`);
      if (flags.format !== 'auto') parseFormat(flags.format);
      assertNotInput(flags.output, inputs);
      const tensors = inputs.flatMap((f) => {
        const { tensors: ts, skipped } = floatTensorsOf(f, flags.nameFrom as 'file' | 'key');
        for (const s of skipped) process.stderr.write(`skipping non-float tensor ${s}\n`);
        return ts;
      });
      const progress = new Progress('export');
      let result;
      try {
        result = await exportBundle(tensors, flags.output, {
          format: flags.format,
          rounding: flags.rounding !== undefined ? parseRounding(flags.rounding) : undefined,
          overflow: flags.overflow !== undefined ? parseOverflow(flags.overflow) : undefined,
          nan: flags.nan !== undefined ? parseNanMode(flags.nan) : undefined,
          seed: flags.seed !== undefined ? parseInteger(flags.seed, '--seed') : undefined,
          compress: flags.compress as 'none' | 'gzip' | 'brotli',
          force: flags.force,
          onProgress: (d, t) => progress.update(d, t),
        });
      } finally {
        progress.done();
      }
      for (const t of result.tensors) {
        const r = t.record;
        process.stderr.write(
          `  ${t.name}: ${r.format}${r.packing ? ` (${r.bits}-bit packed)` : ''} ${r.storedDtype} ${JSON.stringify(r.shape)}, mse ${r.metrics.mse?.toExponential(3) ?? 'n/a'}, SQNR ${r.metrics.sqnrDb?.toFixed(2) ?? 'inf'} dB, clipped ${r.counts.clippedHigh + r.counts.clippedLow + r.counts.boundedHigh + r.counts.boundedLow}, NaN ${r.counts.nan}\n`,
        );
      }
      const final = result.compressedBytes ?? result.fileBytes;
      process.stderr.write(
        `wrote ${flags.output}: ${result.tensors.length} tensors, ${kb(final)} — ${(result.float32Bytes / final).toFixed(2)}x smaller than float32 (${kb(result.float32Bytes)})` +
          (result.compressedBytes !== null ? `, ${(result.codeBytes / result.compressedBytes).toFixed(2)}x smaller than the uncompressed codes (${kb(result.codeBytes)})` : '') +
          '\n',
      );
    });

  program
    .command('import')
    .description('decode a relu6q bundle (.safetensors, .gz or .br) to float32 .npy files (or one .npz), verifying each SHA-256')
    .argument('<bundle>', 'a bundle written by relu6q export')
    .requiredOption('-o, --output <dir|file.npz>', 'output directory (one .npy per tensor) or an .npz file')
    .option('-t, --tensor <name...>', 'only these tensors')
    .option('--force', 'overwrite existing outputs')
    .addHelpText(
      'after',
      `
Examples:
  relu6q import acts.safetensors -o decoded/
  relu6q import acts.safetensors.gz -o acts.npz --tensor conv3_pointwise_preact`,
    )
    .action(async (bundle: string, flags: { output: string; tensor?: string[]; force?: boolean }) => {
      assertNotInput(flags.output, [bundle]);
      const progress = new Progress('import');
      let r;
      try {
        r = await importBundle(bundle, flags.output, { tensors: flags.tensor, force: flags.force, onProgress: (d, t) => progress.update(d, t) });
      } finally {
        progress.done();
      }
      process.stderr.write(`verified and decoded ${r.tensors.length} tensors → ${r.written.join(', ')}\n`);
    });
}

/** `inspect` of a bundle: tensors, formats, sizes, compression ratio vs float32. */
export async function inspectBundle(path: string, json: boolean): Promise<string> {
  const { reader, cleanup } = await openBundle(path);
  try {
    const rows = reader.header.tensors.map((e) => {
      const rec = reader.header.metadata?.[`relu6q:${e.name}`] !== undefined ? tensorRecord(reader, e) : null;
      const count = rec ? rec.count : e.size;
      return { name: e.name, storedDtype: e.dtype, storedShape: e.shape, bytes: e.end - e.begin, format: rec?.format ?? null, packing: rec?.packing ?? null, shape: rec?.shape ?? e.shape, sourceDtype: rec?.sourceDtype ?? null, count, ratioVsFloat32: (4 * count) / Math.max(1, e.end - e.begin), metrics: rec?.metrics ?? null };
    });
    const fileBytes = statSync(path).size;
    const f32 = rows.reduce((a, r) => a + 4 * r.count, 0);
    const summary = { file: path, tensors: rows, fileBytes, float32Bytes: f32, ratioVsFloat32: f32 / fileBytes };
    if (json) return `${JSON.stringify(summary, null, 2)}\n`;
    const lines = [`${path}: ${rows.length} tensors, ${kb(fileBytes)} on disk, ${(f32 / fileBytes).toFixed(2)}x smaller than float32 (${kb(f32)})`];
    for (const r of rows) {
      lines.push(`  ${r.name.padEnd(28)} ${(r.format ?? r.storedDtype).padEnd(7)} ${r.packing ? `${r.packing.bits}-bit packed ` : ''}${JSON.stringify(r.shape)} ${kb(r.bytes)}  ${r.ratioVsFloat32.toFixed(2)}x vs float32${r.metrics?.sqnrDb != null ? `  SQNR ${r.metrics.sqnrDb.toFixed(2)} dB` : ''}`);
    }
    return `${lines.join('\n')}\n`;
  } finally {
    reader.close();
    await cleanup();
  }
}
