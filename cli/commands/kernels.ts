import type { Command } from 'commander';
import { UsageError } from '../../src/errors.js';
import { parseFormat } from '../../src/format/parseFormat.js';
import { resolveQuant, type AffineQuant, type QuantDtype } from '../../src/kernels/affine.js';
import { requantize, requantizeMultiplier } from '../../src/kernels/elementwise.js';
import { buildLookupTable } from '../../src/kernels/lookupTable.js';
import type { FusedActivation } from '../../src/kernels/activationRange.js';
import { activationRange } from '../../src/kernels/activationRange.js';
import { assertNotInput } from '../../src/io/atomicFile.js';
import { DTYPE_NAMES } from '../../src/io/npyDtype.js';
import { readNpy } from '../../src/io/readNpy.js';
import { writeNpy } from '../../src/io/writeNpy.js';

const DTYPE_OF_NPY: Record<string, QuantDtype> = { i1: 'int8', u1: 'uint8', i2: 'int16', u2: 'uint16' };

/** A quantization from the command line: a format spelling, or "scale,zeroPoint[,dtype]". */
export function parseQuantSpec(spec: string, defaultDtype: QuantDtype, flag: string): AffineQuant {
  const parts = spec.split(',').map((s) => s.trim());
  if (parts.length >= 2 && parts.length <= 3 && parts[0] !== '' && Number.isFinite(Number(parts[0]))) {
    const scale = Number(parts[0]);
    const zeroPoint = Number(parts[1]);
    const dtype = (parts[2] ?? defaultDtype) as QuantDtype;
    if (!['int8', 'uint8', 'int16', 'uint16'].includes(dtype)) throw new UsageError(`${flag}: dtype must be int8, uint8, int16 or uint16, got '${dtype}'`);
    return resolveQuant({ scale, zeroPoint, dtype });
  }
  try {
    return resolveQuant(parseFormat(spec));
  } catch (e) {
    throw new UsageError(`${flag}: '${spec}' is neither a format nor scale,zeroPoint[,dtype] (${(e as Error).message})`);
  }
}

const describeQuant = (q: AffineQuant) => `scale ${q.scale}, zero point ${q.zeroPoint}, ${q.dtype}`;

export function registerKernelCommands(program: Command): void {
  program
    .command('requantize')
    .description('requantize integer codes between quantizations with TFLite integer arithmetic (no float round trip)')
    .argument('<codes.npy>', 'int8/uint8/int16/uint16 codes')
    .requiredOption('--from <quant>', 'input quantization: a format (UQ3.5, relu6, Q3.4, …) or scale,zeroPoint[,dtype]')
    .requiredOption('--to <quant>', 'output quantization: a format or scale,zeroPoint[,dtype] (dtype defaults to the input type)')
    .requiredOption('-o, --output <out.npy>', "output .npy ('-' for stdout)")
    .option('--rounding <mode>', "MultiplyByQuantizedMultiplier variant: 'double' (TFLite default) or 'single'", 'double')
    .option('--activation <name>', 'fused clamp in the output quantization: none, relu, relu6, relu3, relu_n1_to_1, reluN=<n>', 'none')
    .addHelpText(
      'after',
      `
Examples:
  relu6q requantize codes.npy --from UQ3.5 --to UQ2.6 -o codes26.npy
  relu6q requantize codes.npy --from relu6 --to 0.0235294,-128,int8 --activation relu6 -o int8.npy`,
    )
    .action((input: string, flags: { from: string; to: string; output: string; rounding: string; activation: string }) => {
      if (flags.rounding !== 'double' && flags.rounding !== 'single') throw new UsageError(`--rounding must be double or single, got '${flags.rounding}'`);
      assertNotInput(flags.output, [input]);
      const arr = readNpy(input);
      const dtype = DTYPE_OF_NPY[arr.dtype];
      if (!dtype) throw new UsageError(`${input}: codes must be int8, uint8, int16 or uint16, got ${DTYPE_NAMES[arr.dtype]}`);
      const from = parseQuantSpec(flags.from, dtype, '--from');
      if (from.dtype !== dtype) throw new UsageError(`${input}: codes are ${dtype} but --from is ${from.dtype}`);
      const to = parseQuantSpec(flags.to, dtype, '--to');
      activationRange(flags.activation as FusedActivation, to.scale, to.zeroPoint, to.dtype); // validates the name
      const out = requantize(arr.data as Uint8Array, from, to, { rounding: flags.rounding, activation: flags.activation as FusedActivation });
      writeNpy(flags.output, out, arr.shape);
      const m = requantizeMultiplier(from.scale, to.scale, flags.rounding === 'single');
      process.stderr.write(
        `requantized ${out.length} codes (${describeQuant(from)}) → (${describeQuant(to)}): multiplier ${m.multiplier}, shift ${m.shift}, ${flags.rounding} rounding → ${flags.output}\n`,
      );
    });

  program
    .command('lut')
    .description('build the lookup table of an activation from an input to an output quantization')
    .argument('<activation>', 'sigmoid, tanh, softplus, elu:alpha=0.5, selu, swish, mish, relu6, relu3, reluN=4, …')
    .requiredOption('--in <quant>', 'input quantization: a format or scale,zeroPoint[,dtype] (dtype default int8)')
    .requiredOption('--out <quant>', 'output quantization: a format or scale,zeroPoint[,dtype] (dtype default int8)')
    .option('-o, --output <table.npy>', 'write the table as .npy (index = code − min code) instead of printing it')
    .option('--rounding <mode>', "'nearest-away' (TFLite LUTPopulate, default) or 'nearest-even'", 'nearest-away')
    .addHelpText(
      'after',
      `
Examples:
  relu6q lut sigmoid --in 0.0625,0 --out 0.00390625,-128
  relu6q lut relu6 --in relu6 --out UQ2.6 -o relu6_to_uq26.npy`,
    )
    .action((activation: string, flags: { in: string; out: string; output?: string; rounding: string }) => {
      if (flags.rounding !== 'nearest-away' && flags.rounding !== 'nearest-even') throw new UsageError(`--rounding must be nearest-away or nearest-even, got '${flags.rounding}'`);
      const a = parseQuantSpec(flags.in, 'int8', '--in');
      const b = parseQuantSpec(flags.out, 'int8', '--out');
      const lut = buildLookupTable(activation, a, b, { rounding: flags.rounding });
      if (flags.output) {
        writeNpy(flags.output, lut.table, [lut.table.length]);
        process.stderr.write(`${lut.activation}: ${lut.table.length}-entry table (${describeQuant(a)} → ${describeQuant(b)}) → ${flags.output}; entry i is input code ${lut.inputMinCode} + i\n`);
        return;
      }
      const lines = [`# ${lut.activation}: input ${describeQuant(a)} → output ${describeQuant(b)}`, '# in_code in_value out_code out_value'];
      for (let i = 0; i < lut.table.length; i++) {
        const q = lut.inputMinCode + i;
        const y = lut.table[i]!;
        lines.push(`${q}\t${Math.fround((q - a.zeroPoint) * a.scale)}\t${y}\t${Math.fround((y - b.zeroPoint) * b.scale)}`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
