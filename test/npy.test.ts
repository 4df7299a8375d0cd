import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, npyBytes, openNpy, readNpy, writeNpy, numberToFloat16Bits, float16BitsToNumber, type NpyData } from '../src/index.js';
import { HAS_NUMPY, runPython, scratchDir } from './helpers/numpy.js';

const { dir, cleanup } = scratchDir();
afterAll(cleanup);

const toNums = (d: NpyData): (number | string)[] => Array.from(d as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v));
const DTYPES = ['f2', 'f4', 'f8', 'i1', 'u1', 'i2', 'u2', 'i4', 'u4', 'i8', 'u8', 'b1'];

describe.skipIf(!HAS_NUMPY)('.npy files written by numpy read back equal', () => {
  it('every dtype, both byte orders, C and Fortran order', () => {
    const meta = JSON.parse(
      runPython(
        `
meta = []
base = np.arange(24).reshape(2, 3, 4) - 7
for dt in ${JSON.stringify(DTYPES)}:
    for order in '<>':
        for fortran in (False, True):
            t = np.dtype(order + dt)
            if dt == 'b1': a = (base % 3 == 0)
            elif dt.startswith('u'): a = (base + 7 + (2**40 if dt == 'u8' else 0)).astype(t)
            elif dt == 'f2': a = (base / 3).astype(t)
            elif dt == 'i8': a = (base * 2**40).astype(t)
            else: a = base.astype(t)
            a = np.asfortranarray(a) if fortran else np.ascontiguousarray(a)
            name = '%s_%s_%d' % (dt, 'be' if order == '>' else 'le', fortran)
            np.save(D + '/' + name + '.npy', a)
            flat = np.ascontiguousarray(a).ravel()
            vals = [str(int(v)) if dt in ('i8', 'u8') else (float(v) if dt[0] == 'f' else int(v)) for v in flat]
            meta.append({'name': name, 'shape': list(a.shape), 'values': vals, 'dtype': dt})
print(json.dumps(meta))
`,
        dir,
      ),
    ) as { name: string; shape: number[]; values: (number | string)[]; dtype: string }[];
    expect(meta.length).toBe(DTYPES.length * 4);
    for (const m of meta) {
      const a = readNpy(join(dir, `${m.name}.npy`));
      expect(a.dtype, m.name).toBe(m.dtype);
      expect(a.shape, m.name).toEqual(m.shape);
      expect(toNums(a.data), m.name).toEqual(m.values);
    }
  });

  it('0-d, empty, and format versions 1.0, 2.0, 3.0', () => {
    runPython(
      `
import numpy.lib.format as F
np.save(D + '/zero_d.npy', np.float32(3.5))
np.save(D + '/empty.npy', np.zeros((0, 4), np.float32))
for v in (1, 2, 3):
    with open(D + '/v%d.npy' % v, 'wb') as fh:
        F.write_array(fh, np.linspace(-1, 1, 7).astype('<f4'), version=(v, 0))
`,
      dir,
    );
    const z = readNpy(join(dir, 'zero_d.npy'));
    expect(z.shape).toEqual([]);
    expect(Array.from(z.data as Float32Array)).toEqual([3.5]);
    const e = readNpy(join(dir, 'empty.npy'));
    expect(e.shape).toEqual([0, 4]);
    expect(e.data.length).toBe(0);
    for (const v of [1, 2, 3]) {
      const a = readNpy(join(dir, `v${v}.npy`));
      expect(Array.from(a.data as Float32Array)).toEqual(Array.from(Float32Array.from([-1, -2 / 3, -1 / 3, 0, 1 / 3, 2 / 3, 1])));
    }
  });

  it('our files load in numpy, every dtype we write, including float16 rounding', () => {
    const f = Float32Array.of(1, -2.5, 0.1, 65504, 1e-8, 70000, -0);
    writeNpy(join(dir, 'ours_f4.npy'), f, [7]);
    writeNpy(join(dir, 'ours_f2.npy'), f, [7], 'f2');
    writeNpy(join(dir, 'ours_u1.npy'), Uint8Array.of(0, 192, 255), [1, 3]);
    writeNpy(join(dir, 'ours_i1.npy'), Int8Array.of(-128, 127), [2]);
    writeNpy(join(dir, 'ours_u2.npy'), Uint16Array.of(65535, 1), [2, 1]);
    writeNpy(join(dir, 'ours_i2.npy'), Int16Array.of(-32768), []);
    writeNpy(join(dir, 'ours_f8.npy'), Float64Array.of(Math.PI), [1]);
    writeNpy(join(dir, 'ours_i8.npy'), BigInt64Array.of(-(2n ** 62n)), [1]);
    writeNpy(join(dir, 'ours_empty.npy'), new Float32Array(0), [3, 0]);
    const out = runPython(
      `
r = {}
for n in ['f4','f2','u1','i1','u2','i2','f8','i8','empty']:
    a = np.load(D + '/ours_%s.npy' % n)
    r[n] = [str(a.dtype), list(a.shape), [str(v) for v in a.ravel().tolist()]]
r['f2_numpy'] = [str(v) for v in np.array([1, -2.5, 0.1, 65504, 1e-8, 70000, -0.0], np.float32).astype(np.float16).tolist()]
print(json.dumps(r))
`,
      dir,
    );
    const r = JSON.parse(out);
    expect(r.f4[0]).toBe('float32');
    expect(r.f2[0]).toBe('float16');
    expect(r.f2[2]).toEqual(r.f2_numpy);
    expect(r.u1).toEqual(['uint8', [1, 3], ['0', '192', '255']]);
    expect(r.i1).toEqual(['int8', [2], ['-128', '127']]);
    expect(r.u2).toEqual(['uint16', [2, 1], ['65535', '1']]);
    expect(r.i2).toEqual(['int16', [], ['-32768']]);
    expect(r.f8[2]).toEqual([String(Math.PI)]);
    expect(r.i8[2]).toEqual([String(-(2n ** 62n))]);
    expect(r.empty).toEqual(['float32', [3, 0], []]);
  });
});

