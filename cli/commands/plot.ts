import type { Command } from 'commander';
import { parseRounding } from '../../src/codec/modes.js';
import { UsageError } from '../../src/errors.js';
import { parseScheme } from '../../src/analysis/schemes.js';
import { assertNotInput, writeFileAtomic } from '../../src/io/atomicFile.js';
import { npyTensorSource } from '../../src/io/npySource.js';
import { activationFigure } from '../../src/plot/activationFigure.js';
import { DEFAULT_MARKERS, histogramFigure } from '../../src/plot/histogramFigure.js';
import { staircaseFigure } from '../../src/plot/staircaseFigure.js';
import { parseInteger, parsePair } from '../run.js';
import { bitSplitSweep } from '../../src/analysis/sweep.js';
import { sweepFigure } from '../../src/plot/sweepFigure.js';

interface PlotFlags {
  gradient?: boolean;
  range?: string;
  output?: string;
  quantized?: string;
  histogram?: string;
  log?: boolean;
  scheme?: string;
  rounding?: string;
  sweep?: string;
  bits?: string;
}

export function registerPlot(program: Command): void {
  program
    .command('plot')
    .description('draw activation functions and gradients, quantized staircases, a tensor histogram or its bit-split sweep as SVG')
    .argument('[activation...]', 'linear, sigmoid, tanh, relu, softplus, elu, selu, relu6, swish, mish, relu3, reluN=4; params as elu:alpha=0.5')
    .option('-g, --gradient', 'also draw each derivative (dashed, same colour)')
    .option('--range <lo,hi>', 'x range (default -6,8; staircases -1 to bound + 2)')
    .option('--quantized <activation:format>', 'the staircase of an activation in a format, e.g. relu6:uq3.5, with the error below')
    .option('--rounding <mode>', 'rounding for --quantized (default nearest-even)')
    .option('--histogram <in.npy>', 'the distribution of a tensor with 0, 3, 6 and the format maxima marked')
    .option('--log', 'log-scale counts for --histogram')
    .option('--scheme <activation:format>', 'with --histogram: also mark this scheme’s bound and format max')
    .option('--sweep <in.npy>', 'the bit-split sweep curve of a tensor: SQNR of every UQm.n split with ReLU, ReLU3, ReLU6')
    .option('--bits <n>', 'total bits for --sweep (default 8)')
    .option('-o, --output <file.svg>', "write the SVG here (default: stdout; '-' also means stdout)")
    .addHelpText(
      'after',
      `
Examples:
  relu6q plot relu relu6 relu3 softplus --gradient -o activations.svg
  relu6q plot elu:alpha=0.5 swish:beta=2 mish --range -4,4 > smooth.svg
  relu6q plot --quantized relu6:uq3.5 -o staircase.svg
  relu6q plot --histogram fixtures/conv3_pointwise_preact.npy --log -o hist.svg
  relu6q plot --sweep fixtures/conv11_pointwise_preact.npy -o sweep.svg`,
    )
    .action((acts: string[], flags: PlotFlags) => {
      const modes = [acts.length > 0, Boolean(flags.quantized), Boolean(flags.histogram), Boolean(flags.sweep)].filter(Boolean).length;
      if (modes !== 1) throw new UsageError('give activations to plot, or --quantized <activation:format>, --histogram <in.npy> or --sweep <in.npy> (exactly one)');
      const range = flags.range !== undefined ? parsePair(flags.range, '--range') : undefined;
      if (range && range[0] === range[1]) throw new UsageError('--range needs lo < hi');
      let svg: string;
      if (flags.sweep) {
        if (flags.output) assertNotInput(flags.output, [flags.sweep]);
        svg = sweepFigure(bitSplitSweep(npyTensorSource(flags.sweep), flags.bits !== undefined ? parseInteger(flags.bits, '--bits') : 8));
      } else if (flags.quantized) {
        svg = staircaseFigure(flags.quantized, { range, rounding: flags.rounding ? parseRounding(flags.rounding) : undefined });
      } else if (flags.histogram) {
        if (flags.output) assertNotInput(flags.output, [flags.histogram]);
        const markers = [...DEFAULT_MARKERS];
        if (flags.scheme) {
          const s = parseScheme(flags.scheme, 'minmax');
          if (s.kind === 'fixed') {
            if (s.activation.bound) markers.push([s.activation.bound[1], `${s.activation.spec} bound`]);
            markers.push([s.format.maxValue, `${s.format.spellings.q} max`]);
          }
        }
        const seen = new Set<number>();
        svg = histogramFigure(npyTensorSource(flags.histogram), { log: flags.log, markers: markers.filter(([v]) => (seen.has(v) ? false : (seen.add(v), true))) });
      } else {
        svg = activationFigure(acts, { gradient: flags.gradient, range });
      }
      writeFileAtomic(flags.output ?? '-', [new TextEncoder().encode(svg)]);
      if (flags.output && flags.output !== '-') process.stderr.write(`wrote ${flags.output} (${svg.length} bytes)\n`);
    });
}
