import { checkAttached } from '../wasm/wasmArray.js';
import { UsageError } from '../errors.js';
import type { CodeArray, FixedFormat } from '../format/fixedFormat.js';
import { parseFormat, type FormatLike } from '../format/parseFormat.js';
import { decode8Wasm } from '../wasm/elementwiseWasm.js';

const tableCache = new WeakMap<FixedFormat, Float32Array>();

/**
 * The 256 values of an 8-bit-or-narrower format, indexed by the code's low
 * byte (so Int8 codes index through a Uint8 view). Exact: k·2^-n has at most
 * 16 significant bits, well inside float32's 24.
 */
export function decodeTable(formatLike: FormatLike): Float32Array {
  const format = parseFormat(formatLike);
  if (format.bits > 8) throw new UsageError(`decodeTable needs a format of <= 8 bits, got ${format.name}`);
  let table = tableCache.get(format);
  if (!table) {
    table = new Float32Array(256);
    for (let b = 0; b < 256; b++) {
      const code = format.signed ? (b << 24) >> 24 : b;
      table[b] = code * format.step;
    }
    tableCache.set(format, table);
  }
  return table;
}

function checkCodes(codes: unknown, format: FixedFormat): asserts codes is CodeArray {
  const ok =
    format.bits <= 8
      ? codes instanceof Uint8Array || codes instanceof Int8Array
      : codes instanceof Uint16Array || codes instanceof Int16Array || codes instanceof Uint8Array || codes instanceof Int8Array;
  if (!ok) {
    const name = (codes as { constructor?: { name?: string } })?.constructor?.name ?? typeof codes;
    throw new UsageError(`decodeFixed: codes for ${format.name} must be ${format.bits <= 8 ? 'Uint8Array/Int8Array' : 'Uint16Array/Int16Array'}, got ${name}`);
  }
}

/**
 * Decode codes to float32 values code·2^-n, exactly. Codes are read as the
 * format's own type: for <= 8 bits the low byte of each element is
 * interpreted as the format's W-bit code (a Uint8Array of int8 codes works).
 * Codes outside the format's range (e.g. 200 for a 6-bit format) are an error.
 */
export function decodeFixed(codes: CodeArray, formatLike: FormatLike, out?: Float32Array): Float32Array {
  checkAttached(codes, 'codes');
  if (out) checkAttached(out, 'out');
  // Codes or an output living in wasm memory are used in place: decode8Wasm never grows the memory then.
  const format = parseFormat(formatLike);
  checkCodes(codes, format);
  const n = codes.length;
  const result = out ?? new Float32Array(n);
  if (result.length !== n) throw new UsageError(`out must have length ${n}`);
  const { minCode, maxCode, step } = format;
  if (format.bits <= 8) {
    // Reinterpret the codes as bytes so one 256-entry table serves Int8 and Uint8.
    const bytes = new Uint8Array(codes.buffer, codes.byteOffset, n);
    const table = decodeTable(format);
    const wrongSign = format.signed !== (codes instanceof Int8Array);
    if (format.bits < 8 || wrongSign) checkRange(codes, minCode, maxCode, format);
    // After the range check, code · step is the same whichever way the byte is read.
    const done = decode8Wasm(bytes, codes instanceof Int8Array, step, result);
    for (let i = done; i < n; i++) result[i] = table[bytes[i]!]!;
    return result;
  }
  checkRange(codes, minCode, maxCode, format);
  for (let i = 0; i < n; i++) result[i] = codes[i]! * step;
  return result;
}

function checkRange(codes: CodeArray, minCode: number, maxCode: number, format: FixedFormat): void {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c < minCode || c > maxCode) {
      throw new UsageError(`code ${c} at index ${i} is outside ${format.name} codes [${minCode}, ${maxCode}]`);
    }
  }
}

/** Reference decoder: code·2^-n per element, for the tests. */
export function decodeFixedReference(codes: ArrayLike<number>, formatLike: FormatLike): Float32Array {
  const format = parseFormat(formatLike);
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i]! * format.step;
  return out;
}