describe('round trip and chunks', () => {
  it('write → read for every writable dtype', () => {
    const arrays: NpyData[] = [
      Float32Array.of(1.5, -0, Infinity),
      Float64Array.of(1e-300, NaN),
      Int8Array.of(-128, 127),
      Uint8Array.of(0, 255),
      Int16Array.of(-32768, 32767),
      Uint16Array.of(0, 65535),
      Int32Array.of(-(2 ** 31), 2 ** 31 - 1),
      Uint32Array.of(0, 2 ** 32 - 1),
      BigInt64Array.of(-(2n ** 63n)),
      BigUint64Array.of(2n ** 64n - 1n),
    ];
    for (const a of arrays) {
      const p = join(dir, 'rt.npy');
      writeNpy(p, a, [a.length]);
      const b = readNpy(p);
      expect(b.data.constructor).toBe(a.constructor);
      expect(toNums(b.data)).toEqual(toNums(a));
    }
  });

  it('reads in chunks equal to the whole', () => {
    const x = Float32Array.from({ length: 1000 }, (_, i) => i * 0.5);
    const p = join(dir, 'chunks.npy');
    writeNpy(p, x, [10, 100]);
    const r = openNpy(p);
    const parts: number[] = [];
    for (const { start, data } of r.chunks(333)) {
      expect(start).toBe(parts.length);
      parts.push(...(data as Float32Array));
    }
    r.close();
    expect(parts).toEqual(Array.from(x));
  });

  it('float16 conversion: exact widening, round-half-even narrowing, specials', () => {
    expect(float16BitsToNumber(0x3c00)).toBe(1);
    expect(float16BitsToNumber(0x0001)).toBe(2 ** -24);
    expect(float16BitsToNumber(0x7bff)).toBe(65504);
    expect(float16BitsToNumber(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(float16BitsToNumber(0x7e00))).toBe(true);
    expect(numberToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(numberToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(numberToFloat16Bits(65519)).toBe(0x7bff);
    expect(numberToFloat16Bits(65520)).toBe(0x7c00);
    expect(numberToFloat16Bits(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal → even (0)
    expect(numberToFloat16Bits(-0)).toBe(0x8000);
    for (let h = 0; h < 0x7c00; h++) expect(numberToFloat16Bits(float16BitsToNumber(h))).toBe(h);
  });
});

describe('bad files: a clear error naming the file and the problem', () => {
  const bad = (name: string, bytes: Uint8Array | string): string => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  const good = npyBytes(Float32Array.of(1, 2, 3, 4), [4]);
  const header = (dict: string) => {
    const text = dict.padEnd(117, ' ') + '\n';
    const out = new Uint8Array(128 + 16);
    out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
    for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
    return out;
  };
  const cases: [string, Uint8Array | string, RegExp][] = [
    ['magic.npy', 'hello world, not numpy at all', /not a \.npy file \(wrong magic\)/],
    ['empty.npy', '', /wrong magic/],
    ['trunc_header.npy', good.subarray(0, 40), /truncated \.npy header/],
    ['trunc_data.npy', good.subarray(0, good.length - 1), /truncated data \(shape \(4,\) needs 16 bytes, file has 15\)/],
    ['dict.npy', header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,"), /header dict does not parse/],
    ['object.npy', header("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }"), /unsupported dtype '\|O'/],
    ['structured.npy', header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }"), /structured or object dtype/],
    ['eval.npy', header("{'descr': __import__('os').system('true'), 'fortran_order': False, 'shape': (2,), }"), /does not parse/],
    ['noshape.npy', header("{'descr': '<f4', 'fortran_order': False, }"), /has no 'shape'/],
    ['negshape.npy', header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }"), /shape is not a tuple of non-negative integers/],
    ['huge.npy', header("{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000,), }"), /truncated data/],
    ['version.npy', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 9, 0, 0, 0, 0, 0]), /unsupported \.npy version 9\.0/],
  ];
  it.each(cases)('%s', (name, bytes, message) => {
    const p = bad(name, bytes);
    expect(() => readNpy(p)).toThrow(DataError);
    expect(() => readNpy(p)).toThrow(message);
    expect(() => readNpy(p)).toThrow(p);
  });
  it('a missing file', () => {
    expect(() => readNpy(join(dir, 'nope.npy'))).toThrow(/nope\.npy: cannot open \(ENOENT\)/);
  });
});
