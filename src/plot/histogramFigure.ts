import { tickIncrement } from 'd3-array';
import { UsageError } from '../errors.js';
import type { TensorSource } from '../analysis/report.js';
import { renderFigure } from './figure.js';
import { el, PALETTE } from './svg.js';

export interface HistogramData {
  edges: number[];
  counts: number[];
  total: number;
  finite: number;
  /** Counts of finite values strictly above each marker value. */
  above: Map<number, number>;
}

/**
 * Stream a tensor twice: its finite range, then counts in "nice" bins (d3-array
 * ticks, about `bins` of them) and the number of values above each marker.
 */
export function histogramOf(src: TensorSource, markers: number[], bins = 120): HistogramData {
  let min = Infinity;
  let max = -Infinity;
  let total = 0;
  let finite = 0;
  for (const { values } of src.chunks()) {
    total += values.length;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v - v !== 0) continue;
      finite++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!finite) throw new UsageError(`${src.name}: no finite values to plot`);
  if (min === max) {
    min -= 0.5;
    max += 0.5;
  }
  const inc = tickIncrement(min, max, bins);
  // Edges on multiples of the nice step (tickIncrement: a positive integer step, or a negative one meaning 1/−inc).
  const step = inc > 0 ? inc : -1 / inc;
  const first = Math.floor(min / step) * step;
  const n = Math.max(1, Math.ceil((max - first) / step + 1e-9));
  const edges = Array.from({ length: n + 1 }, (_, i) => first + i * step);
  if (edges[n]! <= max) edges.push(edges[n]! + step);
  const counts = new Array<number>(edges.length - 1).fill(0);
  const above = new Map<number, number>(markers.map((m) => [m, 0]));
  for (const { values } of src.chunks()) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v - v !== 0) continue;
      const b = Math.min(counts.length - 1, Math.floor((v - first) / step));
      counts[b]!++;
      for (const m of markers) if (v > m) above.set(m, above.get(m)! + 1);
    }
  }
  return { edges, counts, total, finite, above };
}

export interface HistogramFigureOptions {
  log?: boolean;
  /** Marker values with names, e.g. [6, 'ReLU6']; default: 0, ReLU3, UQ2.6 max, ReLU6, UQ3.5 max. */
  markers?: [number, string][];
  id?: string;
}

export const DEFAULT_MARKERS: [number, string][] = [
  [0, 'ReLU 0'],
  [3, 'ReLU3'],
  [3.984375, 'UQ2.6 max'],
  [6, 'ReLU6'],
  [7.96875, 'UQ3.5 max'],
];

/** A histogram of a tensor with the clip points and format ranges marked, and the share beyond each. */
export function histogramFigure(src: TensorSource, o: HistogramFigureOptions = {}): string {
  const markers = o.markers ?? DEFAULT_MARKERS;
  const h = histogramOf(src, markers.map((m) => m[0]));
  const lo = Math.min(h.edges[0]!, ...markers.map((m) => m[0]));
  const hi = Math.max(h.edges[h.edges.length - 1]!, ...markers.map((m) => m[0]));
  const maxCount = Math.max(...h.counts);
  const yDomain: [number, number] = o.log ? [0.8, maxCount * 1.5] : [0, maxCount * 1.08];
  const colors = [PALETTE[7]!, PALETTE[2]!, PALETTE[5]!, PALETTE[1]!, PALETTE[0]!];
  const pct = (n: number) => `${((100 * n) / h.finite).toFixed(n / h.finite < 0.001 ? 3 : 2)}%`;
  const marks = markers.map(([v, name], i) => ({ x: v, label: `${name} (${v}): ${pct(h.above.get(v)!)} above`, color: colors[i % colors.length] }));
  const bars = (x: (v: number) => number, y: (v: number) => number) => {
    let d = '';
    const base = y(yDomain[0]);
    h.counts.forEach((c, i) => {
      if (c === 0 || (o.log && c < 1)) return;
      const x0 = x(h.edges[i]!);
      const x1 = x(h.edges[i + 1]!);
      d += `M${x0.toFixed(2)},${base.toFixed(2)}V${y(c).toFixed(2)}H${x1.toFixed(2)}V${base.toFixed(2)}Z`;
    });
    return el('path', { class: 'bars', 'data-series': 'histogram', d, fill: '#9fb8cf', stroke: '#5b7a99', 'stroke-width': 0.5 });
  };
  return renderFigure({
    id: o.id ?? 'hist',
    title: `Distribution of ${src.name.split('/').pop()} (${h.finite} finite values)`,
    description: `Histogram of ${h.finite} values from ${src.name} in ${h.counts.length} bins of width ${h.edges[1]! - h.edges[0]!}, ${o.log ? 'log' : 'linear'} counts; vertical lines mark ${markers.map((m) => `${m[1]} at ${m[0]}`).join(', ')}, each with the share of values above it.`,
    xDomain: [lo - (hi - lo) * 0.02, hi + (hi - lo) * 0.02],
    xLabel: 'value (pre-activation)',
    panels: [{ yDomain, yLog: o.log, yLabel: o.log ? 'count (log)' : 'count', height: 340, series: [], markers: marks, extra: bars }],
  });
}
