import { afterAll, describe, expect, it } from 'vitest';
import { fc, test as fcTest } from '@fast-check/vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeBundleTensor,
  decodeFixed,
  encodeFixed,
  exportBundle,
  floatTensorsOf,
  importBundle,
  packBits,
  readNpy,
  readNpz,
  Relu6qError,
  ROUNDING_MODES,
  SafetensorsReader,
  unpackBits,
  writeNpy,
  writeNpz,
  type FloatTensorInput,
  type RoundingMode,
} from '../src/index.js';
import { HAS_NUMPY, runPython, scratchDir } from './helpers/numpy.js';
import { relu6q } from './helpers/cli.js';

const { dir, cleanup } = scratchDir();
afterAll(cleanup);

function memInput(name: string, x: Float32Array | Float64Array, shape = [x.length]): FloatTensorInput {
  return {
    name,
    file: `${name}.mem`,
    key: name,
    shape,
    sourceDtype: x instanceof Float64Array ? 'float64' : 'float32',
    size: x.length,
    *chunks(chunk: number) {
      for (let s = 0; s < x.length; s += chunk) yield { start: s, values: x.subarray(s, Math.min(x.length, s + chunk)) };
    },
  };
}

describe('bit packing (LSB-first)', () => {
  it('documented bit order on hand-worked bytes', () => {
    expect(Array.from(packBits([1, 2, 3], 4))).toEqual([0x21, 0x03]);
    // 3-bit codes 5, 3, 7: bits 101 | 011 | 111 from the LSB: byte0 = 0b11_011_101 = 0xdd, byte1 = 0b1 = 0x01
    expect(Array.from(packBits([5, 3, 7], 3))).toEqual([0xdd, 0x01]);
    expect(Array.from(packBits([1, 0, 1, 1, 0, 0, 0, 1], 1))).toEqual([0x8d]);
    expect(Array.from(unpackBits(Uint8Array.of(0xdd, 0x01), 3, 3, false))).toEqual([5, 3, 7]);
    expect(Array.from(unpackBits(packBits([-4, -1, 3], 3), 3, 3, true))).toEqual([-4, -1, 3]);
  });
  fcTest.prop([fc.integer({ min: 1, max: 7 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 100 })])('round trip for every width, signed and unsigned', (bits, signed, raw) => {
    const lo = signed ? -(2 ** (bits - 1)) : 0;
    const codes = raw.map((r) => lo + (r % 2 ** bits));
    const back = unpackBits(packBits(codes, bits), bits, codes.length, signed);
    expect(Array.from(back)).toEqual(codes);
  });
});

describe('round trip: import(export(x)) === decodeFixed(encodeFixed(x)) bit for bit', () => {
  const FORMATS = ['relu6', 'relu3', 'UQ3.5', 'Q3.4', 'UQ2.2', 'Q1.2', 'UQ0.1', 'UQ1.6', 'Q3.12', 'UQ8.8'];
  fcTest.prop(
    [fc.array(fc.oneof(fc.float({ min: -20, max: 20, noNaN: true }), fc.integer({ min: -64, max: 64 }).map((k) => (k + 0.5) / 8)), { minLength: 1, maxLength: 60 }), fc.constantFrom(...FORMATS), fc.constantFrom(...ROUNDING_MODES), fc.boolean()],
    { numRuns: 60 },
  )('every format and rounding', async (values, format, rounding, f64) => {
    const x = f64 ? Float64Array.from(values) : Float32Array.from(values);
    const out = join(dir, `rt-${Math.random().toString(36).slice(2)}.safetensors`);
    await exportBundle([memInput('t', x)], out, { format, rounding: rounding as RoundingMode, seed: 5 });
    const r = new SafetensorsReader(out);
    const got = decodeBundleTensor(r, 't').data;
    r.close();
    const want = decodeFixed(encodeFixed(x, format, { rounding: rounding as RoundingMode, seed: 5 }).codes, format);
    expect(Buffer.compare(Buffer.from(got.buffer), Buffer.from(want.buffer))).toBe(0);
  });

  it('across chunk boundaries (packed 3-bit codes, 2.5 M values) and with gzip/brotli', async () => {
    const n = 2_500_003;
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 2);
    for (const compress of ['none', 'gzip', 'brotli'] as const) {
      const out = join(dir, `big.safetensors${compress === 'gzip' ? '.gz' : compress === 'brotli' ? '.br' : ''}`);
      const res = await exportBundle([memInput('big', x)], out, { format: 'UQ1.2', compress, force: true });
      expect(res.codeBytes).toBe(Math.ceil((n * 3) / 8));
      const outDir = join(dir, `imp-${compress}`);
      await importBundle(out, outDir);
      const got = readNpy(join(outDir, 'big.npy')).data as Float32Array;
      const want = decodeFixed(encodeFixed(x, 'UQ1.2').codes, 'UQ1.2');
      expect(Buffer.compare(Buffer.from(got.buffer), Buffer.from(want.buffer))).toBe(0);
    }
  });
});

