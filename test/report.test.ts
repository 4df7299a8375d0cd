import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  buildReport,
  defaultSchemes,
  entropyAmax,
  Histogram,
  mseAmax,
  npyTensorSource,
  parseScheme,
  percentileAmax,
  writeNpy,
  type Report,
  type TensorSource,
} from '../src/index.js';
import { HAS_NUMPY, runPython, scratchDir } from './helpers/numpy.js';

const { dir, cleanup } = scratchDir();
afterAll(cleanup);

/** An in-memory source, chunked. */
function memSource(x: Float32Array, chunk = 1 << 20, shape = [x.length]): TensorSource {
  return {
    name: 'mem',
    shape,
    dtype: 'float32',
    size: x.length,
    *chunks() {
      for (let s = 0; s < x.length; s += chunk) yield { start: s, values: x.subarray(s, Math.min(x.length, s + chunk)) };
    },
  };
}

/** Deterministic N(0, sigma²) samples (Box–Muller on an LCG). */
function gaussian(n: number, sigma: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const x = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    x[i] = r * Math.cos(t) * sigma;
    if (i + 1 < n) x[i + 1] = r * Math.sin(t) * sigma;
  }
  return x;
}

const scheme = (r: Report, name: string) => r.files[0]!.schemes.find((s) => s.name === name)!;

describe('closed-form checks (calibration-and-metrics.md §7)', () => {
  it('N(0, σ²) pre-activations: ReLU6/UQ3.5 and ReLU3/UQ2.6 SQNR and MSE match the Monte Carlo table', () => {
    const table = [
      { sigma: 1, r6: [40.9, 4.07e-5], r3: [33.54, 2.216e-4] },
      { sigma: 2, r6: [33.6, 8.721e-4], r3: [13.4, 9.128e-2] },
      { sigma: 3, r6: [19.41, 5.143e-2], r3: [8.23, 6.752e-1] },
    ];
    for (const t of table) {
      const r = buildReport([memSource(gaussian(1 << 21, t.sigma, 7 + t.sigma))], { schemes: defaultSchemes('minmax'), calibrator: 'minmax' });
      const r6 = scheme(r, 'relu6-uq3.5').vsRelu;
      const r3 = scheme(r, 'relu3-uq2.6').vsRelu;
      expect(Math.abs(r6.sqnrDb - t.r6[0]!), `σ=${t.sigma} relu6 SQNR ${r6.sqnrDb}`).toBeLessThan(0.12);
      expect(Math.abs(r3.sqnrDb - t.r3[0]!), `σ=${t.sigma} relu3 SQNR ${r3.sqnrDb}`).toBeLessThan(0.12);
      expect(r6.mse / t.r6[1]!).toBeGreaterThan(0.96);
      expect(r6.mse / t.r6[1]!).toBeLessThan(1.04);
      expect(r3.mse / t.r3[1]!).toBeGreaterThan(0.96);
      expect(r3.mse / t.r3[1]!).toBeLessThan(1.04);
    }
  });
  it('rounding noise: ReLU outputs of a symmetric input carry ½·Δ²/12 (exact zeros carry none)', () => {
    const r = buildReport([memSource(gaussian(1 << 20, 1, 3))], { schemes: defaultSchemes('minmax'), calibrator: 'minmax' });
    const s = scheme(r, 'relu6-uq3.5');
    expect(s.vsOwn.theoryRoundMse).toBeCloseTo(8.138021e-5, 10); // 1/12288
    expect(s.vsOwn.mse / 4.069e-5).toBeGreaterThan(0.97);
    expect(s.vsOwn.mse / 4.069e-5).toBeLessThan(1.03);
    expect(s.vsOwn.theoryRoundMseOffGrid / s.vsOwn.mse).toBeGreaterThan(0.97);
    expect(s.vsOwn.theoryRoundMseOffGrid / s.vsOwn.mse).toBeLessThan(1.03);
  });
  it('U[0, 6] into UQ3.5: power-based SQNR 51.687 dB; into uint8 step 6/255: 54.151 dB', () => {
    let s = 99;
    const x = Float32Array.from({ length: 1 << 21 }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 6);
    const r = buildReport([memSource(x)], { schemes: defaultSchemes('minmax'), calibrator: 'minmax' });
    expect(scheme(r, 'relu6-uq3.5').vsRelu.sqnrDb).toBeCloseTo(51.687, 1);
    expect(scheme(r, 'relu-uint8').vsRelu.sqnrDb).toBeCloseTo(54.151, 1);
  });
  it('clipMse + roundMse = mse exactly, and the rounding part equals the own-activation mse when the clip is on the grid', () => {
    const r = buildReport([memSource(gaussian(100000, 2.5, 5))], { schemes: [...defaultSchemes('minmax'), parseScheme('relu6:uq4.4', 'minmax')], calibrator: 'minmax' });
    for (const s of r.files[0]!.schemes) {
      expect(s.vsRelu.clipMse + s.vsRelu.roundMse).toBe(s.vsRelu.mse);
      if (s.kind === 'fixed') expect(s.vsRelu.roundMse).toBeCloseTo(s.vsOwn.mse, 15);
    }
  });
});

