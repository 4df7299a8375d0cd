import { scaleLinear, scaleLog, type ScaleContinuousNumeric } from 'd3-scale';
import { line } from 'd3-shape';
import { attrs, el, esc, num, text } from './svg.js';

/*
 * Figure layout: one or more stacked panels sharing an x scale, each with
 * gridlines, "nice" ticks from d3-scale, axis labels, a clip path, and an
 * explicit light background so the figure reads the same in light and dark
 * viewers. Panels carry their data→pixel mapping as data- attributes, so
 * tests (and curious users) can map path coordinates back to data.
 */

export interface Series {
  name: string;
  /** [x, y] points in data coordinates; NaN y breaks the line. */
  points: [number, number][];
  color: string;
  dashed?: boolean;
  width?: number;
  /** 'line' (default), 'step' (horizontal-then-vertical), 'dots'. */
  kind?: 'line' | 'dots';
  legend?: boolean;
}

export interface PanelSpec {
  yDomain: [number, number];
  yLabel: string;
  yLog?: boolean;
  height: number;
  series: Series[];
  /** Vertical reference lines (data x) with labels. */
  markers?: { x: number; label: string; color?: string }[];
  /** Horizontal reference lines (data y). */
  hlines?: { y: number; color?: string; dashed?: boolean }[];
  /** Extra SVG drawn in this panel's clip (already in pixel coordinates). */
  extra?: (x: ScaleContinuousNumeric<number, number>, y: ScaleContinuousNumeric<number, number>) => string;
}

export interface FigureSpec {
  title: string;
  description: string;
  xDomain: [number, number];
  xLabel: string;
  /** Integer x ticks only (bit counts). */
  xIntegerTicks?: boolean;
  width?: number;
  panels: PanelSpec[];
  /** Used to make clip-path ids unique when several figures share one HTML page. */
  id: string;
}

const MARGIN = { left: 64, right: 20, top: 44, bottom: 46, gap: 34 };
const STYLE =
  'text{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;font-size:12px;fill:#1a1a1a}' +
  '.title{font-size:15px;font-weight:600}.grid line{stroke:#e3e3e3}.axis line,.axis path{stroke:#555}' +
  '.marker{stroke-width:1;stroke-dasharray:3 3}.series{fill:none;stroke-linejoin:round;stroke-linecap:round}';

/**
 * Douglas–Peucker simplification in pixel space: keep the fewest points such
 * that no dropped point lies farther than `tolerancePx` from the kept polyline.
 * Runs of NaN (line breaks) split the polyline into pieces simplified apart.
 */
export function simplify(points: [number, number][], tolerancePx = 0.1): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i <= points.length; i++) {
    if (i === points.length || !Number.isFinite(points[i]![1])) {
      if (i > start) out.push(...douglasPeucker(points.slice(start, i), tolerancePx));
      if (i < points.length) out.push(points[i]!);
      start = i + 1;
    }
  }
  return out;
}

