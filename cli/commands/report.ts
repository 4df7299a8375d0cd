import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CALIBRATORS, parseCalibrator } from '../../src/analysis/calibrators.js';
import { reportCsv, reportMarkdown, reportText, sweepCsv, sweepMarkdown, sweepText, toJson } from '../../src/analysis/formatReport.js';
import { buildReport } from '../../src/analysis/report.js';
import { DEFAULT_SCHEME_NAMES, defaultSchemes, parseScheme, type Scheme } from '../../src/analysis/schemes.js';
import { assertNotInput, writeFileAtomic } from '../../src/io/atomicFile.js';
import { histogramFigure } from '../../src/plot/histogramFigure.js';
import { htmlReport, type HtmlFigure } from '../../src/plot/htmlReport.js';
import { staircaseFigure } from '../../src/plot/staircaseFigure.js';
import { sweepFigure } from '../../src/plot/sweepFigure.js';
import { bitSplitSweep } from '../../src/analysis/sweep.js';
import { UsageError } from '../../src/errors.js';
import { npyTensorSource } from '../../src/io/npySource.js';
import { Progress, parseInteger } from '../run.js';

/** The bundled fixtures, found relative to this file (works from src via tsx and from dist). */
export function bundledFixtures(): string[] {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const f = join(dir, 'fixtures');
    if (existsSync(join(f, 'conv3_pointwise_preact.npy'))) {
      const files = ['conv3_pointwise_preact.npy', 'conv11_pointwise_preact.npy'].map((n) => join(f, n));
      // Show paths relative to the working directory when they are below it.
      return files.map((p) => {
        const rel = relative(process.cwd(), p);
        return rel.startsWith('..') ? p : rel;
      });
    }
    dir = dirname(dir);
  }
  throw new UsageError('no input given and the bundled fixtures were not found');
}

function useColor(): boolean {
  return Boolean(process.stdout.isTTY) && process.env['NO_COLOR'] === undefined;
}

function outputMode(o: { json?: boolean; markdown?: boolean; csv?: boolean }): 'json' | 'markdown' | 'csv' | 'text' {
  const chosen = (['json', 'markdown', 'csv'] as const).filter((k) => o[k]);
  if (chosen.length > 1) throw new UsageError(`choose one of --json, --markdown, --csv (got ${chosen.map((c) => `--${c}`).join(', ')})`);
  return chosen[0] ?? 'text';
}

interface ReportFlags {
  calibrator: string;
  percentile: string;
  calibrateOn?: string;
  scheme: string[];
  defaults: boolean;
  perChannel?: boolean;
  topChannels: string;
  json?: boolean;
  markdown?: boolean;
  csv?: boolean;
  html?: string;
}

