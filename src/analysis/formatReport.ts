import { styleText } from 'node:util';
import type { FileReport, Report, SchemeResult } from './report.js';
import type { Sweep } from './sweep.js';

/*
 * Renderers for reports and sweeps: aligned text (optionally coloured),
 * Markdown, CSV and JSON. Pure functions from the result objects to strings.
 */

/** JSON with non-finite numbers as null (JSON has no Infinity/NaN). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

const exp = (x: number): string => (Number.isFinite(x) ? (x === 0 ? '0' : x.toExponential(3)) : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : 'n/a');
const fix = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : x === Infinity ? 'inf' : x === -Infinity ? '-inf' : 'n/a');
const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(3)}%` : 'n/a');
const shapeText = (s: number[]): string => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`);

const COLUMNS: [string, (r: SchemeResult) => string][] = [
  ['scheme', (r) => r.name],
  ['B/val', (r) => String(r.bytesPerValue)],
  ['mse', (r) => exp(r.vsRelu.mse)],
  ['rmse', (r) => exp(r.vsRelu.rmse)],
  ['max|err|', (r) => exp(r.vsRelu.maxAbsError)],
  ['SQNR dB', (r) => fix(r.vsRelu.sqnrDb, 2)],
  ['cosine', (r) => fix(r.vsRelu.cosine, 6)],
  ['clip', (r) => pct(r.vsRelu.clipFraction)],
  ['clip mse', (r) => exp(r.vsRelu.clipMse)],
  ['round mse', (r) => exp(r.vsRelu.roundMse)],
  ['own mse', (r) => exp(r.vsOwn.mse)],
  ['step²/12', (r) => (r.kind === 'float' ? '-' : exp(r.vsOwn.theoryRoundMse))],
];

function table(rows: SchemeResult[], bestName: string | undefined, color: boolean): string {
  const cells = rows.map((r) => COLUMNS.map(([, f]) => f(r)));
  const widths = COLUMNS.map(([h], j) => Math.max(h.length, ...cells.map((c) => c[j]!.length)));
  const line = (c: string[]) => c.map((v, j) => (j === 0 ? v.padEnd(widths[j]!) : v.padStart(widths[j]!))).join('  ');
  const out = [line(COLUMNS.map(([h]) => h))];
  if (color) out[0] = styleText('bold', out[0]!);
  rows.forEach((r, i) => {
    let l = line(cells[i]!);
    if (color && r.name === bestName) l = styleText('green', l);
    out.push(l);
  });
  return out.join('\n');
}

function header(f: FileReport): string {
  return `${f.file}  ${shapeText(f.shape)} ${f.dtype}, ${f.count} values; min ${fix(f.min, 3)}, max ${fix(f.max, 3)}; < 0 ${pct(f.fracBelow0)}, > 3 ${pct(f.fracAbove3)}, > 6 ${pct(f.fracAbove6)}; NaN ${f.nan}, +Inf ${f.posInf}, -Inf ${f.negInf}`;
}

function affineNote(rows: SchemeResult[]): string[] {
  return rows
    .filter((r) => r.kind === 'affine' && r.scale !== null && Number.isFinite(r.scale))
    .map((r) => `  ${r.name}: ${r.calibrator} calibration, amax ${fix(r.amax!, 4)}, scale ${r.scale!.toPrecision(6)}, zero point 0`);
}

function bestLine(best: FileReport['best'], color: boolean): string {
  if (!best) return 'best: n/a';
  const text = `best: ${best.name} — ${best.reason} (${exp(best.mse)})`;
  return color ? styleText('bold', text) : text;
}

export function reportText(report: Report, options: { color?: boolean } = {}): string {
  const color = options.color ?? false;
  const parts: string[] = [];
  for (const f of report.files) {
    const lines = [header(f), table(f.schemes, f.best?.name, color), ...affineNote(f.schemes), bestLine(f.best, color)];
    if (f.perChannel) {
      lines.push(`channels that clip most (axis ${f.perChannel.axis}, ${f.perChannel.channels} channels):`);
      if (!f.perChannel.top.length) lines.push('  none clip');
      for (const c of f.perChannel.top) lines.push(`  ${c.scheme.padEnd(14)} channel ${String(c.channel).padStart(5)}  clip ${pct(c.clipFraction).padStart(8)}  max ${fix(c.max, 3)}`);
    }
    parts.push(lines.join('\n'));
  }
  if (report.files.length > 1) {
    const t = report.totals;
    parts.push([`total over ${t.files} files (${t.count} values)`, table(t.schemes, t.best?.name, color), bestLine(t.best, color)].join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

export function reportMarkdown(report: Report): string {
  const md = (rows: SchemeResult[]) => {
    const head = `| ${COLUMNS.map(([h]) => h.replace('|', '\\|')).join(' | ')} |`;
    const sep = `|${COLUMNS.map((_, j) => (j === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
    return [head, sep, ...rows.map((r) => `| ${COLUMNS.map(([, f]) => f(r)).join(' | ')} |`)].join('\n');
  };
  const parts = report.files.map((f) => [`## ${f.file}`, '', header(f).slice(f.file.length).trim(), '', md(f.schemes), '', ...affineNote(f.schemes).map((l) => `- ${l.trim()}`), '', `**${bestLine(f.best, false)}**`].join('\n'));
  if (report.files.length > 1) {
    parts.push([`## Total over ${report.totals.files} files (${report.totals.count} values)`, '', md(report.totals.schemes), '', `**${bestLine(report.totals.best, false)}**`].join('\n'));
  }
  return `# relu6q report (calibrator: ${report.calibrator})\n\n${parts.join('\n\n')}\n`;
}

const CSV_HEAD = ['file', 'scheme', 'kind', 'activation', 'format', 'rounding', 'bytes_per_value', 'count', 'mse', 'rmse', 'mean_abs_error', 'max_abs_error', 'max_abs_error_index', 'sqnr_db', 'cosine', 'clip_fraction', 'clip_mse', 'round_mse', 'own_mse', 'own_max_abs_error', 'own_sqnr_db', 'theory_round_mse', 'calibrator', 'amax', 'scale', 'top', 'total_bytes', 'ratio_vs_float32'];

const csvCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function reportCsv(report: Report): string {
  const rows = [CSV_HEAD.join(',')];
  const emit = (file: string, r: SchemeResult) =>
    rows.push(
      [file, r.name, r.kind, r.activation, r.format, r.rounding, r.bytesPerValue, r.vsRelu.count, r.vsRelu.mse, r.vsRelu.rmse, r.vsRelu.meanAbsError, r.vsRelu.maxAbsError, r.vsRelu.maxAbsErrorIndex, r.vsRelu.sqnrDb, r.vsRelu.cosine, r.vsRelu.clipFraction, r.vsRelu.clipMse, r.vsRelu.roundMse, r.vsOwn.mse, r.vsOwn.maxAbsError, r.vsOwn.sqnrDb, r.vsOwn.theoryRoundMse, r.calibrator, r.amax, r.scale, r.top, r.totalBytes, r.ratioVsFloat32]
        .map(csvCell)
        .join(','),
    );
  for (const f of report.files) for (const r of f.schemes) emit(f.file, r);
  if (report.files.length > 1) for (const r of report.totals.schemes) emit('(total)', r);
  return `${rows.join('\n')}\n`;
}

const SWEEP_COLS: [string, (r: Sweep['rows'][number]) => string][] = [
  ['format', (r) => r.format],
  ['activation', (r) => r.activation],
  ['step', (r) => String(r.step)],
  ['max', (r) => String(r.maxValue)],
  ['mse', (r) => exp(r.mse)],
  ['SQNR dB', (r) => fix(r.sqnrDb, 2)],
  ['clip', (r) => pct(r.clipFraction)],
  ['clip mse', (r) => exp(r.clipMse)],
  ['round mse', (r) => exp(r.roundMse)],
  ['', (r) => (r.best ? '← best' : '')],
];

export function sweepText(s: Sweep, options: { color?: boolean } = {}): string {
  const cells = s.rows.map((r) => SWEEP_COLS.map(([, f]) => f(r)));
  const widths = SWEEP_COLS.map(([h], j) => Math.max(h.length, ...cells.map((c) => c[j]!.length)));
  const line = (c: string[]) => c.map((v, j) => (j <= 1 || j === SWEEP_COLS.length - 1 ? v.padEnd(widths[j]!) : v.padStart(widths[j]!))).join('  ').trimEnd();
  const out = [`${s.file}: every ${s.bits}-bit split UQm.n, ReLU vs float32 ReLU`, line(SWEEP_COLS.map(([h]) => h))];
  s.rows.forEach((r, i) => {
    const l = line(cells[i]!);
    out.push(options.color && r.best ? styleText('green', l) : l);
  });
  out.push(`best: ${s.best.scheme} — ${s.best.reason} (${exp(s.best.mse)})`);
  return `${out.join('\n')}\n`;
}

export function sweepMarkdown(s: Sweep): string {
  const head = `| ${SWEEP_COLS.map(([h]) => h || 'best').join(' | ')} |`;
  const sep = `|${SWEEP_COLS.map(() => ' --- ').join('|')}|`;
  const body = s.rows.map((r) => `| ${SWEEP_COLS.map(([, f]) => f(r)).join(' | ')} |`);
  return `# ${s.bits}-bit split sweep: ${s.file}\n\n${[head, sep, ...body].join('\n')}\n\n**best: ${s.best.scheme}** — ${s.best.reason}\n`;
}

export function sweepCsv(s: Sweep): string {
  const head = ['file', 'format', 'int_bits', 'frac_bits', 'step', 'max_value', 'activation', 'scheme', 'mse', 'sqnr_db', 'clip_fraction', 'clip_mse', 'round_mse', 'best'];
  const rows = s.rows.map((r) => [s.file, r.format, r.intBits, r.fracBits, r.step, r.maxValue, r.activation, r.scheme, r.mse, r.sqnrDb, r.clipFraction, r.clipMse, r.roundMse, r.best].map(csvCell).join(','));
  return `${[head.join(','), ...rows].join('\n')}\n`;
}