function douglasPeucker(pts: [number, number][], tol: number): [number, number][] {
  if (pts.length < 3) return pts;
  const keep = new Uint8Array(pts.length);
  keep[0] = 1;
  keep[pts.length - 1] = 1;
  const stack: [number, number][] = [[0, pts.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = pts[a]!;
    const [bx, by] = pts[b]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    let worst = -1;
    let worstDist = tol;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = pts[i]!;
      const dist = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs(dx * (py - ay) - dy * (px - ax)) / len;
      if (dist > worstDist) {
        worstDist = dist;
        worst = i;
      }
    }
    if (worst >= 0) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  return pts.filter((_, i) => keep[i]);
}

function tickLabel(v: number, step: number): string {
  const digits = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return v.toFixed(Math.min(digits, 6)).replace(/^-0(\.0+)?$/, '0');
}

export function renderFigure(f: FigureSpec): string {
  const width = f.width ?? 720;
  const plotW = width - MARGIN.left - MARGIN.right;
  const totalH = MARGIN.top + f.panels.reduce((a, p) => a + p.height, 0) + MARGIN.gap * (f.panels.length - 1) + MARGIN.bottom;
  const x = scaleLinear().domain(f.xDomain).range([MARGIN.left, MARGIN.left + plotW]);
  const body: string[] = [];
  body.push(el('rect', { width, height: totalH, fill: '#ffffff' }));
  body.push(text(f.title, { class: 'title', x: MARGIN.left, y: 24 }));
  let top = MARGIN.top;
  const legendItems: Series[] = [];
  f.panels.forEach((p, pi) => {
    const y = (p.yLog ? scaleLog().clamp(true) : scaleLinear()).domain(p.yDomain).range([top + p.height, top]) as ScaleContinuousNumeric<number, number>;
    const clipId = `clip-${f.id}-${pi}`;
    const parts: string[] = [];
    const xTicks = f.xIntegerTicks ? x.ticks(Math.min(12, f.xDomain[1] - f.xDomain[0])).filter(Number.isInteger) : x.ticks(10);
    const xStep = xTicks.length > 1 ? xTicks[1]! - xTicks[0]! : 1;
    const yTicksAll = y.ticks(p.yLog ? 6 : 8);
    // On a log axis spanning several decades, label and grid only the powers of ten.
    const pow10 = yTicksAll.filter((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9);
    const yTicks = p.yLog && pow10.length >= 3 ? pow10 : yTicksAll;
    const yStep = !p.yLog && yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : 1;
    const yTickLabels = p.yLog ? y.tickFormat(6, '~g') : (v: number) => tickLabel(v, yStep);
    // grid
    parts.push(
      el('g', { class: 'grid' }, [
        ...xTicks.map((t) => el('line', { x1: x(t), x2: x(t), y1: top, y2: top + p.height })),
        ...yTicks.map((t) => el('line', { x1: MARGIN.left, x2: MARGIN.left + plotW, y1: y(t), y2: y(t) })),
      ]),
    );
    // zero lines a little darker
    const zero: string[] = [];
    if (f.xDomain[0] < 0 && f.xDomain[1] > 0) zero.push(el('line', { x1: x(0), x2: x(0), y1: top, y2: top + p.height, stroke: '#9a9a9a' }));
    if (!p.yLog && p.yDomain[0] < 0 && p.yDomain[1] > 0) zero.push(el('line', { x1: MARGIN.left, x2: MARGIN.left + plotW, y1: y(0), y2: y(0), stroke: '#9a9a9a' }));
    parts.push(zero.join(''));
    // axes
    parts.push(
      el('g', { class: 'axis x' }, [
        el('line', { x1: MARGIN.left, x2: MARGIN.left + plotW, y1: top + p.height, y2: top + p.height }),
        ...xTicks.map((t) => el('line', { x1: x(t), x2: x(t), y1: top + p.height, y2: top + p.height + 5 }) + text(tickLabel(t, xStep), { x: x(t), y: top + p.height + 18, 'text-anchor': 'middle', class: 'tick' })),
      ]),
      el('g', { class: 'axis y' }, [
        el('line', { x1: MARGIN.left, x2: MARGIN.left, y1: top, y2: top + p.height }),
        ...yTicks.map((t) => el('line', { x1: MARGIN.left - 5, x2: MARGIN.left, y1: y(t), y2: y(t) }) + text(yTickLabels(t), { x: MARGIN.left - 8, y: y(t) + 4, 'text-anchor': 'end', class: 'tick' })),
      ]),
      text(p.yLabel, { x: 16, y: top + p.height / 2, transform: `rotate(-90 16 ${num(top + p.height / 2)})`, 'text-anchor': 'middle' }),
    );
    if (pi === f.panels.length - 1) parts.push(text(f.xLabel, { x: MARGIN.left + plotW / 2, y: top + p.height + 38, 'text-anchor': 'middle' }));
    // clipped data
    const data: string[] = [];
    for (const h of p.hlines ?? []) {
      data.push(el('line', { x1: MARGIN.left, x2: MARGIN.left + plotW, y1: y(h.y), y2: y(h.y), stroke: h.color ?? '#777', class: h.dashed ? 'marker' : undefined }));
    }
    for (const m of p.markers ?? []) {
      data.push(el('line', { x1: x(m.x), x2: x(m.x), y1: top, y2: top + p.height, stroke: m.color ?? '#555', class: 'marker' }));
    }
    if (p.extra) data.push(p.extra(x, y));
    for (const s of p.series) {
      if (s.legend !== false) legendItems.push(s);
      if (s.kind === 'dots') {
        data.push(el('g', { class: 'dots', 'data-series': s.name, fill: s.color }, s.points.filter((q) => Number.isFinite(q[1])).map(([a, b]) => el('circle', { cx: x(a), cy: y(b), r: 3.5 }))));
        continue;
      }
      const px = simplify(s.points.map(([a, b]): [number, number] => [x(a), Number.isFinite(b) ? y(b) : NaN]));
      // line.digits (d3-shape 3.2) rounds coordinates to 2 decimals; @types/d3-shape 3.1 does not declare it yet.
      const gen = line<[number, number]>().defined((q) => Number.isFinite(q[1])) as unknown as { digits(n: number): (p: [number, number][]) => string | null };
      const d = gen.digits(2)(px) ?? '';
      data.push(el('path', { class: 'series', 'data-series': s.name, d, stroke: s.color, 'stroke-width': s.width ?? 2, 'stroke-dasharray': s.dashed ? '6 4' : undefined }));
    }
    parts.push(el('clipPath', { id: clipId }, el('rect', { x: MARGIN.left, y: top, width: plotW, height: p.height })));
    parts.push(el('g', { 'clip-path': `url(#${clipId})` }, data));
    // Marker key: one row per marker in the panel's top-right corner, coloured like its line.
    const marks = p.markers ?? [];
    if (marks.length) {
      const w = Math.min(360, 40 + 7 * Math.max(...marks.map((m) => m.label.length)));
      const kx = MARGIN.left + plotW - w - 6;
      parts.push(el('rect', { x: kx, y: top + 4, width: w, height: 8 + 16 * marks.length, fill: '#ffffff', 'fill-opacity': 0.9, stroke: '#cccccc' }));
      marks.forEach((m, i) => {
        const ky = top + 18 + 16 * i;
        parts.push(el('line', { x1: kx + 6, x2: kx + 22, y1: ky - 4, y2: ky - 4, stroke: m.color ?? '#555', class: 'marker' }));
        parts.push(text(m.label, { x: kx + 28, y: ky, class: 'marker-label' }));
      });
    }
    body.push(
      el(
        'g',
        {
          class: 'panel',
          'data-x-domain': `${f.xDomain[0]},${f.xDomain[1]}`,
          'data-x-range': `${num(MARGIN.left)},${num(MARGIN.left + plotW)}`,
          'data-y-domain': `${p.yDomain[0]},${p.yDomain[1]}`,
          'data-y-range': `${num(top + p.height)},${num(top)}`,
          'data-y-scale': p.yLog ? 'log' : 'linear',
        },
        parts,
      ),
    );
    top += p.height + MARGIN.gap;
  });
  // legend: top right of the first panel, one row per series
  if (legendItems.length) {
    const rows = legendItems.map((s, i) => {
      const ly = MARGIN.top + 14 + i * 18;
      const lx = MARGIN.left + 14;
      const swatch = s.kind === 'dots' ? el('circle', { cx: lx + 12, cy: ly - 4, r: 4, fill: s.color }) : el('line', { x1: lx, x2: lx + 24, y1: ly - 4, y2: ly - 4, stroke: s.color, 'stroke-width': s.width ?? 2, 'stroke-dasharray': s.dashed ? '6 4' : undefined });
      return swatch + text(s.name, { x: lx + 30, y: ly });
    });
    const h = legendItems.length * 18 + 8;
    body.push(el('g', { class: 'legend' }, [el('rect', { x: MARGIN.left + 6, y: MARGIN.top + 2, width: 154, height: h, fill: '#ffffff', 'fill-opacity': 0.85, stroke: '#cccccc' }), ...rows]));
  }
  const titleId = `title-${f.id}`;
  const descId = `desc-${f.id}`;
  return `<svg xmlns="http://www.w3.org/2000/svg"${attrs({ width, height: totalH, viewBox: `0 0 ${width} ${num(totalH)}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}` })}><title id="${titleId}">${esc(f.title)}</title><desc id="${descId}">${esc(f.description)}</desc><style>${STYLE}</style>${body.join('')}</svg>\n`;
}
