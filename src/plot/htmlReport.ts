import type { FileReport, Report, SchemeResult } from '../analysis/report.js';
import { esc } from './svg.js';

export interface HtmlFigure {
  title: string;
  svg: string;
}

const fmtExp = (x: number) => (Number.isFinite(x) ? (x === 0 ? '0' : x.toExponential(3)) : x === Infinity ? '∞' : 'n/a');
const fmtFix = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : x === Infinity ? '∞' : 'n/a');
const fmtPct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(3)}%` : 'n/a');

function schemeTable(rows: SchemeResult[], best: string | undefined): string {
  const head = ['scheme', 'bytes/value', 'mse', 'rmse', 'max |err|', 'SQNR dB', 'cosine', 'clipped', 'clip mse', 'round mse', 'own mse', 'step²/12'];
  const body = rows
    .map((r) => {
      const cells = [r.name, String(r.bytesPerValue), fmtExp(r.vsRelu.mse), fmtExp(r.vsRelu.rmse), fmtExp(r.vsRelu.maxAbsError), fmtFix(r.vsRelu.sqnrDb, 2), fmtFix(r.vsRelu.cosine, 6), fmtPct(r.vsRelu.clipFraction), fmtExp(r.vsRelu.clipMse), fmtExp(r.vsRelu.roundMse), fmtExp(r.vsOwn.mse), r.kind === 'float' ? '–' : fmtExp(r.vsOwn.theoryRoundMse)];
      return `<tr${r.name === best ? ' class="best"' : ''}>${cells.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`;
    })
    .join('\n');
  return `<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function fileSection(f: FileReport): string {
  const facts = `${f.shape.join(' × ')} ${f.dtype}, ${f.count} values · min ${fmtFix(f.min, 3)}, max ${fmtFix(f.max, 3)} · &lt; 0 ${fmtPct(f.fracBelow0)}, &gt; 3 ${fmtPct(f.fracAbove3)}, &gt; 6 ${fmtPct(f.fracAbove6)} · NaN ${f.nan}, ±Inf ${f.posInf + f.negInf}`;
  const best = f.best ? `<p class="verdict">Best: <strong>${esc(f.best.name)}</strong> — ${esc(f.best.reason)} (${fmtExp(f.best.mse)}).</p>` : '';
  return `<section><h2>${esc(f.file)}</h2><p class="facts">${facts}</p>${schemeTable(f.schemes, f.best?.name)}${best}</section>`;
}

/**
 * One self-contained HTML page (inline CSS and SVG; no scripts, no external
 * files, no network): the report tables of every input and the totals, then the figures.
 */
export function htmlReport(report: Report, figures: HtmlFigure[]): string {
  const totals =
    report.files.length > 1
      ? `<section><h2>Total over ${report.totals.files} files (${report.totals.count} values)</h2>${schemeTable(report.totals.schemes, report.totals.best?.name)}${report.totals.best ? `<p class="verdict">Best: <strong>${esc(report.totals.best.name)}</strong> — ${esc(report.totals.best.reason)}.</p>` : ''}</section>`
      : '';
  const figs = figures.map((f) => `<figure>${f.svg.trim()}<figcaption>${esc(f.title)}</figcaption></figure>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>relu6q report</title>
<style>
:root{color-scheme:light}
body{margin:0 auto;max-width:1100px;padding:24px;font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;background:#fff;color:#1a1a1a}
h1{font-size:22px}h2{font-size:17px;margin-top:32px;word-break:break-all}
table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums;margin:8px 0}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:right}th[scope=row],thead th:first-child{text-align:left}
thead th{background:#f3f3f3}tr.best{background:#e6f4ea}
.facts,.note{color:#444;font-size:13px}
figure{margin:24px 0}figure svg{max-width:100%;height:auto;border:1px solid #e3e3e3}figcaption{font-size:13px;color:#444}
</style>
</head>
<body>
<h1>relu6q report</h1>
<p class="note">Every scheme is compared with float32 ReLU of the input (the network's unbounded truth). clip mse + round mse = mse; “own mse” is the error against the scheme's own float activation, clip included (rounding only). relu-uint8 calibrator: ${esc(report.calibrator)}.</p>
${report.files.map(fileSection).join('\n')}
${totals}
<h2>Figures</h2>
${figs}
</body>
</html>
`;
}
