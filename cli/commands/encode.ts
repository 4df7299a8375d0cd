import type { Command } from 'commander';
import { parseActivation, type Activation } from '../../src/activations/registry.js';
import { addCounts, emptyCounts, encodeFixed, type EncodeCounts, type EncodeOptions } from '../../src/codec/encodeFixed.js';
import { parseNanMode, parseOverflow, parseRounding } from '../../src/codec/modes.js';
import { decodeFixed } from '../../src/codec/decodeFixed.js';
import { codeDtype, type FixedFormat } from '../../src/format/fixedFormat.js';
import { parseFormat } from '../../src/format/parseFormat.js';
import { AtomicFileWriter, assertNotInput, yieldToEventLoop } from '../../src/io/atomicFile.js';
import { DTYPE_NAMES, type NpyData } from '../../src/io/npyDtype.js';
import { buildNpyHeader } from '../../src/io/npyHeader.js';
import { openNpy, readNpy, toFloat64 } from '../../src/io/readNpy.js';
import { DataError, UsageError } from '../../src/errors.js';
import { Progress, parseInteger, parsePair } from '../run.js';
import { writeSync } from 'node:fs';

const CHUNK = 1 << 20;

/** Output sink for .npy written in pieces: an atomic file, or stdout for '-'. */
export class NpyOutput {
  private writer: AtomicFileWriter | null;
  constructor(readonly path: string) {
    this.writer = path === '-' ? null : new AtomicFileWriter(path);
  }
  write(bytes: Uint8Array): void {
    if (this.writer) this.writer.write(bytes);
    else {
      let off = 0;
      while (off < bytes.length) off += writeSync(1, bytes, off, bytes.length - off);
    }
  }
  commit(): void {
    this.writer?.commit();
  }
  abort(): void {
    this.writer?.abort();
  }
}

const asBytes = (a: NpyData): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Input values as floats: float32 stays float32, float64 stays float64, integers become float64. */
function asFloats(data: NpyData, file: string): Float32Array | Float64Array {
  if (data instanceof Float32Array || data instanceof Float64Array) return data;
  return toFloat64(data, file);
}

/** Iterate the float chunks of a .npy file in C order (whole-file read for Fortran order). */
export function* floatChunks(path: string, chunkElements = CHUNK): Generator<{ start: number; total: number; shape: number[]; values: Float32Array | Float64Array }> {
  const reader = openNpy(path);
  try {
    const h = reader.header;
    if (h.dtype === 'b1') throw new DataError(`${path}: bool arrays are not numeric input`);
    if (h.fortranOrder && h.shape.filter((n) => n > 1).length > 1) {
      yield { start: 0, total: h.size, shape: h.shape, values: asFloats(readNpy(path).data, path) };
      return;
    }
    if (h.size === 0) {
      yield { start: 0, total: 0, shape: h.shape, values: new Float32Array(0) };
      return;
    }
    for (const { start, data } of reader.chunks(chunkElements)) {
      yield { start, total: h.size, shape: h.shape, values: asFloats(data, path) };
    }
  } finally {
    reader.close();
  }
}

export function countsText(c: EncodeCounts): string {
  return `clipped high ${c.clippedHigh}, clipped low ${c.clippedLow}, bounded high ${c.boundedHigh}, bounded low ${c.boundedLow}, inexact ${c.inexact}, NaN ${c.nan}, +Inf ${c.posInf}, -Inf ${c.negInf}`;
}

interface EncodeFlags {
  output: string;
  format: string;
  rounding?: string;
  overflow?: string;
  nan?: string;
  bound?: string;
  activation?: string;
  seed?: string;
}

export function registerEncode(program: Command): void {
  program
    .command('encode')
    .description('quantize a float .npy to fixed-point codes (uint8/int8/uint16/int16 .npy); counts go to stderr')
    .argument('<in.npy>', 'input .npy (any numeric dtype; float32 typical)')
    .requiredOption('-o, --output <out.npy>', "output .npy of codes ('-' for stdout)")
    .requiredOption('-f, --format <fmt>', 'format: relu6, relu3, UQ3.5, Q3.4, ap_ufixed<8,3>, quantized_relu(8,3), …')
    .option('-r, --rounding <mode>', 'nearest-even (default) | nearest-away | nearest-up | nearest-down | nearest-zero | nearest-odd | floor | ceil | toward-zero | away-from-zero | stochastic')
    .option('--overflow <mode>', 'saturate (default) | wrap | saturate-zero | saturate-symmetric | error')
    .option('--nan <mode>', 'error (default) | zero | min | max')
    .option('--bound <lo,hi>', "clamp to [lo, hi] before encoding (presets set it; 'none' removes it)")
    .option('-a, --activation <name>', 'apply an activation first: relu6, relu, sigmoid, elu:alpha=0.5, reluN=4, …')
    .option('--seed <n>', 'seed for stochastic rounding (default 0)')
    .addHelpText(
      'after',
      `
Examples:
  relu6q encode fixtures/conv3_pointwise_preact.npy -o codes.npy --format relu6
  relu6q encode x.npy -o codes.npy --format UQ2.6 --activation relu3 --rounding nearest-away
  relu6q encode x.npy -o - --format 'ap_fixed<8,4>' --overflow wrap > codes.npy`,
    )
    .action(async (input: string, flags: EncodeFlags) => {
      const format = parseFormat(flags.format);
      const options: EncodeOptions = {};
      if (flags.rounding !== undefined) options.rounding = parseRounding(flags.rounding);
      if (flags.overflow !== undefined) options.overflow = parseOverflow(flags.overflow);
      if (flags.nan !== undefined) options.nan = parseNanMode(flags.nan);
      if (flags.bound !== undefined) options.bound = flags.bound === 'none' ? null : parsePair(flags.bound, '--bound');
      if (flags.seed !== undefined) options.seed = parseInteger(flags.seed, '--seed');
      const activation = flags.activation !== undefined ? parseActivation(flags.activation) : null;
      assertNotInput(flags.output, [input]);
      const result = await encodeFile(input, flags.output, format, options, activation);
      const bound = options.bound !== undefined ? options.bound : format.bound;
      process.stderr.write(
        `encoded ${result.count} values to ${format.name}${format.name !== format.spellings.q ? ` (${format.spellings.q})` : ''}` +
          `${bound ? ` bound [${bound[0]}, ${bound[1]}]` : ''}${activation ? ` after ${activation.spec}` : ''}, ` +
          `rounding ${result.rounding}, overflow ${result.overflow} → ${flags.output} (${DTYPE_NAMES[codeDtype(format)]})\n` +
          `  ${countsText(result.counts)}\n`,
      );
    });
}

