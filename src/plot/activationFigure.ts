import { UsageError } from '../errors.js';
import { parseActivation, type Activation } from '../activations/registry.js';
import { renderFigure, type Series } from './figure.js';
import { PALETTE } from './svg.js';

/** x positions where an activation has a kink (its derivative jumps). */
export function kinks(a: Activation): number[] {
  switch (a.name) {
    case 'relu':
      return [0];
    case 'relu6':
    case 'relu3':
    case 'reluN':
      return [0, a.bound![1]];
    case 'elu':
      return (a.params['alpha'] ?? 1) === 1 ? [] : [0];
    case 'selu':
      return [0];
    default:
      return [];
  }
}

/**
 * Samples tied to the pixel width (one per pixel column) plus every kink, so
 * corners such as ReLU6's at 0 and 6 are drawn exactly; collinear points are
 * dropped when the path is built, so straight pieces cost two points.
 */
export function sampleXs(domain: [number, number], pixels: number, extra: number[]): number[] {
  const [a, b] = domain;
  const xs = new Set<number>();
  for (let i = 0; i <= pixels; i++) xs.add(a + ((b - a) * i) / pixels);
  for (const k of extra) if (k > a && k < b) xs.add(k);
  return [...xs].sort((p, q) => p - q);
}

export interface ActivationFigureOptions {
  gradient?: boolean;
  range?: [number, number];
  title?: string;
}

/**
 * Activation functions (solid, one colour each) with their derivatives
 * (dashed, same colour) on one panel, y shown up to 7. A derivative is
 * broken at a kink instead of drawing a vertical jump.
 */
export function activationFigure(specs: (string | Activation)[], o: ActivationFigureOptions = {}): string {
  if (!specs.length) throw new UsageError('plot needs at least one activation');
  const acts = specs.map((s) => parseActivation(s));
  const domain = o.range ?? [-6, 8];
  if (!(domain[0] < domain[1])) throw new UsageError(`--range must be lo,hi with lo < hi, got ${domain}`);
  const series: Series[] = [];
  let ymin = 0;
  acts.forEach((a, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const ks = kinks(a);
    const xs = sampleXs(domain, 636, ks);
    const pts = xs.map((x): [number, number] => [x, a.f(x)]);
    for (const [, y] of pts) if (y < ymin) ymin = y;
    series.push({ name: a.spec, points: pts, color });
    if (o.gradient) {
      // Evaluate one-sided limits at each kink and break the path there.
      const g: [number, number][] = [];
      for (const x of xs) {
        if (ks.includes(x)) {
          const eps = 1e-9 * Math.max(1, Math.abs(x));
          g.push([x, a.df(x - eps)], [x, NaN], [x, a.df(x + eps)]);
        } else g.push([x, a.df(x)]);
      }
      series.push({ name: `${a.spec}′`, points: g, color, dashed: true });
    }
  });
  const yLow = Math.max(-2, Math.floor(ymin * 2) / 2);
  const names = acts.map((a) => a.spec).join(', ');
  return renderFigure({
    id: 'act',
    title: o.title ?? `${names}${o.gradient ? ' and derivatives' : ''}`,
    description: `Activation functions ${names} on x from ${domain[0]} to ${domain[1]}${o.gradient ? ', with their derivatives dashed in the same colour' : ''}; y from ${yLow} to 7.`,
    xDomain: domain,
    xLabel: 'x',
    panels: [{ yDomain: [Math.min(yLow, -1), 7], yLabel: o.gradient ? "f(x), f′(x)" : 'f(x)', height: 360, series }],
  });
}
