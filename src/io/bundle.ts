import { createHash } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, existsSync, openSync, readSync, renameSync, statSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliCompress, createBrotliDecompress, createGunzip, createGzip, constants as zc } from 'node:zlib';
import { DataError, UsageError } from '../errors.js';
import { ErrorAccumulator } from '../analysis/errorMetrics.js';
import { bitSplitSweep } from '../analysis/sweep.js';
import { packBits, packedByteLength, unpackBits } from '../codec/bitPack.js';
import { decodeFixed } from '../codec/decodeFixed.js';
import { addCounts, emptyCounts, encodeFixed, type EncodeCounts } from '../codec/encodeFixed.js';
import type { NanMode, OverflowMode, RoundingMode } from '../codec/modes.js';
import type { CodeArray, FixedFormat } from '../format/fixedFormat.js';
import { parseFormat } from '../format/parseFormat.js';
import { AtomicFileWriter, trackTempDir, yieldToEventLoop } from './atomicFile.js';
import { asTensorSource, type FloatTensorInput } from './floatSources.js';
import { buildNpyHeader } from './npyHeader.js';
import { writeNpz } from './npz.js';
import { buildSafetensorsHeader, SafetensorsReader, ST_DTYPE_SIZE, type SafetensorsEntry } from './safetensors.js';

/*
 * relu6q bundles: a safetensors file whose tensors are fixed-point codes
 * (U8/I8, U16/I16, or densely bit-packed U8 for formats under 8 bits), with a
 * per-tensor record in __metadata__ under "relu6q:<name>" (JSON) and a global
 * "relu6q" entry. Export streams each input in chunks: encode, decode for the
 * metrics, pack, hash, and append the bytes to a temporary data file; the header
 * (which needs every size and hash) is written last, then the data copied after it.
 */

export const BUNDLE_VERSION = 1;
const CHUNK = 1 << 20; // a multiple of 8, so bit-packed chunks end on byte boundaries

export interface TensorRecord {
  format: string;
  signed: boolean;
  intBits: number;
  fracBits: number;
  bits: number;
  rounding: RoundingMode;
  overflow: OverflowMode;
  nan: NanMode;
  bound: [number, number] | null;
  seed: number | null;
  sourceDtype: string;
  shape: number[];
  count: number;
  storedDtype: 'U8' | 'I8' | 'U16' | 'I16';
  /** null, or LSB-first dense packing of `bits`-bit codes into U8. */
  packing: { bits: number; bitOrder: 'lsb-first' } | null;
  counts: EncodeCounts;
  metrics: { mse: number | null; maxAbsError: number | null; sqnrDb: number | null; finite: number };
  sha256: string;
}