describe('metadata and safety', () => {
  it('records format, counts, metrics and the SHA-256 of the codes', async () => {
    const x = Float32Array.of(-1, 0, 3, 6.5, 1 / 64, NaN);
    const out = join(dir, 'meta.safetensors');
    await exportBundle([memInput('m', x, [2, 3])], out, { format: 'relu6', nan: 'zero' });
    const r = new SafetensorsReader(out);
    const rec = JSON.parse(r.header.metadata!['relu6q:m']!);
    r.close();
    expect(rec).toMatchObject({ format: 'UQ3.5', bits: 8, rounding: 'nearest-even', overflow: 'saturate', nan: 'zero', bound: [0, 6], sourceDtype: 'float32', shape: [2, 3], storedDtype: 'U8', packing: null });
    expect(rec.counts).toMatchObject({ boundedLow: 1, boundedHigh: 1, inexact: 1, nan: 1 });
    // vs the source: errors 1 (-1 → 0), 0.5 (6.5 → 6), 1/128 (1/64 → 0 or 1/32: tie → even 0); NaN excluded
    expect(rec.metrics.maxAbsError).toBe(1);
    expect(rec.metrics.finite).toBe(5);
    expect(rec.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
  it('a corrupted code byte fails the SHA-256 check, naming the tensor, and nothing is written', async () => {
    const out = join(dir, 'corrupt.safetensors');
    await exportBundle([memInput('a', Float32Array.of(1, 2, 3)), memInput('b', Float32Array.of(4, 5, 6))], out, { format: 'relu6' });
    const bytes = readFileSync(out);
    bytes[bytes.length - 1] ^= 1; // last byte belongs to tensor 'b'
    writeFileSync(out, bytes);
    const target = join(dir, 'corrupt-out');
    await expect(importBundle(out, target)).rejects.toThrow(/tensor 'b': SHA-256 mismatch/);
    expect(existsSync(join(target, 'a.npy'))).toBe(false);
  });
  it('an export that fails midway leaves no output and no temporary files', async () => {
    const out = join(dir, 'fail.safetensors');
    const before = readdirSync(dir).length;
    await expect(exportBundle([memInput('ok', Float32Array.of(1, 2)), memInput('bad', Float32Array.of(1, NaN))], out, { format: 'relu6' })).rejects.toThrow(/tensor 'bad': NaN at index 1/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).length).toBe(before);
  });
  it('refuses to overwrite without force, and duplicate tensor names', async () => {
    const out = join(dir, 'exists.safetensors');
    writeFileSync(out, 'x');
    await expect(exportBundle([memInput('a', Float32Array.of(1))], out, { format: 'relu6' })).rejects.toThrow(/exists; pass --force/);
    await expect(exportBundle([memInput('a', Float32Array.of(1)), memInput('a', Float32Array.of(2))], join(dir, 'dup.safetensors'), { format: 'relu6' })).rejects.toThrow(/two inputs give the tensor name 'a'/);
    expect(readFileSync(out, 'utf8')).toBe('x');
  });
});

describe('hostile safetensors files: every outcome is a correct read or a clean error', () => {
  it('fuzzes lengths, offsets, JSON and bytes of a valid bundle', async () => {
    const good = join(dir, 'fuzz-src.safetensors');
    await exportBundle([memInput('alpha', Float32Array.from({ length: 40 }, (_, i) => i / 7)), memInput('beta', Float32Array.from({ length: 17 }, (_, i) => -i))], good, { format: 'UQ2.2' });
    const base = readFileSync(good);
    const headerLen = Number(base.readBigUInt64LE(0));
    const headerText = base.subarray(8, 8 + headerLen).toString('utf8');
    let seed = 1234;
    const rnd = (n: number) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    const mutants: Buffer[] = [];
    for (let i = 0; i < 400; i++) {
      const b = Buffer.from(base);
      const kind = i % 6;
      if (kind === 0) b[rnd(8 + headerLen)] = rnd(256); // a random header byte
      else if (kind === 1) b.writeBigUInt64LE(BigInt(rnd(4) === 0 ? 2 ** 40 + rnd(1000) : rnd(headerLen * 2 + 8)), 0); // header length
      else if (kind === 2) {
        // an offset or shape number rewritten
        const nums = [...headerText.matchAll(/\d+/g)];
        const m = nums[rnd(nums.length)]!;
        const repl = String([0, 1, 7, 99999999999, 2 ** 53, rnd(200)][rnd(6)]).padEnd(m[0].length, ' ').slice(0, Math.max(m[0].length, 1));
        const t = headerText.slice(0, m.index!) + repl + headerText.slice(m.index! + m[0].length);
        Buffer.from(t.padEnd(headerLen, ' ').slice(0, headerLen)).copy(b, 8);
      } else if (kind === 3) {
        // JSON edits: a dtype, a bracket, nesting, duplicate key
        const edits = [
          headerText.replace('"U8"', '"X9"'),
          headerText.replace('[', '{'),
          headerText.replace('"shape":', '"shape":[[[[[[[[[[1]]]]]]]]]],"s":'),
          headerText.replace('"beta"', '"alpha"'),
          headerText.replace('{', '['),
          headerText.slice(0, headerLen - rnd(50) - 1),
        ];
        Buffer.from(edits[rnd(edits.length)]!.padEnd(headerLen, ' ').slice(0, headerLen)).copy(b, 8);
      } else if (kind === 4) mutants.push(b.subarray(0, rnd(b.length))); // truncation
      else b[8 + headerLen + rnd(b.length - 8 - headerLen)] ^= 1 << rnd(8); // data bit flip
      mutants.push(b);
    }
    let ok = 0;
    let clean = 0;
    for (const [i, m] of mutants.entries()) {
      const p = join(dir, 'fuzz.safetensors');
      writeFileSync(p, m);
      try {
        const r = new SafetensorsReader(p);
        try {
          for (const t of r.header.tensors) decodeBundleTensor(r, t.name);
        } finally {
          r.close();
        }
        ok++;
      } catch (e) {
        if (!(e instanceof Relu6qError)) throw new Error(`mutant ${i}: unexpected ${(e as Error).name}: ${(e as Error).message}`);
        clean++;
      }
    }
    expect(ok + clean).toBe(mutants.length);
    expect(clean).toBeGreaterThan(200);
  });
  it('specific violations name the problem and the tensor', () => {
    const file = (obj: unknown, dataBytes: number, pad = 0) => {
      const json = Buffer.from(JSON.stringify(obj) + ' '.repeat(pad));
      const b = Buffer.alloc(8 + json.length + dataBytes);
      b.writeBigUInt64LE(BigInt(json.length), 0);
      json.copy(b, 8);
      const p = join(dir, 'v.safetensors');
      writeFileSync(p, b);
      return p;
    };
    const t = (shape: number[], off: [number, number], dtype = 'U8') => ({ dtype, shape, data_offsets: off });
    expect(() => new SafetensorsReader(file({ a: t([4], [0, 4]), b: t([2], [2, 4]) }, 4))).toThrow(/tensor 'b' overlaps/);
    expect(() => new SafetensorsReader(file({ a: t([4], [0, 4]), b: t([2], [6, 8]) }, 8))).toThrow(/gap of 2 bytes before tensor 'b'/);
    expect(() => new SafetensorsReader(file({ a: t([4], [0, 3]) }, 3))).toThrow(/tensor 'a': shape \[4\] × U8 is 4 bytes but data_offsets span 3/);
    expect(() => new SafetensorsReader(file({ a: t([4], [0, 4]) }, 2))).toThrow(/tensor 'a' data_offsets end at 4, past the 2-byte buffer/);
    expect(() => new SafetensorsReader(file({ a: t([2], [0, 2]) }, 5))).toThrow(/3 bytes after the last tensor/);
    expect(() => new SafetensorsReader(file({ a: t([2], [0, 2], 'Q4') }, 2))).toThrow(/tensor 'a' has unsupported dtype "Q4"/);
    expect(() => new SafetensorsReader(file({ __metadata__: { k: 1 } }, 0))).toThrow(/__metadata__ value 'k' is not a string/);
    expect(() => new SafetensorsReader(file({ a: t([1e15, 1e15], [0, 1]) }, 1))).toThrow(/tensor 'a'/);
    const huge = Buffer.alloc(16);
    huge.writeBigUInt64LE(2n ** 62n, 0);
    writeFileSync(join(dir, 'huge.safetensors'), huge);
    expect(() => new SafetensorsReader(join(dir, 'huge.safetensors'))).toThrow(/exceeds the 104857600-byte limit/);
    expect(new SafetensorsReader(file({ a: t([2], [0, 2]) }, 2, 6)).header.tensors[0]!.name).toBe('a'); // trailing-space padding is valid
  });
});

describe.skipIf(!HAS_NUMPY)('interop with an independent Python safetensors writer/reader (json + numpy only) and numpy .npz', () => {
  const PY_ST = `
import struct
def st_write(path, tensors, metadata=None):
    header = {}
    if metadata is not None: header['__metadata__'] = metadata
    off = 0; blobs = []
    for name, (dtype, arr) in tensors.items():
        b = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder('<')).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(arr.shape), 'data_offsets': [off, off + len(b)]}
        off += len(b); blobs.append(b)
    h = json.dumps(header).encode('utf-8')
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h))); f.write(h)
        for b in blobs: f.write(b)
NP = {'U8': '<u1', 'I8': '<i1', 'U16': '<u2', 'I16': '<i2', 'F16': '<f2', 'F32': '<f4', 'F64': '<f8', 'I32': '<i4', 'U32': '<u4', 'I64': '<i8', 'BOOL': '|b1'}
def st_read(path):
    with open(path, 'rb') as f: data = f.read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    meta = header.pop('__metadata__', None)
    out = {}
    for name, t in header.items():
        a, b = t['data_offsets']
        out[name] = (t['dtype'], np.frombuffer(data[8 + n + a: 8 + n + b], dtype=NP[t['dtype']]).reshape(t['shape']))
    return out, meta
`;
  it('our reader reads Python-written files; export takes their float tensors', async () => {
    runPython(
      `${PY_ST}
x = (np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 8) / 3
st_write(D + '/py.safetensors', {'act': ('F32', x), 'act64': ('F64', x.astype(np.float64)), 'half': ('F16', x.astype(np.float16)), 'ids': ('I64', np.arange(5)), 'flag': ('BOOL', np.array([True, False]))}, {'source': 'python'})`,
      dir,
    );
    const r = new SafetensorsReader(join(dir, 'py.safetensors'));
    expect(r.header.metadata).toEqual({ source: 'python' });
    expect(r.header.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([['act', 'F32', [2, 3, 4]], ['act64', 'F64', [2, 3, 4]], ['half', 'F16', [2, 3, 4]], ['ids', 'I64', [5]], ['flag', 'BOOL', [2]]]);
    r.close();
    const { tensors, skipped } = floatTensorsOf(join(dir, 'py.safetensors'));
    expect(tensors.map((t) => t.name)).toEqual(['act', 'act64', 'half']);
    expect(skipped).toHaveLength(2);
    const out = join(dir, 'from-py.safetensors');
    await exportBundle(tensors, out, { format: 'Q3.4' });
    const rr = new SafetensorsReader(out);
    const x = Float32Array.from({ length: 24 }, (_, i) => (i - 8) / 3);
    expect(Array.from(decodeBundleTensor(rr, 'act').data)).toEqual(Array.from(decodeFixed(encodeFixed(x, 'Q3.4').codes, 'Q3.4')));
    rr.close();
  });
  it('the Python reader reads our bundle: U8 codes equal numpy’s, metadata parses', async () => {
    const out = join(dir, 'ours.safetensors');
    const x = readNpy('fixtures/conv3_pointwise_preact.npy').data as Float32Array;
    await exportBundle([memInput('conv3', x, [1, 32, 32, 128]), memInput('packed', x.subarray(0, 1001))], out, { format: 'relu6' });
    await exportBundle([memInput('p4', x.subarray(0, 1001))], join(dir, 'ours4.safetensors'), { format: 'UQ2.2' });
    const res = JSON.parse(
      runPython(
        `${PY_ST}
t, meta = st_read(D + '/ours.safetensors')
x = np.load('fixtures/conv3_pointwise_preact.npy')
want = np.clip(np.rint(np.clip(x, 0, 6) * 32), 0, 255).astype(np.uint8)
rec = json.loads(meta['relu6q:conv3'])
t4, meta4 = st_read(D + '/ours4.safetensors')
r4 = json.loads(meta4['relu6q:p4'])
packed = t4['p4'][1]
codes = np.stack([packed & 15, packed >> 4], axis=1).reshape(-1)[:1001]  # LSB-first nibbles
want4 = np.clip(np.rint(x.reshape(-1)[:1001] * 4), 0, 15).astype(np.uint8)
print(json.dumps({'dtype': t['conv3'][0], 'shape': list(t['conv3'][1].shape), 'equal': bool((t['conv3'][1] == want).all()), 'format': rec['format'], 'sha': rec['sha256'],
  'equal4': bool((codes == want4).all()), 'packing': r4['packing'], 'global': json.loads(meta['relu6q'])['version']}))`,
        dir,
      ),
    );
    expect(res).toMatchObject({ dtype: 'U8', shape: [1, 32, 32, 128], equal: true, format: 'UQ3.5', equal4: true, packing: { bits: 4, bitOrder: 'lsb-first' }, global: 1 });
  });
  it('.npz: numpy savez / savez_compressed read by us; ours read by numpy', () => {
    runPython(
      `a = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
np.savez(D + '/s.npz', first=a, second=np.arange(5, dtype=np.int16))
np.savez_compressed(D + '/c.npz', first=a, big=np.zeros(100000, np.float64))`,
      dir,
    );
    for (const f of ['s.npz', 'c.npz']) {
      const m = readNpz(join(dir, f));
      expect(m[0]!.key).toBe('first');
      expect(Array.from(m[0]!.array.data as Float32Array)).toEqual(Array.from(Float32Array.from({ length: 12 }, (_, i) => i / 7)));
      expect(m[0]!.array.shape).toEqual([3, 4]);
    }
    writeNpz(join(dir, 'ours.npz'), [{ key: 'codes', data: Uint8Array.of(0, 192, 255), shape: [3] }, { key: 'x', data: Float32Array.of(1.5, -2), shape: [2, 1] }], true);
    const r = JSON.parse(runPython(`z = np.load(D + '/ours.npz')\nprint(json.dumps({k: [str(z[k].dtype), list(z[k].shape), z[k].ravel().tolist()] for k in z.files}))`, dir));
    expect(r).toEqual({ codes: ['uint8', [3], [0, 192, 255]], x: ['float32', [2, 1], [1.5, -2]] });
  });
});

describe('CLI export / import / inspect', () => {
  it('export → inspect → import (.npz out) on the fixtures', () => {
    const out = join(dir, 'cli.safetensors.br');
    const e = relu6q(['export', 'fixtures/conv3_pointwise_preact.npy', 'fixtures/conv11_pointwise_preact.npy', '-o', out, '--compress', 'brotli']);
    expect(e.status, e.stderr).toBe(0);
    expect(e.stderr).toMatch(/x smaller than float32 \(1\.00 MiB\), [\d.]+x smaller than the uncompressed codes \(256\.0 KiB\)/);
    const i = relu6q(['inspect', out]);
    expect(i.status, i.stderr).toBe(0);
    expect(i.stdout).toMatch(/2 tensors/);
    expect(i.stdout).toMatch(/conv3_pointwise_preact\s+UQ3\.5\s+\[1,32,32,128\] 128\.0 KiB\s+4\.00x vs float32/);
    const npz = join(dir, 'cli.npz');
    const m = relu6q(['import', out, '-o', npz, '--tensor', 'conv11_pointwise_preact']);
    expect(m.status, m.stderr).toBe(0);
    const back = readNpz(npz);
    expect(back.map((b) => b.key)).toEqual(['conv11_pointwise_preact']);
    expect(back[0]!.array.shape).toEqual([1, 16, 16, 512]);
    expect(relu6q(['import', out, '-o', npz]).stderr).toMatch(/exists; pass --force/);
    expect(relu6q(['export', 'fixtures/conv3_pointwise_preact.npy', '-o', out]).stderr).toMatch(/exists; pass --force/);
  });
  it('bad inputs: integer .npy, unknown extension, unknown tensor, non-bundle import', () => {
    const codes = join(dir, 'codes.npy');
    writeNpy(codes, Uint8Array.of(1, 2), [2]);
    expect(relu6q(['export', codes, '-o', join(dir, 'x.safetensors')]).stderr).toMatch(/not a float tensor; if it holds fixed-point codes/);
    expect(relu6q(['export', 'README.md', '-o', join(dir, 'x.safetensors')]).stderr).toMatch(/unsupported input type '\.md'/);
    const b = join(dir, 'one.safetensors');
    expect(relu6q(['export', 'fixtures/conv3_pointwise_preact.npy', '-o', b]).status).toBe(0);
    expect(relu6q(['import', b, '-o', join(dir, 'o'), '--tensor', 'nope']).stderr).toMatch(/no tensor named 'nope' \(has: conv3_pointwise_preact\)/);
    expect(relu6q(['import', 'fixtures/conv3_pointwise_preact.npy', '-o', join(dir, 'o2')]).status).toBe(1);
  });
});

describe('interrupting a long export or encode (Ctrl-C)', () => {
  it('exits 130 and leaves no output and no temporary files', async () => {
    const { spawn } = await import('node:child_process');
    const { ROOT } = await import('./helpers/cli.js');
    const big = join(dir, 'big-int.npy');
    writeNpy(big, new Float32Array(30_000_000).fill(1.5), [30_000_000]);
    const leftovers = () => readdirSync(dir).filter((f) => f.startsWith('int.') || f.startsWith('.int.'));
    for (const args of [['export', big, '-o', join(dir, 'int.safetensors')], ['encode', big, '-o', join(dir, 'int.npy'), '-f', 'relu6']]) {
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli', 'main.js'), ...args], { stdio: 'ignore' });
      const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      // Interrupt once the work has started: its temporary file or directory exists.
      const t0 = Date.now();
      while (!leftovers().length && Date.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 5));
      expect(leftovers().length, `${args[0]} started`).toBeGreaterThan(0);
      child.kill('SIGINT');
      expect(await exited, args[0]).toBe(130);
      expect(leftovers(), args[0]).toEqual([]);
    }
  }, 60000);
});
