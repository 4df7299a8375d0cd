import { UsageError } from '../errors.js';
import { parseActivation } from '../activations/registry.js';
import { decodeFixed } from '../codec/decodeFixed.js';
import { encodeFixed } from '../codec/encodeFixed.js';
import { parseFormat } from '../format/parseFormat.js';
import type { RoundingMode } from '../codec/modes.js';
import { kinks, sampleXs } from './activationFigure.js';
import { renderFigure } from './figure.js';
import { PALETTE } from './svg.js';

/** decode(encode(f(x))) for one x, in the format (saturating, NaN impossible here). */
function quantizedAt(f: (x: number) => number, format: ReturnType<typeof parseFormat>, rounding: RoundingMode, x: number): number {
  const v = Float64Array.of(f(x));
  return decodeFixed(encodeFixed(v, format, { rounding, bound: null, nan: 'zero' }).codes, format)[0]!;
}

/**
 * The staircase of a bounded activation in its format: the float curve, the
 * quantized curve decode(encode(f(x))) drawn with its exact steps (each code
 * change located by bisection to 1e-12), and the error q − f below with the
 * ±step/2 band.
 */
export function staircaseFigure(spec: string, o: { range?: [number, number]; rounding?: RoundingMode; id?: string } = {}): string {
  const parts = spec.split(':');
  if (parts.length < 2) throw new UsageError(`--quantized expects <activation>:<format>, e.g. relu6:uq3.5, got '${spec}'`);
  const format = parseFormat(parts.pop()!);
  const act = parseActivation(parts.join(':'));
  const rounding = o.rounding ?? 'nearest-even';
  // Default: the top of the activation's range, where its bound meets the grid (e.g. ReLU6's 6.0 = code 192),
  // zoomed in so that single steps are visible.
  const domain = o.range ?? (act.bound ? [act.bound[1] - 0.75, act.bound[1] + 0.5] : [-1, 1]);
  if (!(domain[0] < domain[1])) throw new UsageError(`--range must be lo,hi with lo < hi`);
  const xs = sampleXs(domain, 636, kinks(act));
  const q = (x: number) => quantizedAt(act.f, format, rounding, x);
  const stairs: [number, number][] = [];
  const err: [number, number][] = [];
  let prevX = xs[0]!;
  let prevQ = q(prevX);
  stairs.push([prevX, prevQ]);
  err.push([prevX, prevQ - act.f(prevX)]);
  for (let i = 1; i < xs.length; i++) {
    const x = xs[i]!;
    const qx = q(x);
    if (qx !== prevQ) {
      // Locate every code change between prevX and x.
      let lo = prevX;
      let qlo = prevQ;
      while (qlo !== qx) {
        let a = lo;
        let b = x;
        for (let k = 0; k < 60 && b - a > 1e-12; k++) {
          const m = (a + b) / 2;
          if (q(m) === qlo) a = m;
          else b = m;
        }
        const qb = q(b);
        stairs.push([a, qlo], [b, qb]);
        err.push([a, qlo - act.f(a)], [b, NaN], [b, qb - act.f(b)]);
        lo = b;
        qlo = qb;
      }
    }
    stairs.push([x, qx]);
    err.push([x, qx - act.f(x)]);
    prevX = x;
    prevQ = qx;
  }
  const floatPts = xs.map((x): [number, number] => [x, act.f(x)]);
  const yTop = Math.max(...floatPts.map((p) => p[1]), ...stairs.map((p) => p[1]));
  const yBottom = Math.min(...floatPts.map((p) => p[1]), ...stairs.map((p) => p[1]));
  const pad = Math.max((yTop - yBottom) * 0.08, format.step);
  const errMax = Math.max(format.step, ...err.filter((p) => Number.isFinite(p[1])).map((p) => Math.abs(p[1])));
  const label = `${act.spec} in ${format.spellings.q}`;
  return renderFigure({
    id: o.id ?? 'stairs',
    title: `${label}: quantized staircase (step ${format.step})`,
    description: `The float ${act.spec} curve, its quantized values decode(encode(f(x))) in ${format.spellings.q} with ${rounding} rounding, and the error below, for x from ${domain[0]} to ${domain[1]}.`,
    xDomain: domain,
    xLabel: 'x',
    panels: [
      {
        yDomain: [yBottom - pad, yTop + pad * 2.5],
        yLabel: 'value',
        height: 300,
        series: [
          { name: `float ${act.spec}`, points: floatPts, color: '#7a7a7a', dashed: true, width: 1.5 },
          { name: `${format.spellings.q} codes`, points: stairs, color: PALETTE[0]!, width: 1.5 },
        ],
        hlines: format.maxValue < yTop + pad * 2.5 ? [{ y: format.maxValue, color: PALETTE[1], dashed: true }] : [],
      },
      {
        yDomain: [-errMax * 1.15, errMax * 1.15],
        yLabel: 'q − f',
        height: 140,
        series: [{ name: 'error', points: err, color: PALETTE[1]!, width: 1 }],
        hlines: [
          { y: format.step / 2, color: '#777', dashed: true },
          { y: -format.step / 2, color: '#777', dashed: true },
        ],
      },
    ],
  });
}
