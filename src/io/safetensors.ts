import { DataError } from '../errors.js';
import { RandomAccessFile } from './randomAccessFile.js';

/*
 * safetensors (huggingface/safetensors, docs "Format"): 8 bytes little-endian
 * unsigned header size N, then N bytes of UTF-8 JSON (an object; trailing
 * spaces allowed), then one byte buffer. Each tensor entry: {"dtype", "shape",
 * "data_offsets": [begin, end]} with offsets relative to the buffer start;
 * optional "__metadata__": string → string. Every header is treated as
 * hostile: it is checked completely before anything is allocated from it.
 */

export const ST_DTYPE_SIZE: Record<string, number> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  U16: 2,
  I16: 2,
  F16: 2,
  BF16: 2,
  U32: 4,
  I32: 4,
  F32: 4,
  U64: 8,
  I64: 8,
  F64: 8,
};

export const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const MAX_JSON_DEPTH = 8;

export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Element count (product of shape; 1 for a 0-d tensor). */
  size: number;
  /** Absolute byte offsets in the file. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  headerBytes: number;
  dataStart: number;
  tensors: SafetensorsEntry[];
  metadata: Record<string, string> | null;
}

/** Scan JSON text: reject excessive nesting and duplicate top-level keys (JSON.parse keeps the last silently). */
function scanJson(text: string, file: string): void {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let tokenStart = -1;
  const keys = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') {
        inString = false;
        if (depth === 1) {
          let j = i + 1;
          while (j < text.length && /\s/.test(text[j]!)) j++;
          if (text[j] === ':') {
            const key = JSON.parse(text.slice(tokenStart, i + 1)) as string;
            if (keys.has(key)) throw new DataError(`${file}: duplicate tensor name '${key}' in the header`);
            keys.add(key);
          }
        }
      }
      continue;
    }
    if (c === '"') {
      inString = true;
      tokenStart = i;
    } else if (c === '{' || c === '[') {
      depth++;
      if (depth > MAX_JSON_DEPTH) throw new DataError(`${file}: header JSON is nested more than ${MAX_JSON_DEPTH} levels`);
    } else if (c === '}' || c === ']') depth--;
  }
}

