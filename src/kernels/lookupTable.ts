import { UsageError } from '../errors.js';
import { parseActivation, type Activation } from '../activations/registry.js';
import { allocateDtype, type QuantDtype, dequantizeAffine, dtypeOfCodes, quantizeAffine, resolveQuant, type IntCodeArray, type QuantLike } from './affine.js';

export interface LookupTable {
  /** table[code − inputMinCode] = output code. 256 entries for 8-bit inputs, 65536 for 16-bit. */
  table: IntCodeArray;
  inputMinCode: number;
  inputDtype: QuantDtype;
  activation: string;
}

/**
 * Build the lookup table of an activation from an input quantization to an
 * output quantization: entry = quantize(f(dequantize(q))) for every input code q,
 * by construction — dequantizeAffine (float32), f in float64 then rounded to
 * float32 (the value TFLite's float32 LUTPopulate sees), quantizeAffine.
 * Rounding defaults to nearest-away, TFLite's LUTPopulate (std::round);
 * pass 'nearest-even' for ONNX-style tables.
 */
export function buildLookupTable(
  activation: string | Activation,
  input: QuantLike,
  output: QuantLike,
  options: { rounding?: 'nearest-even' | 'nearest-away' } = {},
): LookupTable {
  const act = parseActivation(activation);
  const a = resolveQuant(input);
  const b = resolveQuant(output);
  const size = a.dtype === 'int8' || a.dtype === 'uint8' ? 256 : 65536;
  const minCode = a.dtype === 'int8' ? -128 : a.dtype === 'int16' ? -32768 : 0;
  const codes = allocateDtype(a.dtype, size);
  for (let i = 0; i < size; i++) codes[i] = minCode + i;
  const x = dequantizeAffine(codes, { scale: a.scale, zeroPoint: a.zeroPoint });
  const y = new Float32Array(size);
  for (let i = 0; i < size; i++) y[i] = act.f(x[i]!);
  const table = quantizeAffine(y, { scale: b.scale, zeroPoint: b.zeroPoint, dtype: b.dtype, rounding: options.rounding ?? 'nearest-away', nan: 'zero' });
  return { table, inputMinCode: minCode, inputDtype: a.dtype, activation: act.spec };
}

/** Apply a lookup table to codes of the table's input type. */
export function applyLookupTable(codes: IntCodeArray, lut: LookupTable, out?: IntCodeArray): IntCodeArray {
  const n = codes.length;
  if (dtypeOfCodes(codes) !== lut.inputDtype) {
    throw new UsageError(`table was built for ${lut.inputDtype} codes, got ${dtypeOfCodes(codes)}`);
  }
  const result = out ?? allocateDtype(dtypeOfCodes(lut.table), n);
  if (result.length !== n) throw new UsageError(`out must have length ${n}`);
  const t = lut.table;
  const off = lut.inputMinCode;
  for (let i = 0; i < n; i++) result[i] = t[codes[i]! - off]!;
  return result;
}