describe('calibrators', () => {
  const hist = (values: number[], max: number, bins = 10) => new Histogram(max, bins).add(values);
  it('percentile: left edge of the bin where the cdf reaches p (pytorch-quantization)', () => {
    const h = hist([0, 0, 0, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 9.99], 10);
    // cdf: bin0 0.4 (0, 0, 0, 0.5), bin1 0.5, …, bin5 0.9, bin9 1.0
    expect(percentileAmax(h, 50)).toBe(1);
    expect(percentileAmax(h, 85)).toBe(5);
    // numpy's cumsum of 0.4 + 0.1·5 lands just below 0.9, so p = 90 reaches bin 9, as numpy would.
    expect(percentileAmax(h, 90)).toBe(9);
    expect(percentileAmax(h, 95)).toBe(9);
    expect(percentileAmax(h, 100)).toBe(10); // the cumsum ends at 0.9999999999999999 < 1: searchsorted returns 10, edge 10 = max
    expect(() => percentileAmax(h, 0)).toThrow(/percentile/);
  });
  it('histogram bins: value = max goes to the last bin; negatives and non-finite are ignored', () => {
    const h = hist([0, 10, -1, NaN, Infinity, 9.999], 10);
    expect(Array.from(h.counts)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
    expect(h.edges[10]).toBe(10);
  });

  it.skipIf(!HAS_NUMPY)('mse and entropy equal a numpy port of pytorch-quantization compute_amax', () => {
    const x = gaussian(200000, 1.5, 11);
    const h = new Histogram(Math.max(...x.filter((v) => v > 0)), 2048);
    const relu = x.map((v) => (v > 0 ? v : 0));
    h.add(relu);
    writeNpy(join(dir, 'hist.npy'), h.counts, [2048]);
    writeNpy(join(dir, 'edges.npy'), h.edges, [2049]);
    const out = JSON.parse(
      runPython(
        `
from collections import Counter
hist = np.load(D + '/hist.npy'); edges = np.load(D + '/edges.npy')
def fake_quant(x, amax, bits=8):
    scale = (2 ** bits - 1) / amax
    return np.clip(np.round(x * scale), 0, 2 ** bits - 1) / scale
centers = (edges[1:] + edges[:-1]) / 2
mses = [((fake_quant(centers, centers[i]) - centers) ** 2 * hist).mean() for i in range(128, len(centers))]
amax_mse = centers[128 + int(np.argmin(mses))]
def kl(p, q):
    p = p / p.sum(); q = q / q.sum()
    with np.errstate(divide='ignore', invalid='ignore'):
        t = np.where(p > 0, p * np.log(p / q), 0.0)
    return float(np.sum(t))
bins = hist.copy(); bins[0] = bins[1]
nbins = 256; divs = []; args = []
for i in range(128, len(bins) + 1):
    dens = np.zeros(nbins)
    space = np.linspace(0, i, num=nbins + 1)
    dig = np.digitize(range(i), space) - 1
    dig[bins[:i] == 0] = -1
    for idx, d in enumerate(dig):
        if d != -1: dens[d] += bins[idx]
    cnt = Counter(dig)
    for k, v in cnt.items():
        if k != -1: dens[k] = dens[k] / v
    newd = np.zeros(i)
    for idx, d in enumerate(dig):
        if d != -1: newd[idx] = dens[d]
    ref = np.array(bins[:i]); ref[-1] += bins[i:].sum()
    divs.append(kl(ref, newd)); args.append(i)
divs = np.array(divs)
last = len(divs) - 1 - int(np.argmin(divs[::-1]))
print(json.dumps({'mse': float(amax_mse), 'entropy': float(edges[args[last]])}))
`,
        dir,
      ),
    );
    expect(mseAmax(h)).toBe(out.mse);
    expect(entropyAmax(h, 256)).toBe(out.entropy);
  });
});

describe.skipIf(!HAS_NUMPY)('report metrics match numpy to 1e-9 relative', () => {
  const NUMPY_METRICS = `
def metrics(ref, q, top):
    e = q - ref
    clip = ref > top
    n = ref.size
    return {'mse': float((e ** 2).mean()), 'maxAbsError': float(np.abs(e).max()), 'maxAbsErrorIndex': int(np.argmax(np.abs(e))),
            'meanAbsError': float(np.abs(e).mean()),
            'sqnrDb': float(20 * np.log10(np.linalg.norm(ref) / np.linalg.norm(e))) if np.any(e) else None,
            'cosine': float(np.dot(ref, q) / (np.linalg.norm(ref) * np.linalg.norm(q))),
            'clipFraction': float(clip.mean()), 'clipMse': float((e[clip] ** 2).sum() / n), 'roundMse': float((e[~clip] ** 2).sum() / n)}
def schemes(x):
    keep = np.isfinite(x)
    idx = np.nonzero(keep)[0]
    x = x[keep]
    ref = np.maximum(x, 0).astype(np.float64)
    out = {}
    r6 = np.clip(np.rint(np.clip(x, 0, 6).astype(np.float64) * 32), 0, 255) / 32
    out['relu6-uq3.5'] = metrics(ref, r6, 6.0)
    r3 = np.clip(np.rint(np.clip(x, 0, 3).astype(np.float64) * 64), 0, 255) / 64
    out['relu3-uq2.6'] = metrics(ref, r3, 3.0)
    amax = ref.max()
    scale = np.float32(amax / 255)
    codes = np.clip(np.rint(np.maximum(x, 0).astype(np.float32) / scale), 0, 255)
    q = (codes.astype(np.float32) * scale).astype(np.float64)
    out['relu-uint8'] = metrics(ref, q, float(np.float32(255 * scale)))
    for m in out.values(): m['maxAbsErrorIndex'] = int(idx[m['maxAbsErrorIndex']])
    return out
`;
  const compare = (got: Report, want: Record<string, Record<string, number | null>>) => {
    let checked = 0;
    for (const [name, m] of Object.entries(want)) {
      const s = got.files[0]!.schemes.find((x) => x.name === name)!.vsRelu as unknown as Record<string, number>;
      for (const [k, v] of Object.entries(m)) {
        if (v === null) continue;
        const g = s[k]!;
        if (k === 'maxAbsErrorIndex') expect(g, `${name}.${k}`).toBe(v);
        else expect(Math.abs(g - v) / Math.max(Math.abs(v), 1e-300), `${name}.${k}: ${g} vs ${v}`).toBeLessThan(1e-9);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  };
  it('on the bundled fixtures', () => {
    for (const f of ['fixtures/conv3_pointwise_preact.npy', 'fixtures/conv11_pointwise_preact.npy']) {
      const want = JSON.parse(runPython(`${NUMPY_METRICS}\nprint(json.dumps(schemes(np.load('${f}').ravel())))`, dir));
      compare(buildReport([npyTensorSource(f)], { schemes: defaultSchemes('minmax'), calibrator: 'minmax' }), want);
    }
  });
  it('on random data with NaN and ±Inf (counted, excluded), read in small chunks', () => {
    const x = gaussian(50001, 2.2, 21);
    x[7] = NaN;
    x[100] = Infinity;
    x[2000] = -Infinity;
    x[3000] = 40; // a large outlier
    const p = join(dir, 'rand.npy');
    writeNpy(p, x, [50001]);
    const want = JSON.parse(runPython(`${NUMPY_METRICS}\nprint(json.dumps(schemes(np.load(D + '/rand.npy'))))`, dir));
    const r = buildReport([npyTensorSource(p, 777)], { schemes: defaultSchemes('minmax'), calibrator: 'minmax' });
    expect(r.files[0]).toMatchObject({ nan: 1, posInf: 1, negInf: 1, count: 50001 });
    expect(r.files[0]!.schemes[0]!.vsRelu.count).toBe(49998);
    compare(r, want);
  });
});

describe('report structure', () => {
  it('totals over several files merge the sums; best names the lowest mse', () => {
    const a = gaussian(10000, 1, 1);
    const b = gaussian(20000, 3, 2);
    const r = buildReport([memSource(a), memSource(b)], { schemes: defaultSchemes('minmax'), calibrator: 'minmax', calibrateOn: memSource(b) });
    const t = r.totals.schemes.find((s) => s.name === 'relu6-uq3.5')!.vsRelu;
    const sa = r.files[0]!.schemes.find((s) => s.name === 'relu6-uq3.5')!.vsRelu;
    const sb = r.files[1]!.schemes.find((s) => s.name === 'relu6-uq3.5')!.vsRelu;
    expect(t.count).toBe(30000);
    expect(t.mse).toBeCloseTo((sa.mse * 10000 + sb.mse * 20000) / 30000, 15);
    expect(r.totals.best!.name).toBe(r.totals.schemes.filter((s) => s.kind !== 'float').reduce((x, y) => (y.vsRelu.mse < x.vsRelu.mse ? y : x)).name);
    // --calibrate-on: both files share one scale
    expect(r.files[0]!.schemes[1]!.scale).toBe(r.files[1]!.schemes[1]!.scale);
  });
  it('per-channel: the channels that clip most on the last axis', () => {
    // 4 channels; channel 2 always 10 (clips relu6), channel 1 at 4 (clips relu3 only)
    const x = new Float32Array(400);
    for (let i = 0; i < 400; i++) x[i] = [0.5, 4, 10, -1][i % 4]!;
    const r = buildReport([memSource(x, 64, [100, 4])], { schemes: defaultSchemes('minmax'), calibrator: 'minmax', perChannel: true });
    const pc = r.files[0]!.perChannel!;
    expect(pc.channels).toBe(4);
    expect(pc.top.filter((c) => c.scheme === 'relu6-uq3.5')).toEqual([{ scheme: 'relu6-uq3.5', channel: 2, clipFraction: 1, max: 10 }]);
    // both clip always for relu3: ties in clip fraction are listed by channel index
    expect(pc.top.filter((c) => c.scheme === 'relu3-uq2.6').map((c) => c.channel)).toEqual([1, 2]);
  });
  it('schemes: parse the user syntax, reject bad ones with the valid list', () => {
    expect(parseScheme('relu6:uq4.4', 'minmax')).toMatchObject({ kind: 'fixed', name: 'relu6-uq4.4' });
    expect(parseScheme('reluN=4:uq2.6', 'minmax')).toMatchObject({ name: 'reluN=4-uq2.6' });
    expect(parseScheme('elu:alpha=0.5:q3.4:nearest-away', 'minmax')).toMatchObject({ name: 'elu:alpha=0.5-q3.4-nearest-away', rounding: 'nearest-away' });
    expect(parseScheme('relu-uint8', 'entropy')).toMatchObject({ kind: 'affine', calibrator: 'entropy' });
    expect(() => parseScheme('relu6', 'minmax')).toThrow(/relu-f32, relu-uint8, relu6-uq3.5, relu3-uq2.6/);
    expect(() => parseScheme('relu6:uq9', 'minmax')).toThrow(/unknown format/);
    expect(() => parseScheme('gelu:uq3.5', 'minmax')).toThrow(/unknown activation/);
  });
});