/** Validate a header (the JSON bytes) against the file size. */
export function parseSafetensorsHeader(headerJson: Uint8Array, headerBytes: number, fileBytes: number, file: string): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerJson);
  } catch {
    throw new DataError(`${file}: header is not valid UTF-8`);
  }
  if (!text.startsWith('{')) throw new DataError(`${file}: header does not start with '{'`);
  scanJson(text, file);
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${file}: header JSON does not parse (${(e as Error).message})`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new DataError(`${file}: header is not a JSON object`);
  const dataStart = 8 + headerBytes;
  const dataBytes = fileBytes - dataStart;
  let metadata: Record<string, string> | null = null;
  const tensors: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(obj as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DataError(`${file}: __metadata__ is not an object`);
      metadata = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new DataError(`${file}: __metadata__ value '${k}' is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const t = value as Record<string, unknown>;
    if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new DataError(`${file}: tensor '${name}' is not an object`);
    const dtype = t['dtype'];
    if (typeof dtype !== 'string' || !(dtype in ST_DTYPE_SIZE)) throw new DataError(`${file}: tensor '${name}' has unsupported dtype ${JSON.stringify(dtype)}`);
    const shape = t['shape'];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new DataError(`${file}: tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    const offs = t['data_offsets'];
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0) || offs[0] > offs[1]) {
      throw new DataError(`${file}: tensor '${name}' has invalid data_offsets ${JSON.stringify(offs)}`);
    }
    let size = 1;
    for (const d of shape as number[]) {
      size *= d;
      if (!Number.isSafeInteger(size)) throw new DataError(`${file}: tensor '${name}' shape is too large`);
    }
    const bytes = size * ST_DTYPE_SIZE[dtype]!;
    if (!Number.isSafeInteger(bytes) || offs[1] - offs[0] !== bytes) {
      throw new DataError(`${file}: tensor '${name}': shape ${JSON.stringify(shape)} × ${dtype} is ${bytes} bytes but data_offsets span ${offs[1] - offs[0]}`);
    }
    if (offs[1] > dataBytes) throw new DataError(`${file}: tensor '${name}' data_offsets end at ${offs[1]}, past the ${dataBytes}-byte buffer`);
    tensors.push({ name, dtype, shape: shape as number[], size, begin: dataStart + offs[0], end: dataStart + offs[1] });
  }
  // The buffer must be covered exactly: sorted by offset, no gaps, no overlaps, nothing after the last tensor.
  const sorted = [...tensors].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = dataStart;
  for (const t of sorted) {
    if (t.begin < pos) throw new DataError(`${file}: tensor '${t.name}' overlaps the previous tensor`);
    if (t.begin > pos) throw new DataError(`${file}: gap of ${t.begin - pos} bytes before tensor '${t.name}'`);
    pos = t.end;
  }
  if (pos !== fileBytes) throw new DataError(`${file}: ${fileBytes - pos} bytes after the last tensor are not described by the header`);
  return { headerBytes, dataStart, tensors, metadata };
}

/** A safetensors file opened for reading: header validated, tensor bytes read on demand. */
export class SafetensorsReader {
  readonly header: SafetensorsHeader;
  private file: RandomAccessFile;
  constructor(readonly path: string) {
    this.file = new RandomAccessFile(path);
    try {
      const fileBytes = this.file.size;
      if (fileBytes < 8) throw new DataError(`${path}: too short for a safetensors file (${fileBytes} bytes)`);
      const lenBuf = this.file.read(0, 8);
      const n = new DataView(lenBuf.buffer).getBigUint64(0, true);
      if (n > BigInt(MAX_HEADER_BYTES)) throw new DataError(`${path}: header size ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
      const headerBytes = Number(n);
      if (8 + headerBytes > fileBytes) throw new DataError(`${path}: header size ${headerBytes} runs past the end of the ${fileBytes}-byte file`);
      this.header = parseSafetensorsHeader(this.file.read(8, headerBytes), headerBytes, fileBytes, path);
    } catch (e) {
      this.file.close();
      throw e;
    }
  }

  readBytes(position: number, length: number): Uint8Array {
    return this.file.read(position, length);
  }

  tensor(name: string): SafetensorsEntry {
    const t = this.header.tensors.find((e) => e.name === name);
    if (!t) throw new DataError(`${this.path}: no tensor named '${name}' (has: ${this.header.tensors.map((e) => e.name).join(', ') || 'none'})`);
    return t;
  }

  /** Raw bytes of elements [start, start + count) of a tensor. */
  readElements(t: SafetensorsEntry, start: number, count: number): Uint8Array {
    const size = ST_DTYPE_SIZE[t.dtype]!;
    if (start < 0 || count < 0 || start + count > t.size) throw new DataError(`${this.path}: read past the end of tensor '${t.name}'`);
    return this.readBytes(t.begin + start * size, count * size);
  }

  close(): void {
    this.file.close();
  }
}

/** Build a header: tensors in order, contiguous offsets, padded with spaces to a multiple of 8 bytes. */
export function buildSafetensorsHeader(tensors: { name: string; dtype: string; shape: number[]; bytes: number }[], metadata: Record<string, string> | null): Uint8Array {
  const obj: Record<string, unknown> = {};
  if (metadata) obj['__metadata__'] = metadata;
  let offset = 0;
  const names = new Set<string>();
  for (const t of tensors) {
    if (names.has(t.name)) throw new DataError(`duplicate tensor name '${t.name}'`);
    names.add(t.name);
    obj[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes] };
    offset += t.bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(obj));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded).fill(0x20);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}