export interface ExportOptions {
  /** A format spelling, or 'auto': per tensor the 8-bit UQm.n split with the least mse (the sweep). */
  format: string;
  rounding?: RoundingMode;
  overflow?: OverflowMode;
  nan?: NanMode;
  seed?: number;
  compress?: 'none' | 'gzip' | 'brotli';
  force?: boolean;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface ExportResult {
  output: string;
  tensors: { name: string; record: TensorRecord; bytes: number }[];
  float32Bytes: number;
  codeBytes: number;
  fileBytes: number;
  compressedBytes: number | null;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function storedDtypeOf(f: FixedFormat): TensorRecord['storedDtype'] {
  if (f.bits < 8) return 'U8';
  if (f.bits === 8) return f.signed ? 'I8' : 'U8';
  return f.signed ? 'I16' : 'U16';
}

function chooseFormat(t: FloatTensorInput, o: ExportOptions): FixedFormat {
  if (o.format !== 'auto') return parseFormat(o.format);
  const sweep = bitSplitSweep(asTensorSource(t), 8);
  const best = sweep.rows.filter((r) => r.activation === 'relu').reduce((a, b) => (b.mse < a.mse ? b : a));
  return parseFormat(best.format);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

const codeBytesOf = (c: CodeArray): Uint8Array => new Uint8Array(c.buffer, c.byteOffset, c.byteLength);

/** Encode every input tensor into a relu6q safetensors bundle at `output` (atomic; .gz/.br with compress). */
export async function exportBundle(inputs: FloatTensorInput[], output: string, o: ExportOptions): Promise<ExportResult> {
  if (!inputs.length) throw new UsageError('no float tensors to export');
  const names = new Set<string>();
  for (const t of inputs) {
    if (names.has(t.name)) throw new UsageError(`two inputs give the tensor name '${t.name}' (use --name-from file, or rename a file)`);
    if (t.name.startsWith('__')) throw new UsageError(`tensor name '${t.name}' is reserved (starts with __)`);
    names.add(t.name);
  }
  if (existsSync(output) && !o.force) throw new UsageError(`${output} exists; pass --force to overwrite it`);
  if (!existsSync(dirname(resolve(output)))) throw new DataError(`${output}: directory ${dirname(resolve(output))} does not exist`);
  const work = await mkdtemp(join(dirname(resolve(output)), `.${basename(output)}.work-`));
  const untrack = trackTempDir(work);
  const dataPath = join(work, 'data.bin');
  try {
    const fd = openSync(dataPath, 'w');
    const tensors: ExportResult['tensors'] = [];
    let float32Bytes = 0;
    try {
      for (const t of inputs) {
        const format = chooseFormat(t, o);
        const rounding = o.rounding ?? format.rounding ?? 'nearest-even';
        const overflow = o.overflow ?? format.overflow ?? 'saturate';
        const nan = o.nan ?? 'error';
        const hash = createHash('sha256');
        const counts = emptyCounts();
        const acc = new ErrorAccumulator();
        let bytes = 0;
        for (const { start, values } of t.chunks(CHUNK)) {
          let r;
          try {
            r = encodeFixed(values, format, { rounding, overflow, nan, seed: o.seed ?? 0, indexOffset: start });
          } catch (e) {
            throw e instanceof DataError ? new DataError(`${t.file}: tensor '${t.name}': ${e.message}`) : e;
          }
          addCounts(counts, r.counts);
          acc.add(values, decodeFixed(r.codes, format), Infinity, start);
          const stored = format.bits < 8 ? packBits(r.codes, format.bits) : codeBytesOf(r.codes);
          hash.update(stored);
          writeAll(fd, stored);
          bytes += stored.length;
          o.onProgress?.(start + values.length, t.size, `export ${t.name}`);
          await yieldToEventLoop();
        }
        const m = acc.result();
        const record: TensorRecord = {
          format: format.spellings.q,
          signed: format.signed,
          intBits: format.intBits,
          fracBits: format.fracBits,
          bits: format.bits,
          rounding,
          overflow,
          nan,
          bound: format.bound ? [format.bound[0], format.bound[1]] : null,
          seed: rounding === 'stochastic' ? (o.seed ?? 0) : null,
          sourceDtype: t.sourceDtype,
          shape: t.shape,
          count: t.size,
          storedDtype: storedDtypeOf(format),
          packing: format.bits < 8 ? { bits: format.bits, bitOrder: 'lsb-first' } : null,
          counts,
          metrics: { mse: finiteOrNull(m.mse), maxAbsError: finiteOrNull(m.maxAbsError), sqnrDb: finiteOrNull(m.sqnrDb), finite: m.count },
          sha256: hash.digest('hex'),
        };
        if (format.bits < 8 && bytes !== packedByteLength(t.size, format.bits)) throw new Error('internal: packed size mismatch');
        tensors.push({ name: t.name, record, bytes });
        float32Bytes += 4 * t.size;
      }
    } finally {
      closeSync(fd);
    }
    const metadata: Record<string, string> = { relu6q: JSON.stringify({ version: BUNDLE_VERSION, bitOrder: 'lsb-first', codes: 'value = code · 2^-fracBits' }) };
    for (const t of tensors) metadata[`relu6q:${t.name}`] = JSON.stringify(t.record);
    const header = buildSafetensorsHeader(
      tensors.map((t) => ({ name: t.name, dtype: t.record.storedDtype, shape: t.record.packing ? [t.bytes] : t.record.shape, bytes: t.bytes })),
      metadata,
    );
    const compress = o.compress ?? 'none';
    const plainTarget = compress === 'none' ? output : join(work, 'bundle.safetensors');
    // Header, then the data copied in chunks, into an atomic writer (temp file + rename).
    const w = new AtomicFileWriter(plainTarget);
    let fileBytes = 0;
    try {
      w.write(header);
      const rfd = openSync(dataPath, 'r');
      try {
        const buf = new Uint8Array(1 << 22);
        for (;;) {
          const n = readSync(rfd, buf, 0, buf.length, null);
          if (n === 0) break;
          w.write(buf.subarray(0, n));
        }
      } finally {
        closeSync(rfd);
      }
      fileBytes = w.bytesWritten;
      w.commit();
    } catch (e) {
      w.abort();
      throw e;
    }
    let compressedBytes: number | null = null;
    if (compress !== 'none') {
      const tmpOut = join(work, 'out.z');
      const z = compress === 'gzip' ? createGzip({ level: 9 }) : createBrotliCompress({ params: { [zc.BROTLI_PARAM_QUALITY]: 9 } });
      await pipeline(createReadStream(plainTarget), z, createWriteStream(tmpOut));
      compressedBytes = statSync(tmpOut).size;
      renameSync(tmpOut, output);
    }
    return { output, tensors, float32Bytes, codeBytes: tensors.reduce((a, t) => a + t.bytes, 0), fileBytes, compressedBytes };
  } finally {
    await rm(work, { recursive: true, force: true });
    untrack();
  }
}

/** Open a bundle: plain, or .gz / .br (decompressed to a temporary file first). */
export async function openBundle(path: string): Promise<{ reader: SafetensorsReader; cleanup: () => Promise<void> }> {
  const lower = path.toLowerCase();
  const gz = lower.endsWith('.gz');
  const br = lower.endsWith('.br');
  if (!existsSync(path)) throw new DataError(`${path}: cannot open (ENOENT)`);
  if (!gz && !br) return { reader: new SafetensorsReader(path), cleanup: async () => {} };
  const work = await mkdtemp(join(tmpdir(), 'relu6q-import-'));
  const untrack = trackTempDir(work);
  const plain = join(work, 'bundle.safetensors');
  try {
    await pipeline(createReadStream(path), gz ? createGunzip() : createBrotliDecompress(), createWriteStream(plain));
  } catch (e) {
    await rm(work, { recursive: true, force: true });
    untrack();
    throw new DataError(`${path}: does not decompress as ${gz ? 'gzip' : 'brotli'} (${(e as Error).message})`);
  }
  const cleanup = async () => {
    await rm(work, { recursive: true, force: true });
    untrack();
  };
  try {
    return { reader: new SafetensorsReader(plain), cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** The relu6q record of a bundle tensor, checked against the entry. */
export function tensorRecord(reader: SafetensorsReader, entry: SafetensorsEntry): TensorRecord {
  const raw = reader.header.metadata?.[`relu6q:${entry.name}`];
  if (raw === undefined) throw new DataError(`${reader.path}: tensor '${entry.name}' has no relu6q metadata (not written by relu6q export)`);
  let rec: TensorRecord;
  try {
    rec = JSON.parse(raw) as TensorRecord;
  } catch {
    throw new DataError(`${reader.path}: tensor '${entry.name}': relu6q metadata is not JSON`);
  }
  const f = parseFormat(rec.format);
  const expectedBytes = rec.packing ? packedByteLength(rec.count, f.bits) : rec.count * ST_DTYPE_SIZE[storedDtypeOf(f)]!;
  if (!Array.isArray(rec.shape) || rec.shape.reduce((a, b) => a * b, 1) !== rec.count || entry.end - entry.begin !== expectedBytes || entry.dtype !== storedDtypeOf(f)) {
    throw new DataError(`${reader.path}: tensor '${entry.name}': metadata (format ${rec.format}, shape ${JSON.stringify(rec.shape)}) does not match the stored ${entry.dtype} data`);
  }
  if (typeof rec.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(rec.sha256)) throw new DataError(`${reader.path}: tensor '${entry.name}': metadata has no valid sha256`);
  return rec;
}

/** Stream the stored bytes of a tensor, in chunks that hold whole codes (multiples of 8 codes when packed). */
function* storedChunks(reader: SafetensorsReader, entry: SafetensorsEntry, rec: TensorRecord): Generator<{ start: number; codes: CodeArray; bytes: Uint8Array }> {
  const f = parseFormat(rec.format);
  const elementBytes = ST_DTYPE_SIZE[entry.dtype]!;
  for (let start = 0; start < rec.count; start += CHUNK) {
    const n = Math.min(CHUNK, rec.count - start);
    if (rec.packing) {
      const b0 = (start * f.bits) / 8; // start is a multiple of 8
      const len = packedByteLength(n, f.bits);
      const bytes = reader.readBytes(entry.begin + b0, len);
      yield { start, codes: unpackBits(bytes, f.bits, n, f.signed), bytes };
    } else {
      const bytes = reader.readBytes(entry.begin + start * elementBytes, n * elementBytes);
      const buf = bytes.buffer;
      const codes: CodeArray = entry.dtype === 'U8' ? bytes : entry.dtype === 'I8' ? new Int8Array(buf) : entry.dtype === 'U16' ? new Uint16Array(buf) : new Int16Array(buf);
      yield { start, codes, bytes };
    }
  }
}

/** Verify a tensor's SHA-256 against its metadata; a mismatch is an error naming the tensor. */
export function verifyTensor(reader: SafetensorsReader, entry: SafetensorsEntry, rec: TensorRecord): void {
  const h = createHash('sha256');
  for (const { bytes } of storedChunks(reader, entry, rec)) h.update(bytes);
  const got = h.digest('hex');
  if (got !== rec.sha256) throw new DataError(`${reader.path}: tensor '${entry.name}': SHA-256 mismatch (stored ${rec.sha256.slice(0, 12)}…, data ${got.slice(0, 12)}…)`);
}

/** Decode a tensor of a bundle to float32 (whole, for .npz output and tests). */
export function decodeBundleTensor(reader: SafetensorsReader, name: string): { data: Float32Array; shape: number[]; record: TensorRecord } {
  const entry = reader.tensor(name);
  const rec = tensorRecord(reader, entry);
  verifyTensor(reader, entry, rec);
  const f = parseFormat(rec.format);
  const out = new Float32Array(rec.count);
  for (const { start, codes } of storedChunks(reader, entry, rec)) out.set(decodeFixed(codes, f), start);
  return { data: out, shape: rec.shape, record: rec };
}

/** A file name for a tensor name: characters outside [A-Za-z0-9._-] become '_'. */
export function safeFileName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9._-]/g, '_');
  return s === '' || s === '.' || s === '..' ? '_' : s;
}

export interface ImportOptions {
  tensors?: string[];
  force?: boolean;
  onProgress?: (done: number, total: number, label: string) => void;
}

/**
 * Decode a bundle: every selected tensor is SHA-256-verified first (nothing is
 * written if any fails), then written as float32 — one .npy per tensor into
 * `output` (a directory), or one .npz when `output` ends in .npz. Outputs are atomic
 * and existing files are not overwritten without `force`.
 */
export async function importBundle(path: string, output: string, o: ImportOptions = {}): Promise<{ written: string[]; tensors: string[] }> {
  const { reader, cleanup } = await openBundle(path);
  try {
    const all = reader.header.tensors;
    const selected = o.tensors?.length ? o.tensors.map((n) => reader.tensor(n)) : all;
    const records = selected.map((e) => [e, tensorRecord(reader, e)] as const);
    for (const [e, rec] of records) verifyTensor(reader, e, rec);
    const toNpz = output.toLowerCase().endsWith('.npz');
    if (toNpz) {
      if (existsSync(output) && !o.force) throw new UsageError(`${output} exists; pass --force to overwrite it`);
      const arrays = records.map(([e]) => {
        const d = decodeBundleTensor(reader, e.name);
        return { key: e.name, data: d.data, shape: d.shape };
      });
      writeNpz(output, arrays);
      return { written: [output], tensors: records.map(([e]) => e.name) };
    }
    if (!existsSync(output)) {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(output, { recursive: true });
    }
    const targets = records.map(([e]) => join(output, `${safeFileName(e.name)}.npy`));
    if (new Set(targets).size !== targets.length) throw new UsageError('two tensor names map to the same file name; import them with --tensor one at a time or to an .npz');
    if (!o.force) for (const t of targets) if (existsSync(t)) throw new UsageError(`${t} exists; pass --force to overwrite it`);
    const written: string[] = [];
    for (const [i, [e, rec]] of records.entries()) {
      const f = parseFormat(rec.format);
      const w = new AtomicFileWriter(targets[i]!);
      try {
        w.write(buildNpyHeader('<f4', rec.shape));
        for (const { start, codes } of storedChunks(reader, e, rec)) {
          const v = decodeFixed(codes, f);
          w.write(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
          o.onProgress?.(start + codes.length, rec.count, `import ${e.name}`);
          await yieldToEventLoop();
        }
        w.commit();
      } catch (err) {
        w.abort();
        throw err;
      }
      written.push(targets[i]!);
    }
    return { written, tensors: records.map(([e]) => e.name) };
  } finally {
    reader.close();
    await cleanup();
  }
}