/** Stream-encode a .npy file: bounded memory, atomic output, interruptible between chunks. */
export async function encodeFile(
  input: string,
  output: string,
  format: FixedFormat,
  options: EncodeOptions,
  activation: Activation | null,
): Promise<{ count: number; counts: EncodeCounts; rounding: string; overflow: string }> {
  const counts = emptyCounts();
  let out: NpyOutput | null = null;
  const progress = new Progress(`encode ${input}`);
  let rounding = '';
  let overflow = '';
  let count = 0;
  try {
    for (const { start, total, shape, values } of floatChunks(input)) {
      if (!out) {
        out = new NpyOutput(output);
        out.write(buildNpyHeader(codeDtype(format) === 'u1' || codeDtype(format) === 'i1' ? `|${codeDtype(format)}` : `<${codeDtype(format)}`, shape));
      }
      let x: Float32Array | Float64Array = values;
      if (activation) {
        const y = new Float64Array(values.length);
        for (let i = 0; i < values.length; i++) y[i] = activation.f(values[i]!);
        x = y;
      }
      const r = encodeFixed(x, format, { ...options, indexOffset: start });
      rounding = r.rounding;
      overflow = r.overflow;
      addCounts(counts, r.counts);
      out.write(asBytes(r.codes));
      count += values.length;
      progress.update(start + values.length, total);
      await yieldToEventLoop();
    }
    out?.commit();
  } catch (e) {
    out?.abort();
    throw e;
  } finally {
    progress.done();
  }
  return { count, counts, rounding, overflow };
}

interface DecodeFlags {
  output: string;
  format: string;
}

export function registerDecode(program: Command): void {
  program
    .command('decode')
    .description('decode a .npy of fixed-point codes to float32 .npy (exact: code · 2^-n)')
    .argument('<codes.npy>', 'codes written by encode (uint8/int8/uint16/int16)')
    .requiredOption('-o, --output <out.npy>', "output float32 .npy ('-' for stdout)")
    .requiredOption('-f, --format <fmt>', 'the format the codes are in, e.g. relu6 or UQ3.5')
    .addHelpText(
      'after',
      `
Examples:
  relu6q decode codes.npy -o values.npy --format relu6
  relu6q decode codes.npy -o - --format Q3.4 | python3 -c 'import numpy,sys,io; print(numpy.load(io.BytesIO(sys.stdin.buffer.read())))'`,
    )
    .action(async (input: string, flags: DecodeFlags) => {
      const format = parseFormat(flags.format);
      assertNotInput(flags.output, [input]);
      const reader = openNpy(input);
      const expected = codeDtype(format);
      const h = reader.header;
      const ok = h.dtype === expected || (format.bits < 8 && (h.dtype === 'u1' || h.dtype === 'i1'));
      reader.close();
      if (!ok) {
        throw new UsageError(
          `${input}: codes are ${DTYPE_NAMES[h.dtype]}, but ${format.name} codes are ${DTYPE_NAMES[expected]}`,
        );
      }
      const progress = new Progress(`decode ${input}`);
      let out: NpyOutput | null = null;
      let count = 0;
      try {
        const r2 = openNpy(input);
        try {
          out = new NpyOutput(flags.output);
          out.write(buildNpyHeader('<f4', h.shape));
          if (h.fortranOrder && h.shape.filter((n) => n > 1).length > 1) {
            const data = readNpy(input).data;
            out.write(asBytes(decodeFixed(data as Uint8Array, format)));
            count = data.length;
          } else {
            for (const { start, data } of r2.chunks(CHUNK)) {
              out.write(asBytes(decodeFixed(data as Uint8Array, format)));
              count += data.length;
              progress.update(start + data.length, h.size);
              await yieldToEventLoop();
            }
          }
        } finally {
          r2.close();
        }
        out.commit();
      } catch (e) {
        out?.abort();
        throw e;
      } finally {
        progress.done();
      }
      process.stderr.write(`decoded ${count} ${format.name} codes → ${flags.output} (float32)\n`);
    });
}
