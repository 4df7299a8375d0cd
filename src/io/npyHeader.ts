import { DataError } from '../errors.js';
import { itemSize, parseDescr, type NpyDtype } from './npyDtype.js';

/** The numpy format magic: \x93NUMPY. */
export const NPY_MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

export interface NpyHeader {
  dtype: NpyDtype;
  bigEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** Number of elements (product of shape; 1 for a 0-d array). */
  size: number;
  /** Byte offset of the data in the file. */
  dataOffset: number;
  /** Byte length of the data. */
  dataBytes: number;
  version: string;
}

/**
 * Parse the fixed preamble and header dict of a .npy file (numpy's
 * format.py: magic, major/minor, header length as uint16 LE for 1.0 and
 * uint32 LE for 2.0/3.0; latin-1 text for 1.0/2.0, UTF-8 for 3.0).
 * `head` must hold at least the whole header; `fileBytes` is the file size.
 * The dict is parsed by a literal parser, never evaluated.
 */
export function parseNpyHeader(head: Uint8Array, fileBytes: number, file: string): NpyHeader {
  if (head.length < 10 || !NPY_MAGIC.every((b, i) => head[i] === b)) {
    throw new DataError(`${file}: not a .npy file (wrong magic)`);
  }
  const major = head[6]!;
  const minor = head[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw new DataError(`${file}: unsupported .npy version ${major}.${minor}`);
  }
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const preamble = major === 1 ? 10 : 12;
  if (head.length < preamble) throw new DataError(`${file}: truncated .npy header`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = preamble + headerLen;
  if (dataOffset > fileBytes || dataOffset > head.length) throw new DataError(`${file}: truncated .npy header`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(head.subarray(preamble, dataOffset));
  let dict: unknown;
  try {
    dict = parsePyLiteral(text);
  } catch (e) {
    throw new DataError(`${file}: header dict does not parse (${(e as Error).message})`);
  }
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict) || dict instanceof PyTuple) {
    throw new DataError(`${file}: header is not a dict`);
  }
  const d = dict as Record<string, unknown>;
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!(key in d)) throw new DataError(`${file}: header has no '${key}'`);
  }
  const { dtype, bigEndian } = parseDescr(d['descr'], file);
  if (typeof d['fortran_order'] !== 'boolean') throw new DataError(`${file}: fortran_order is not True/False`);
  const shapeRaw = d['shape'];
  if (!(shapeRaw instanceof PyTuple) || !shapeRaw.items.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) {
    throw new DataError(`${file}: shape is not a tuple of non-negative integers`);
  }
  const shape = shapeRaw.items as number[];
  let size = 1;
  for (const n of shape) {
    size *= n;
    if (!Number.isSafeInteger(size)) throw new DataError(`${file}: shape ${formatShape(shape)} is too large`);
  }
  const dataBytes = size * itemSize(dtype);
  if (dataOffset + dataBytes > fileBytes) {
    throw new DataError(
      `${file}: truncated data (shape ${formatShape(shape)} needs ${dataBytes} bytes, file has ${fileBytes - dataOffset})`,
    );
  }
  return { dtype, bigEndian, fortranOrder: d['fortran_order'] as boolean, shape, size, dataOffset, dataBytes, version: `${major}.${minor}` };
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** Build a little-endian C-order header (version 1.0, or 2.0 when it does not fit in 65535 bytes). */
export function buildNpyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${formatShape(shape)}, }`;
  for (const major of [1, 2]) {
    const preamble = major === 1 ? 10 : 12;
    // Pad with spaces and end with '\n' so the data start on a 64-byte boundary (numpy's ARRAY_ALIGN).
    const unpadded = preamble + dict.length + 1;
    const total = Math.ceil(unpadded / 64) * 64;
    const headerLen = total - preamble;
    if (major === 1 && headerLen > 0xffff) continue;
    const out = new Uint8Array(total);
    out.set(NPY_MAGIC, 0);
    out[6] = major;
    out[7] = 0;
    const view = new DataView(out.buffer);
    if (major === 1) view.setUint16(8, headerLen, true);
    else view.setUint32(8, headerLen, true);
    const text = dict + ' '.repeat(headerLen - dict.length - 1) + '\n';
    for (let i = 0; i < text.length; i++) out[preamble + i] = text.charCodeAt(i);
    return out;
  }
  throw new DataError('shape too long for a .npy header');
}

/** A Python tuple, kept distinct from a list. */
export class PyTuple {
  constructor(readonly items: unknown[]) {}
}

/**
 * A literal parser for the subset of Python numpy writes in headers: dicts,
 * tuples, lists, strings, ints, True/False/None. Depth is bounded.
 */
export function parsePyLiteral(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (depth: number): unknown => {
    if (depth > 16) throw new Error('nested too deeply');
    ws();
    const c = text[i];
    if (c === undefined) throw new Error('unexpected end');
    if (c === '{') return seq('}', depth, true);
    if (c === '(') return seq(')', depth, false);
    if (c === '[') return seq(']', depth, false);
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) throw new Error('unterminated string');
      const s = text.slice(i + 1, end);
      if (s.includes('\\')) throw new Error('escapes in strings are not supported');
      i = end + 1;
      return s;
    }
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(i, i + 32));
    if (!m) throw new Error(`unexpected '${text.slice(i, i + 10)}'`);
    i += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0].replace('L', ''));
  };
  const seq = (close: string, depth: number, isDict: boolean): unknown => {
    const open = text[i];
    i++;
    const items: unknown[] = [];
    const dict: Record<string, unknown> = Object.create(null);
    let sawComma = false;
    for (;;) {
      ws();
      if (text[i] === close) {
        i++;
        break;
      }
      if (isDict) {
        const key = value(depth + 1);
        if (typeof key !== 'string') throw new Error('dict key is not a string');
        ws();
        if (text[i] !== ':') throw new Error("expected ':'");
        i++;
        if (key in dict) throw new Error(`duplicate key '${key}'`);
        dict[key] = value(depth + 1);
      } else {
        items.push(value(depth + 1));
      }
      ws();
      if (text[i] === ',') {
        sawComma = true;
        i++;
      } else if (text[i] !== close) {
        throw new Error(`expected ',' or '${close}'`);
      }
    }
    if (isDict) return dict;
    if (open === '(') {
      if (items.length === 1 && !sawComma) return items[0]; // parenthesised value, not a tuple
      return new PyTuple(items);
    }
    return items;
  };
  const result = value(0);
  ws();
  if (i !== text.length) throw new Error('trailing characters');
  return result;
}
