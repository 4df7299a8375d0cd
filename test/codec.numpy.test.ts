// encodeFixed against numpy on the same float32 input: every deterministic
// rounding mode, saturate / wrap / saturate-zero, 8- and 16-bit formats.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { encodeFixed, parseFormat, type OverflowMode, type RoundingMode } from '../src/index.js';
import { HAS_NUMPY, readRaw, runPython, scratchDir, writeRaw } from './helpers/numpy.js';

const { dir, cleanup } = scratchDir();
afterAll(cleanup);

/** Deterministic test input: normals, exact ties at every scale, near-ties, extremes, -0, subnormals. */
function testInput(n: number): Float32Array {
  const x = new Float32Array(n);
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < n; i++) {
    const u = rand();
    const kind = i % 8;
    if (kind === 0) x[i] = (Math.floor(rand() * 1200) - 600 + 0.5) / 64; // ties for n <= 6
    else if (kind === 1) x[i] = (Math.floor(rand() * 600000) - 300000 + 0.5) / 32768; // 16-bit ties
    else if (kind === 2) x[i] = (rand() - 0.5) * 1e6;
    else if (kind === 3) x[i] = [0, -0, 1e-45, -1e-45, 3e38, -3e38, 7.984375, -8.03125][Math.floor(u * 8)]!;
    else x[i] = Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * u) * 4;
  }
  return x;
}

const NUMPY_ROUND = `
def rnd(v, mode):
    f = np.floor(v); d = v - f
    if mode == 'nearest-even': return np.rint(v)
    if mode == 'floor': return f
    if mode == 'ceil': return np.ceil(v)
    if mode == 'toward-zero': return np.trunc(v)
    if mode == 'away-from-zero': return np.sign(v) * np.ceil(np.abs(v))
    if mode == 'nearest-away': return np.sign(v) * np.floor(np.abs(v) + 0.5)
    if mode == 'nearest-up': return np.floor(v + 0.5)
    if mode == 'nearest-down': return np.ceil(v - 0.5)
    if mode == 'nearest-zero': return np.sign(v) * np.ceil(np.abs(v) - 0.5)
    if mode == 'nearest-odd': return np.where(d > 0.5, f + 1, np.where(d < 0.5, f, np.where(f % 2 == 0, f + 1, f)))
    raise ValueError(mode)

def overflow(k, mode, lo, hi, bits, signed):
    if mode == 'saturate': return np.clip(k, lo, hi)
    if mode == 'saturate-zero': return np.where((k < lo) | (k > hi), 0, k)
    if mode == 'wrap':
        r = np.mod(k, 2.0 ** bits)
        return np.where(signed & (r >= 2.0 ** (bits - 1)), r - 2.0 ** bits, r)
    raise ValueError(mode)
`;

const MODES: RoundingMode[] = ['nearest-even', 'nearest-away', 'nearest-up', 'nearest-down', 'nearest-zero', 'nearest-odd', 'floor', 'ceil', 'toward-zero', 'away-from-zero'];
const OVERFLOWS: OverflowMode[] = ['saturate', 'wrap', 'saturate-zero'];
const FORMATS = ['UQ3.5', 'Q3.4', 'UQ2.6', 'Q0.15', 'UQ8.8', 'UQ1.3'];

describe.skipIf(!HAS_NUMPY)('encodeFixed matches numpy bit for bit', () => {
  it('every rounding × overflow × format on 40k values with ties and extremes', () => {
    const x = testInput(40000);
    writeRaw(join(dir, 'x.f32'), x);
    const cases: string[] = [];
    for (const f of FORMATS) for (const r of MODES) for (const o of OVERFLOWS) cases.push(`${f}|${r}|${o}`);
    const spec = cases.map((c) => {
      const [f, r, o] = c.split('|') as [string, string, string];
      const fmt = parseFormat(f);
      return { name: c, n: fmt.fracBits, lo: fmt.minCode, hi: fmt.maxCode, bits: fmt.bits, signed: fmt.signed, r, o };
    });
    runPython(
      `${NUMPY_ROUND}
x = np.fromfile(D + '/x.f32', dtype='<f4')
for i, c in enumerate(json.loads(${JSON.stringify(JSON.stringify(spec))})):
    v = x.astype(np.float64) * 2.0 ** c['n']
    k = overflow(rnd(v, c['r']), c['o'], c['lo'], c['hi'], c['bits'], c['signed'])
    k.astype('<f8').tofile(D + '/k%d.f64' % i)
`,
      dir,
    );
    let checked = 0;
    spec.forEach((c, i) => {
      const want = readRaw(join(dir, `k${i}.f64`), Float64Array);
      const got = encodeFixed(x, c.name.split('|')[0]!, { rounding: c.r as RoundingMode, overflow: c.o as OverflowMode }).codes;
      let mismatch = -1;
      for (let j = 0; j < x.length; j++) {
        if (got[j] !== want[j]) {
          mismatch = j;
          break;
        }
      }
      expect(mismatch, `${c.name}: x=${x[mismatch]} ours=${got[mismatch]} numpy=${want[mismatch]}`).toBe(-1);
      checked++;
    });
    expect(checked).toBe(FORMATS.length * MODES.length * OVERFLOWS.length);
  });

  it('the relu6 preset equals numpy clip(rint(clip(x,0,6)*32),0,255) on the real fixture', () => {
    runPython(
      `x = np.load('fixtures/conv11_pointwise_preact.npy').ravel()
x.astype('<f4').tofile(D + '/fx.f32')
np.clip(np.rint(np.clip(x, 0, 6) * 32), 0, 255).astype(np.uint8).tofile(D + '/fc.u8')`,
      dir,
    );
    const x = readRaw(join(dir, 'fx.f32'), Float32Array);
    const want = readRaw(join(dir, 'fc.u8'), Uint8Array);
    const got = encodeFixed(x, 'relu6').codes;
    expect(got.length).toBe(131072);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(want))).toBe(0);
  });
});
