import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy, readNpy, writeNpy } from '../src/index.js';
import { relu6q } from './helpers/cli.js';
import { HAS_NUMPY, runPython, scratchDir } from './helpers/numpy.js';

const { dir, cleanup } = scratchDir();
afterAll(cleanup);
const FIXTURE = 'fixtures/conv3_pointwise_preact.npy';

describe('relu6q inspect', () => {
  it('summarises the bundled fixture (matches PROVENANCE.md statistics)', () => {
    const r = relu6q(['inspect', FIXTURE, '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ shape: [1, 32, 32, 128], dtype: 'float32', count: 131072, nan: 0 });
    // PROVENANCE.md (numpy float64): min -16.310, max 20.302, mean 0.2935, std 1.9021, frac<0 0.4997, >3 0.07212, >6 0.01125
    expect(j.min).toBeCloseTo(-16.31, 2);
    expect(j.max).toBeCloseTo(20.302, 3);
    expect(j.mean).toBeCloseTo(0.2935, 4);
    expect(j.std).toBeCloseTo(1.9021, 4);
    expect(j.fracBelow0).toBeCloseTo(0.4997, 4);
    expect(j.fracAbove3).toBeCloseTo(0.07212, 5);
    expect(j.fracAbove6).toBeCloseTo(0.01125, 5);
  });

  it.skipIf(!HAS_NUMPY)('agrees with numpy to 1e-12 relative', () => {
    const want = JSON.parse(runPython(`x = np.load('${FIXTURE}').astype(np.float64)\nprint(json.dumps([x.mean(), x.std(), x.min(), x.max()]))`, dir));
    const j = JSON.parse(relu6q(['inspect', FIXTURE, '--json']).stdout);
    const got = [j.mean, j.std, j.min, j.max];
    got.forEach((g: number, i: number) => expect(Math.abs(g - want[i]) / Math.abs(want[i])).toBeLessThan(1e-12));
  });

  it('prints a readable table by default', () => {
    const r = relu6q(['inspect', FIXTURE]);
    expect(r.stdout).toMatch(/shape\s+\(1, 32, 32, 128\)\s+float32\s+131072 values/);
    expect(r.stdout).toMatch(/> 6\s+1\.125%/);
  });
});

describe('relu6q encode / decode', () => {
  it('encode → decode round trip equals numpy and counts go to stderr', () => {
    const codes = join(dir, 'codes.npy');
    const dec = join(dir, 'dec.npy');
    const e = relu6q(['encode', FIXTURE, '-o', codes, '--format', 'relu6']);
    expect(e.status, e.stderr).toBe(0);
    expect(e.stderr).toMatch(/encoded 131072 values to relu6 \(UQ3\.5\) bound \[0, 6\]/);
    expect(e.stderr).toMatch(/bounded high 1474/); // 1.125% of 131072 above 6
    const c = readNpy(codes);
    expect(c.dtype).toBe('u1');
    expect(c.shape).toEqual([1, 32, 32, 128]);
    const d = relu6q(['decode', codes, '-o', dec, '--format', 'relu6']);
    expect(d.status, d.stderr).toBe(0);
    const v = readNpy(dec);
    expect(v.dtype).toBe('f4');
    const x = readNpy(FIXTURE).data as Float32Array;
    const y = v.data as Float32Array;
    for (let i = 0; i < x.length; i++) {
      const ref = Math.min(6, Math.max(0, x[i]!));
      expect(Math.abs(y[i]! - ref)).toBeLessThanOrEqual(1 / 64);
    }
  });

  it('--activation, --rounding, --seed and stdout output', () => {
    const r = relu6q(['encode', FIXTURE, '-o', '-', '--format', 'UQ2.6', '--activation', 'relu3', '--rounding', 'stochastic', '--seed', '5']);
    expect(r.status, r.stderr).toBe(0);
    const a = parseNpy(new Uint8Array(r.stdoutBytes));
    expect(a.dtype).toBe('u1');
    expect((a.data as Uint8Array).reduce((m, v) => Math.max(m, v), 0)).toBe(192);
    const again = relu6q(['encode', FIXTURE, '-o', '-', '--format', 'UQ2.6', '--activation', 'relu3', '--rounding', 'stochastic', '--seed', '5']);
    expect(Buffer.compare(r.stdoutBytes, again.stdoutBytes)).toBe(0);
  });

  it('16-bit signed formats write int16', () => {
    const out = join(dir, 'c16.npy');
    expect(relu6q(['encode', FIXTURE, '-o', out, '-f', 'Q4.11']).status).toBe(0);
    expect(readNpy(out).dtype).toBe('i2');
  });
});

describe('bad input: one line, no stack trace, right exit code, no partial output', () => {
  const oneLine = (s: string) => s.trim().split('\n').length === 1 && !/\n\s+at /.test(s);
  it('unknown format → exit 2', () => {
    const r = relu6q(['encode', FIXTURE, '-o', join(dir, 'x.npy'), '--format', 'UQ3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^relu6q: error: unknown format 'UQ3'/);
    expect(oneLine(r.stderr)).toBe(true);
    expect(existsSync(join(dir, 'x.npy'))).toBe(false);
  });
  it('bad flags → exit 2', () => {
    expect(relu6q(['encode', FIXTURE, '-o', join(dir, 'x.npy'), '-f', 'relu6', '--rounding', 'banker']).stderr).toMatch(/unknown rounding mode 'banker'/);
    expect(relu6q(['encode', FIXTURE, '-o', join(dir, 'x.npy'), '-f', 'relu6', '--bound', '6,0']).status).toBe(2);
    expect(relu6q(['encode', FIXTURE, '-f', 'relu6']).status).toBe(2); // missing -o
    const r = relu6q(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
  });
  it('missing or malformed input → exit 1 naming the file', () => {
    const r = relu6q(['inspect', join(dir, 'missing.npy')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/missing\.npy: cannot open \(ENOENT\)/);
    const junk = join(dir, 'junk.npy');
    writeFileSync(junk, 'garbage');
    const j = relu6q(['encode', junk, '-o', join(dir, 'y.npy'), '-f', 'relu6']);
    expect(j.status).toBe(1);
    expect(j.stderr).toMatch(/junk\.npy: not a \.npy file/);
    expect(oneLine(j.stderr)).toBe(true);
  });
  it('NaN in the data → exit 1, and no half-written output (temp file removed)', () => {
    const x = new Float32Array(3_000_000).fill(1);
    x[2_500_000] = NaN;
    const inp = join(dir, 'nan.npy');
    writeNpy(inp, x, [x.length]);
    const out = join(dir, 'nan_codes.npy');
    const r = relu6q(['encode', inp, '-o', out, '-f', 'relu6']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/NaN at index 2500000/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(relu6q(['encode', inp, '-o', out, '-f', 'relu6', '--nan', 'zero']).status).toBe(0);
    expect(readNpy(out).data[2_500_000]).toBe(0);
  });
  it('refuses to overwrite its input', () => {
    const inp = join(dir, 'same.npy');
    writeNpy(inp, Float32Array.of(1, 2), [2]);
    const before = readFileSync(inp);
    const r = relu6q(['encode', inp, '-o', inp, '-f', 'relu6']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is also an input/);
    expect(Buffer.compare(readFileSync(inp), before)).toBe(0);
  });
  it('decode refuses codes of the wrong dtype', () => {
    const r = relu6q(['decode', FIXTURE, '-o', join(dir, 'z.npy'), '-f', 'relu6']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/codes are float32, but relu6 codes are uint8/);
  });
});

describe('help and formats', () => {
  it('every command has --help with an example', () => {
    for (const cmd of ['report', 'sweep', 'plot', 'inspect', 'encode', 'decode', 'formats', 'requantize', 'lut']) {
      const r = relu6q([cmd, '--help']);
      expect(r.status, cmd).toBe(0);
      expect(r.stdout, cmd).toMatch(/Examples:\n\s+relu6q /);
    }
    expect(relu6q(['--help']).status).toBe(0);
  });
  it('formats prints the presets and any spelling', () => {
    const r = relu6q(['formats']);
    expect(r.stdout).toMatch(/relu6 = UQ3\.5/);
    expect(r.stdout).toMatch(/bound\s+\[0, 6\] applied before encoding \(codes 0\.\.192\)/);
    const j = JSON.parse(relu6q(['formats', 'ap_fixed<8,4>', '--json']).stdout);
    expect(j[0]).toMatchObject({ name: 'Q3.4', minValue: -8, maxValue: 7.9375, rounding: 'floor', overflow: 'wrap' });
  });
});

describe('relu6q requantize / lut', () => {
  it('UQ3.5 → UQ2.6 doubles the codes (saturating) and keeps the shape', () => {
    const inp = join(dir, 'rq_in.npy');
    writeNpy(inp, Uint8Array.of(0, 1, 96, 127, 128, 192), [2, 3]);
    const out = join(dir, 'rq_out.npy');
    const r = relu6q(['requantize', inp, '--from', 'UQ3.5', '--to', 'UQ2.6', '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/multiplier 1073741824, shift 2, double rounding/);
    const a = readNpy(out);
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data as Uint8Array)).toEqual([0, 2, 192, 254, 255, 255]);
  });
  it('affine target with a fused relu6 and bad specs', () => {
    const inp = join(dir, 'rq_in2.npy');
    writeNpy(inp, Uint8Array.of(0, 192, 255), [3]);
    const out = join(dir, 'rq_out2.npy');
    expect(relu6q(['requantize', inp, '--from', 'relu6', '--to', '0.05,-100,int8', '--activation', 'relu6', '-o', out]).status).toBe(0);
    // 0 → -100; 6.0 → 120 - 100 = 20; 7.96875 → 159.4 → 59, clamped to Q(6) = 20
    expect(Array.from(readNpy(out).data as Int8Array)).toEqual([-100, 20, 20]);
    const bad = relu6q(['requantize', inp, '--from', 'relu6', '--to', '0,-100', '-o', out]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/scale must be a positive finite number, got 0/);
    expect(relu6q(['requantize', inp, '--from', 'relu6', '--to', 'UQ2.6', '--rounding', 'triple', '-o', out]).status).toBe(2);
  });
  it('lut prints the table and writes .npy', () => {
    const r = relu6q(['lut', 'sigmoid', '--in', '0.0625,0', '--out', '0.00390625,-128']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\n0\t0\t0\t0\.5\n/);
    const out = join(dir, 'lut.npy');
    expect(relu6q(['lut', 'relu6', '--in', 'UQ3.5', '--out', 'UQ3.5', '-o', out]).status).toBe(0);
    const t = readNpy(out).data as Uint8Array;
    expect(t.length).toBe(256);
    expect([t[0], t[100], t[192], t[255]]).toEqual([0, 100, 192, 192]);
    expect(relu6q(['lut', 'gelu', '--in', 'UQ3.5', '--out', 'UQ3.5']).stderr).toMatch(/unknown activation 'gelu'/);
  });
});

describe('relu6q report / sweep (the main job)', () => {
  it('with no input reports the bundled fixtures: a table per file, totals, and a best line', () => {
    const r = relu6q(['report']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^fixtures\/conv3_pointwise_preact\.npy\s+\(1, 32, 32, 128\) float32, 131072 values/);
    expect(r.stdout).toMatch(/fixtures\/conv11_pointwise_preact\.npy/);
    expect(r.stdout).toMatch(/total over 2 files \(262144 values\)/);
    expect(r.stdout).toMatch(/^relu6-uq3\.5\s+1\s+1\.136e-1/m);
    expect(r.stdout).toMatch(/best: \S+ — lowest mse vs float32 ReLU/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // no colour when stdout is not a terminal
  });
  it('--json carries every number under stable keys', () => {
    const r = relu6q(['report', 'fixtures/conv11_pointwise_preact.npy', '--json', '--scheme', 'relu6:uq4.4']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).toEqual(['tool', 'command', 'calibrator', 'percentile', 'files', 'totals']);
    const f = j.files[0];
    expect(f.schemes.map((s: { name: string }) => s.name)).toEqual(['relu-f32', 'relu-uint8', 'relu6-uq3.5', 'relu3-uq2.6', 'relu6-uq4.4']);
    const s = f.schemes[2];
    expect(Object.keys(s.vsRelu).sort()).toEqual(['clipFraction', 'clipMse', 'cosine', 'count', 'maxAbsError', 'maxAbsErrorIndex', 'meanAbsError', 'mse', 'rmse', 'roundMse', 'sqnrDb']);
    expect(Object.keys(s.vsOwn).sort()).toEqual(['maxAbsError', 'mse', 'sqnrDb', 'theoryRoundMse', 'theoryRoundMseOffGrid']);
    expect(s).toMatchObject({ bytesPerValue: 1, totalBytes: 131072, float32Bytes: 524288, ratioVsFloat32: 0.25, top: 6, step: 0.03125 });
    expect(f.schemes[0].vsRelu.sqnrDb).toBeNull(); // relu-f32 against itself: infinite SQNR → null
    expect(s.vsRelu.clipFraction).toBeCloseTo(0.00292, 5); // PROVENANCE.md: frac > 6 = 0.00292
  });
  it('--csv and --markdown', () => {
    const c = relu6q(['report', 'fixtures/conv3_pointwise_preact.npy', '--csv']);
    const lines = c.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^file,scheme,kind,activation,format,rounding,bytes_per_value,count,mse,/);
    expect(lines).toHaveLength(5);
    const m = relu6q(['report', '--markdown']);
    expect(m.stdout).toMatch(/^# relu6q report \(calibrator: minmax\)/);
    expect(m.stdout).toMatch(/\| scheme \| B\/val \| mse \|/);
    expect(m.stdout).toMatch(/## Total over 2 files/);
  });
  it('calibrators and per-channel output', () => {
    const r = relu6q(['report', 'fixtures/conv3_pointwise_preact.npy', '--calibrator', 'entropy', '--per-channel', '--top-channels', '2']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/relu-uint8: entropy calibration, amax \d/);
    expect(r.stdout).toMatch(/channels that clip most \(axis 3, 128 channels\):/);
    expect(r.stdout).toMatch(/relu6-uq3\.5\s+channel\s+22\s+clip\s+70\.703%/);
  });
  it('sweep marks the best split', () => {
    const r = relu6q(['sweep', 'fixtures/conv11_pointwise_preact.npy']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^UQ/.test(l))).toHaveLength(9 + 7 + 6); // relu ×9, relu3 for m >= 2, relu6 for m >= 3
    expect(r.stdout).toMatch(/^UQ4\.4\s+relu\s.*← best$/m);
    const j = JSON.parse(relu6q(['sweep', 'fixtures/conv11_pointwise_preact.npy', '--bits', '4', '--json']).stdout);
    expect(j.rows.map((row: { format: string }) => row.format)[0]).toBe('UQ0.4');
    expect(j.rows.filter((row: { best: boolean }) => row.best)).toHaveLength(1);
  });
  it('bad inputs: integer dtype (offer decode), empty, unknown scheme, missing file, two output flags', () => {
    const codes = join(dir, 'codes_u8.npy');
    writeNpy(codes, Uint8Array.of(1, 2, 3), [3]);
    const a = relu6q(['report', codes]);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/dtype uint8 is not a float tensor; if it holds fixed-point codes, run 'relu6q decode' first/);
    const empty = join(dir, 'empty.npy');
    writeNpy(empty, new Float32Array(0), [0, 3]);
    const b = relu6q(['report', empty]);
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/empty tensor/);
    const c = relu6q(['report', '--scheme', 'relu6:uq3']);
    expect(c.status).toBe(2);
    expect(c.stderr).toMatch(/unknown format 'uq3' \(try UQ3\.5/);
    expect(relu6q(['report', '--calibrator', 'magic']).stderr).toMatch(/unknown calibrator 'magic' \(expected one of: minmax, percentile, mse, entropy\)/);
    expect(relu6q(['report', join(dir, 'nope.npy')]).status).toBe(1);
    expect(relu6q(['report', '--json', '--csv']).stderr).toMatch(/choose one of --json, --markdown, --csv/);
    for (const e of [a, b, c]) expect(e.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('NaN/Inf in the input are counted and reported, never a crash', () => {
    const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 8);
    x[3] = NaN;
    x[4] = Infinity;
    const p = join(dir, 'withnan.npy');
    writeNpy(p, x, [1000]);
    const r = relu6q(['report', p, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.files[0]).toMatchObject({ nan: 1, posInf: 1, count: 1000 });
    expect(j.files[0].schemes[2].vsRelu.count).toBe(998);
  });
});

describe('relu6q plot and report --html', () => {
  it('writes SVG to a file or stdout', () => {
    const out = join(dir, 'act.svg');
    const r = relu6q(['plot', 'relu6', 'elu:alpha=0.5', 'swish:beta=2', '--gradient', '--range', '-4,8', '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const s = relu6q(['plot', '--quantized', 'relu3:uq2.6']);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/relu3 in UQ2\.6: quantized staircase/);
    const h = relu6q(['plot', '--histogram', FIXTURE, '--scheme', 'relu6:uq4.4']);
    expect(h.stdout).toMatch(/UQ4\.4 max \(15\.9375\)/);
    const w = relu6q(['plot', '--sweep', FIXTURE, '--bits', '6']);
    expect(w.status, w.stderr).toBe(0);
    expect(w.stdout).toMatch(/6-bit splits UQm\.n: SQNR vs float32 ReLU/);
  });
  it('bad plot requests are one-line usage errors', () => {
    expect(relu6q(['plot']).stderr).toMatch(/give activations to plot, or --quantized/);
    expect(relu6q(['plot', 'relu', '--quantized', 'relu6:uq3.5']).status).toBe(2);
    expect(relu6q(['plot', 'gelu']).stderr).toMatch(/unknown activation 'gelu'/);
    expect(relu6q(['plot', 'relu', '--range', '5,1']).stderr).toMatch(/--range expects lo,hi with lo <= hi/);
    expect(relu6q(['plot', '--quantized', 'relu6']).stderr).toMatch(/--quantized expects <activation>:<format>/);
  });
  it('report --html writes one page and still prints the table', () => {
    const page = join(dir, 'r.html');
    const r = relu6q(['report', 'fixtures/conv11_pointwise_preact.npy', '--html', page]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/best: /);
    const html = readFileSync(page, 'utf8');
    expect(html.match(/<figure>/g)).toHaveLength(4); // histogram, sweep, two staircases
  });
});

describe('paths that are directories', () => {
  it('a directory as input or output is a one-line error', () => {
    const a = relu6q(['inspect', dir]);
    expect(a.status).toBe(1);
    expect(a.stderr).toMatch(/: is a directory/);
    const b = relu6q(['encode', FIXTURE, '-o', dir, '-f', 'relu6']);
    expect(b.status).toBe(1);
    expect(b.stderr).toMatch(/is a directory; give a file name/);
  });
});