/** Figures for the HTML report: per input its histogram and sweep curve, then the staircase of each fixed scheme. */
function reportFigures(files: string[], schemes: Scheme[]): HtmlFigure[] {
  const figs: HtmlFigure[] = [];
  files.forEach((f, i) => {
    const src = npyTensorSource(f);
    figs.push({ title: `Distribution of ${f} with the ReLU3/ReLU6 clips and the UQ2.6/UQ3.5 maxima`, svg: histogramFigure(src, { log: true, id: `hist${i}` }) });
    figs.push({ title: `Bit-split sweep of ${f}`, svg: sweepFigure(bitSplitSweep(src, 8), { id: `sweep${i}` }) });
  });
  schemes.forEach((s, i) => {
    if (s.kind !== 'fixed') return;
    figs.push({ title: `${s.name}: the quantized staircase and its error`, svg: staircaseFigure(`${s.activation.spec}:${s.format.spellings.q}`, { rounding: s.rounding, id: `stairs${i}` }) });
  });
  return figs;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('error report: ReLU vs ReLU6/UQ3.5 vs ReLU3/UQ2.6 vs calibrated uint8, against float32 ReLU (the main job)')
    .argument('[in.npy...]', 'float .npy pre-activations (default: the bundled MobileNetV1 fixtures)')
    .option('--calibrator <name>', `relu-uint8 calibrator: ${CALIBRATORS.join(', ')}`, 'minmax')
    .option('--percentile <p>', 'percentile for --calibrator percentile', '99.99')
    .option('--calibrate-on <file.npy>', 'calibrate relu-uint8 on this tensor instead of each input')
    .option('--scheme <spec>', 'add a scheme <activation>:<format>[:<rounding>], e.g. relu6:uq4.4, relu:uq5.3, reluN=4:uq2.6 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--no-defaults', `report only the --scheme schemes (plus relu-f32), not ${DEFAULT_SCHEME_NAMES.slice(1).join(', ')}`)
    .option('--per-channel', 'list the channels (last axis) that clip most')
    .option('--top-channels <n>', 'how many channels to list per scheme with --per-channel', '10')
    .option('--json', 'one JSON document with every number (keys documented in the README)')
    .option('--markdown', 'Markdown tables')
    .option('--csv', 'CSV, one row per file and scheme')
    .option('--html <report.html>', 'also write a self-contained HTML page with the tables and figures')
    .addHelpText(
      'after',
      `
Examples:
  relu6q report                                   # the bundled fixtures
  relu6q report act.npy --calibrator entropy --per-channel
  relu6q report a.npy b.npy --scheme relu6:uq4.4 --scheme relu:uq5.3 --json > report.json
  relu6q report act.npy --calibrator percentile --percentile 99.9 --calibrate-on calib.npy --markdown
  relu6q report --html report.html                 # tables and figures in one self-contained page`,
    )
    .action((inputs: string[], flags: ReportFlags) => {
      const mode = outputMode(flags);
      const calibrator = parseCalibrator(flags.calibrator);
      const percentile = Number(flags.percentile);
      if (!(percentile > 0 && percentile <= 100)) throw new UsageError(`--percentile must be in (0, 100], got '${flags.percentile}'`);
      const topChannels = parseInteger(flags.topChannels, '--top-channels');
      const extra = flags.scheme.map((s) => parseScheme(s, calibrator));
      const schemes = flags.defaults ? [...defaultSchemes(calibrator), ...extra.filter((e) => !DEFAULT_SCHEME_NAMES.includes(e.name as (typeof DEFAULT_SCHEME_NAMES)[number]))] : [defaultSchemes(calibrator)[0]!, ...extra.filter((e) => e.name !== 'relu-f32')];
      const files = inputs.length ? inputs : bundledFixtures();
      const sources = files.map((f) => npyTensorSource(f));
      const progress = new Progress('report');
      let report;
      try {
        report = buildReport(sources, {
          schemes,
          calibrator,
          percentile,
          calibrateOn: flags.calibrateOn ? npyTensorSource(flags.calibrateOn) : undefined,
          perChannel: Boolean(flags.perChannel),
          topChannels,
          onProgress: (done, total) => progress.update(done, total),
        });
      } finally {
        progress.done();
      }
      if (flags.html) {
        assertNotInput(flags.html, [...files, ...(flags.calibrateOn ? [flags.calibrateOn] : [])]);
        const page = htmlReport(report, reportFigures(files, schemes));
        writeFileAtomic(flags.html, [new TextEncoder().encode(page)]);
        process.stderr.write(`wrote ${flags.html} (${page.length} bytes)\n`);
      }
      const text = mode === 'json' ? toJson(report) : mode === 'markdown' ? reportMarkdown(report) : mode === 'csv' ? reportCsv(report) : reportText(report, { color: useColor() });
      process.stdout.write(text);
    });

  program
    .command('sweep')
    .description('every unsigned bit split UQm.n (m + n = bits) with ReLU, ReLU3 and ReLU6: which split loses least?')
    .argument('[in.npy]', 'float .npy pre-activations (default: the first bundled fixture)')
    .option('--bits <n>', 'total bits (1..16)', '8')
    .option('--json', 'JSON')
    .option('--markdown', 'Markdown table')
    .option('--csv', 'CSV')
    .addHelpText(
      'after',
      `
Examples:
  relu6q sweep fixtures/conv11_pointwise_preact.npy
  relu6q sweep act.npy --bits 6 --csv > sweep.csv`,
    )
    .action((input: string | undefined, flags: { bits: string; json?: boolean; markdown?: boolean; csv?: boolean }) => {
      const mode = outputMode(flags);
      const bits = parseInteger(flags.bits, '--bits');
      const src = npyTensorSource(input ?? bundledFixtures()[0]!);
      const progress = new Progress('sweep');
      let sweep;
      try {
        sweep = bitSplitSweep(src, bits, (done, total) => progress.update(done, total));
      } finally {
        progress.done();
      }
      const text = mode === 'json' ? toJson(sweep) : mode === 'markdown' ? sweepMarkdown(sweep) : mode === 'csv' ? sweepCsv(sweep) : sweepText(sweep, { color: useColor() });
      process.stdout.write(text);
    });
}
