import { UsageError } from '../errors.js';
import { parseActivation, type Activation } from '../activations/registry.js';
import { allocateDtype, DTYPE_RANGE, type QuantDtype, dequantizeAffine, dtypeOfCodes, resolveQuant, roundHalfEven, type IntCodeArray, type QuantLike } from './affine.js';
import { roundHalfAway } from './fixedPointMath.js';
import { lut8Wasm } from '../wasm/elementwiseWasm.js';

export interface LookupTable {
  /** table[code − inputMinCode] = output code. 256 entries for 8-bit inputs, 65536 for 16-bit. */
  table: IntCodeArray;
  inputMinCode: number;
  inputDtype: QuantDtype;
  activation: string;
}

/**
 * Build the lookup table of an activation from an input quantization to an
 * output quantization, one entry per input code (256, or 65536 for 16-bit
 * inputs), entry = quantize(f(dequantize(q))) with:
 *   dequantize: x = float32(in_scale · (q − in_zp))
 *   f:          in float64, the result rounded to float32 (TFLite evaluates it in float32)
 *   quantize, rounding 'nearest-away' (default): TFLite's LUTPopulate (int8-kernels.md §7),
 *               round-half-away(float32(t · float32(1 / out_scale))) + out_zp — a multiply by
 *               the float32 reciprocal, not a division — clamped to the output type;
 *             rounding 'nearest-even': ONNX QuantizeLinear, rint(float32(t / out_scale)) + out_zp, saturated.
 * NaN results map to the output zero point.
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
  const rounding = options.rounding ?? 'nearest-away';
  const size = a.dtype === 'int8' || a.dtype === 'uint8' ? 256 : 65536;
  const minCode = a.dtype === 'int8' ? -128 : a.dtype === 'int16' ? -32768 : 0;
  const [qmin, qmax] = DTYPE_RANGE[b.dtype];
  const codes = allocateDtype(a.dtype, size);
  for (let i = 0; i < size; i++) codes[i] = minCode + i;
  const x = dequantizeAffine(codes, { scale: a.scale, zeroPoint: a.zeroPoint });
  const table = allocateDtype(b.dtype, size);
  const inverse = Math.fround(1 / Math.fround(b.scale));
  for (let i = 0; i < size; i++) {
    const t = Math.fround(act.f(x[i]!));
    let q: number;
    if (t !== t) q = b.zeroPoint;
    else if (rounding === 'nearest-away') q = roundHalfAway(Math.fround(t * inverse)) + b.zeroPoint;
    else q = roundHalfEven(Math.fround(t / b.scale)) + b.zeroPoint;
    table[i] = q < qmin ? qmin : q > qmax ? qmax : q;
  }
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
  if (lut8Wasm(codes, lut.table, result)) return result;
  const t = lut.table;
  const off = lut.inputMinCode;
  for (let i = 0; i < n; i++) result[i] = t[codes[i]! - off]!;
  return result;
}
