import type { Sweep } from '../analysis/sweep.js';
import { renderFigure, type Series } from './figure.js';
import { el, PALETTE } from './svg.js';

/**
 * The bit-split sweep as curves: SQNR (dB, vs float32 ReLU) against the
 * number of integer bits m of UQm.n, one series per activation, the best
 * split ringed.
 */
export function sweepFigure(s: Sweep, o: { id?: string } = {}): string {
  const acts = ['relu', 'relu3', 'relu6'];
  const series: Series[] = [];
  acts.forEach((a, i) => {
    const rows = s.rows.filter((r) => r.activation === a);
    if (!rows.length) return;
    const pts = rows.map((r): [number, number] => [r.intBits, Number.isFinite(r.sqnrDb) ? r.sqnrDb : NaN]);
    series.push({ name: a === 'relu' ? 'ReLU (saturate)' : a === 'relu3' ? 'ReLU3' : 'ReLU6', points: pts, color: PALETTE[i]! });
    series.push({ name: `${a}-dots`, points: pts, color: PALETTE[i]!, kind: 'dots', legend: false });
  });
  const vals = s.rows.map((r) => r.sqnrDb).filter(Number.isFinite);
  const best = s.rows.find((r) => r.best)!;
  const yMin = Math.floor(Math.min(0, ...vals) / 5) * 5;
  const yMax = Math.ceil((Math.max(...vals) + 3) / 5) * 5;
  return renderFigure({
    id: o.id ?? 'sweep',
    title: `${s.bits}-bit splits UQm.n: SQNR vs float32 ReLU — ${s.file.split('/').pop()}`,
    description: `SQNR in dB against the number of integer bits m for every unsigned ${s.bits}-bit format UQm.n, with ReLU saturating at the format max, ReLU3 and ReLU6; best: ${best.scheme}.`,
    xDomain: [-0.3, s.bits + 0.3],
    xIntegerTicks: true,
    xLabel: `integer bits m of UQm.n (n = ${s.bits} − m)`,
    panels: [
      {
        yDomain: [yMin, yMax],
        yLabel: 'SQNR dB',
        height: 320,
        series,
        extra: (x, y) => el('circle', { class: 'best', cx: x(best.intBits), cy: y(best.sqnrDb), r: 9, fill: 'none', stroke: '#000', 'stroke-width': 1.5 }) + `<text x="${(x(best.intBits) + 12).toFixed(2)}" y="${(y(best.sqnrDb) - 10).toFixed(2)}">best: ${best.format} ${best.activation}</text>`,
      },
    ],
  });
}
