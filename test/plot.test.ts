import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { activationFigure, bitSplitSweep, buildReport, defaultSchemes, histogramFigure, htmlReport, npyTensorSource, staircaseFigure, sweepFigure } from '../src/index.js';
import { ROOT } from './helpers/cli.js';
import { elements, panelMapping, parseSvg, pathPieces, pathYAt } from './helpers/svg.js';
import { scratchDir } from './helpers/numpy.js';

const { cleanup } = scratchDir();
afterAll(cleanup);

const FIX = 'fixtures/conv11_pointwise_preact.npy';
const seriesPath = (svg: string, name: string) => {
  const doc = parseSvg(svg);
  const path = elements(doc, 'path').find((p) => p.getAttribute('data-series') === name);
  expect(path, `series ${name}`).toBeDefined();
  let panel = path!.parentNode;
  while (panel && panel.getAttribute('class') !== 'panel') panel = panel.parentNode;
  return { d: path!.getAttribute('d')!, map: panelMapping(panel!), doc };
};

describe('activation figures', () => {
  const svg = activationFigure(['relu', 'relu6', 'sigmoid', 'elu:alpha=0.5', 'mish'], { gradient: true });
  it('is well-formed, accessible, with an explicit background', () => {
    const doc = parseSvg(svg);
    expect(elements(doc, 'title')[0]!.textContent).toMatch(/relu, relu6, sigmoid/);
    expect(elements(doc, 'desc')[0]!.textContent).toMatch(/derivatives dashed/);
    expect(elements(doc, 'rect')[0]!.getAttribute('fill')).toBe('#ffffff');
    expect(svg.length).toBeLessThan(20000);
  });
  it('ReLU6 passes through (-1, 0), (3, 3), (7, 6), with exact corners at 0 and 6', () => {
    const { d, map } = seriesPath(svg, 'relu6');
    for (const [x, y] of [[-1, 0], [3, 3], [7, 6], [0, 0], [6, 6]] as const) expect(pathYAt(d, map, x)).toBeCloseTo(y, 1);
    // The corners are path vertices (no rounding of the kink): vertices at x = 0 and x = 6.
    const xs = pathPieces(d).flat().map(([px]) => Math.round(map.toDataX(px) * 100) / 100);
    expect(xs).toContain(0);
    expect(xs).toContain(6);
    expect(pathPieces(d).flat().length).toBeLessThan(8); // straight pieces cost two points
  });
  it("the gradient of sigmoid peaks at 0.25 at x = 0; relu′ is broken at its kink", () => {
    const { d, map } = seriesPath(svg, 'sigmoid′');
    const ys = pathPieces(d).flat().map(([, py]) => map.toDataY(py));
    expect(Math.max(...ys)).toBeCloseTo(0.25, 2);
    expect(pathYAt(d, map, 0)).toBeCloseTo(0.25, 2);
    const r = seriesPath(svg, 'relu′');
    expect(pathPieces(r.d)).toHaveLength(2);
  });
  it('ticks are nice numbers and the legend names each series', () => {
    const doc = parseSvg(svg);
    const ticks = elements(doc, 'text').filter((t) => t.getAttribute('class') === 'tick').map((t) => Number(t.textContent));
    expect(ticks.length).toBeGreaterThan(8);
    for (const t of ticks) expect(Number.isInteger(t * 2), String(t)).toBe(true);
    const legend = elements(doc, 'g').find((g) => g.getAttribute('class') === 'legend')!;
    const names = elements(legend as never, 'text').map((t) => t.textContent);
    expect(names).toEqual(['relu', 'relu′', 'relu6', 'relu6′', 'sigmoid', 'sigmoid′', 'elu:alpha=0.5', 'elu:alpha=0.5′', 'mish', 'mish′']);
  });
  it('is deterministic', () => {
    expect(activationFigure(['relu', 'relu6', 'sigmoid', 'elu:alpha=0.5', 'mish'], { gradient: true })).toBe(svg);
  });
});

describe('staircase, histogram and sweep figures', () => {
  it('the UQ3.5 staircase sits on the 1/32 grid and its error stays within ±1/64', () => {
    const svg = staircaseFigure('relu6:uq3.5');
    const q = seriesPath(svg, 'UQ3.5 codes');
    for (const [, py] of pathPieces(q.d).flat()) {
      const v = q.map.toDataY(py) * 32;
      expect(Math.abs(v - Math.round(v))).toBeLessThan(0.05);
    }
    const e = seriesPath(svg, 'error');
    for (const [, py] of pathPieces(e.d).flat()) expect(Math.abs(e.map.toDataY(py))).toBeLessThanOrEqual(1 / 64 + 2e-4);
    expect(pathYAt(q.d, q.map, 6.3)).toBeCloseTo(6, 2);
  });
  it('the histogram marks 0, 3, 6 and the format maxima with the share above each (PROVENANCE.md: > 6 is 0.292 %)', () => {
    const svg = histogramFigure(npyTensorSource(FIX), { log: true });
    const labels = elements(parseSvg(svg), 'text').map((t) => t.textContent ?? '');
    expect(labels).toContain('ReLU6 (6): 0.29% above');
    expect(labels).toContain('ReLU3 (3): 1.69% above');
    expect(labels.some((l) => l.startsWith('UQ3.5 max (7.96875)'))).toBe(true);
  });
  it('the sweep curve rings the best split', () => {
    const sweep = bitSplitSweep(npyTensorSource(FIX), 8);
    const svg = sweepFigure(sweep);
    expect(svg).toMatch(/best: UQ4\.4 relu/);
    expect(elements(parseSvg(svg), 'circle').filter((c) => c.getAttribute('class') === 'best')).toHaveLength(1);
  });
});

describe('golden files (regenerate deliberately: UPDATE_GOLDEN=1 npx vitest run test/plot.test.ts)', () => {
  const golden = (name: string, svg: string) => {
    const p = join(ROOT, 'test', 'golden', name);
    if (process.env['UPDATE_GOLDEN'] || !existsSync(p)) {
      mkdirSync(join(ROOT, 'test', 'golden'), { recursive: true });
      writeFileSync(p, svg);
    }
    expect(svg === readFileSync(p, 'utf8'), `${name} differs from its golden file`).toBe(true);
  };
  it('activations', () => golden('activations.svg', activationFigure(['relu', 'relu6', 'relu3', 'softplus', 'swish', 'mish'], { gradient: true })));
  it('staircase', () => golden('staircase-relu6-uq3.5.svg', staircaseFigure('relu6:uq3.5')));
  it('histogram', () => golden('histogram-conv11.svg', histogramFigure(npyTensorSource(FIX), { log: true })));
  it('sweep', () => golden('sweep-conv11.svg', sweepFigure(bitSplitSweep(npyTensorSource(FIX), 8))));
});

describe('HTML report', () => {
  it('is one self-contained page: no scripts, no external resources', () => {
    const src = npyTensorSource(FIX);
    const report = buildReport([src], { schemes: defaultSchemes('minmax'), calibrator: 'minmax' });
    const html = htmlReport(report, [{ title: 'hist', svg: histogramFigure(src) }, { title: 'stairs', svg: staircaseFigure('relu6:uq3.5') }]);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|<img|url\(http|src="http/);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toMatch(/<tr class="best"><th scope="row">relu-uint8<\/th>/);
  });
});
