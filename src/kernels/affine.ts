import { DataError, UsageError } from '../errors.js';
import type { FixedFormat } from '../format/fixedFormat.js';
import { parseFormat, type FormatLike } from '../format/parseFormat.js';
import { roundHalfAway } from './fixedPointMath.js';

/*
 * Affine quantization x̂ = scale · (q − zeroPoint) (int8-kernels.md §8).
 */

export type QuantDtype = 'int8' | 'uint8' | 'int16' | 'uint16';
export type IntCodeArray = Int8Array | Uint8Array | Int16Array | Uint16Array;

export const DTYPE_RANGE: Record<QuantDtype, readonly [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
};

/** A per-tensor affine quantization. */
export interface AffineQuant {
  scale: number;
  zeroPoint: number;
  dtype: QuantDtype;
}

/** Either an affine quantization or a fixed-point format (scale 2^-n, zero point 0). */
export type QuantLike = AffineQuant | FormatLike;

/**
 * A fixed-point format is the affine quantization with scale 2^-n and zero
 * point 0, in its own code type: UQ3.5 = { scale: 1/32, zeroPoint: 0, dtype: 'uint8' }.
 * Formats narrower than their code type keep the type's range here; the
 * activation ranges of the kernels bound them where it matters.
 */
export function toAffine(format: FormatLike): AffineQuant {
  const f: FixedFormat = parseFormat(format);
  const dtype: QuantDtype = f.bits <= 8 ? (f.signed ? 'int8' : 'uint8') : f.signed ? 'int16' : 'uint16';
  return { scale: f.step, zeroPoint: 0, dtype };
}

export function resolveQuant(q: QuantLike): AffineQuant {
  if (typeof q === 'string' || (q as FixedFormat).kind === 'fixed') return toAffine(q as FormatLike);
  const a = q as AffineQuant;
  checkScale(a.scale, 'scale');
  if (!(Math.fround(a.scale) > 0)) throw new UsageError(`scale ${a.scale} underflows float32`);
  if (!(a.dtype in DTYPE_RANGE)) throw new UsageError(`dtype must be int8, uint8, int16 or uint16, got '${a.dtype}'`);
  const [lo, hi] = DTYPE_RANGE[a.dtype];
  if (!Number.isInteger(a.zeroPoint) || a.zeroPoint < lo || a.zeroPoint > hi) {
    throw new UsageError(`zero point ${a.zeroPoint} is not an integer in the ${a.dtype} range [${lo}, ${hi}]`);
  }
  // Scales are float32 in TFLite and ONNX tensors: compute with their float32 values.
  return { scale: Math.fround(a.scale), zeroPoint: a.zeroPoint, dtype: a.dtype };
}

export function checkScale(scale: number, what: string): void {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new UsageError(`${what} must be a positive finite number, got ${scale}`);
}

export function allocateDtype(dtype: QuantDtype, n: number): IntCodeArray {
  switch (dtype) {
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
      return new Uint8Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'uint16':
      return new Uint16Array(n);
  }
}

export function dtypeOfCodes(codes: unknown): QuantDtype {
  if (codes instanceof Int8Array) return 'int8';
  if (codes instanceof Uint8Array) return 'uint8';
  if (codes instanceof Int16Array) return 'int16';
  if (codes instanceof Uint16Array) return 'uint16';
  const name = (codes as { constructor?: { name?: string } })?.constructor?.name ?? typeof codes;
  throw new UsageError(`expected Int8Array, Uint8Array, Int16Array or Uint16Array codes, got ${name}`);
}

/** Round half to even (numpy rint, ONNX QuantizeLinear). */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

export interface AffineOptions {
  /** Per-tensor: numbers. Per-axis: one scale / zero point per index of `axis` (ONNX semantics). */
  scale: number | Float32Array | Float64Array | readonly number[];
  zeroPoint?: number | ArrayLike<number>;
  /** Per-axis only: the tensor's shape and the quantized axis (negative counts from the end; ONNX default 1). */
  shape?: readonly number[];
  axis?: number;
}

export interface QuantizeAffineOptions extends AffineOptions {
  dtype: QuantDtype;
  /** 'nearest-even' (default: ONNX QuantizeLinear, numpy) or 'nearest-away' (TFLite AffineQuantize). */
  rounding?: 'nearest-even' | 'nearest-away';
  /** NaN policy: 'error' (default) or 'zero' (the zero point). */
  nan?: 'error' | 'zero';
}

interface AxisPlan {
  scales: Float64Array;
  zeroPoints: Float64Array;
  /** Index along the axis of element i = floor(i / inner) % dim. */
  inner: number;
  dim: number;
}

function planAxis(n: number, o: AffineOptions, dtype: QuantDtype | null): AxisPlan {
  const perAxis = typeof o.scale !== 'number';
  const scales = Float64Array.from(typeof o.scale === 'number' ? [o.scale] : (o.scale as ArrayLike<number>));
  const zpRaw = o.zeroPoint ?? 0;
  const zeroPoints = Float64Array.from(typeof zpRaw === 'number' ? [zpRaw] : Array.from(zpRaw));
  // Scales are float32 in TFLite and ONNX: use their float32 values.
  for (let i = 0; i < scales.length; i++) {
    checkScale(scales[i]!, 'scale');
    scales[i] = Math.fround(scales[i]!);
  }
  if (dtype) {
    const [lo, hi] = DTYPE_RANGE[dtype];
    for (const z of zeroPoints) {
      if (!Number.isInteger(z) || z < lo || z > hi) throw new UsageError(`zero point ${z} is not an integer in the ${dtype} range [${lo}, ${hi}]`);
    }
  }
  if (!perAxis) {
    if (zeroPoints.length !== 1) throw new UsageError('per-tensor quantization takes one zero point');
    return { scales, zeroPoints, inner: Math.max(n, 1), dim: 1 };
  }
  const shape = o.shape;
  if (!shape) throw new UsageError('per-axis quantization needs the tensor shape');
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== n) throw new UsageError(`shape (${shape.join(', ')}) has ${size} elements, the data has ${n}`);
  let axis = o.axis ?? 1;
  if (axis < 0) axis += shape.length;
  if (!(axis >= 0 && axis < shape.length)) throw new UsageError(`axis ${o.axis} out of range for a ${shape.length}-d tensor`);
  const dim = shape[axis]!;
  if (scales.length !== dim) throw new UsageError(`per-axis scale has ${scales.length} entries; axis ${axis} has ${dim}`);
  let zps = zeroPoints;
  if (zps.length === 1 && typeof zpRaw === 'number') zps = new Float64Array(dim).fill(zps[0]!);
  if (zps.length !== dim) throw new UsageError(`per-axis zero point has ${zps.length} entries; axis ${axis} has ${dim}`);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { scales, zeroPoints: zps, inner: Math.max(inner, 1), dim };
}

/**
 * Quantize floats: q = saturate(round(x / scale) + zeroPoint), the division in
 * float32 (TFLite `val / float(scale)`; ONNX divides in y_scale's type),
 * rounding nearest-even by default (ONNX, numpy) or nearest-away (TFLite),
 * saturating to the dtype. ±Inf saturate; NaN is an error unless nan: 'zero'.
 */
export function quantizeAffine(values: Float32Array | Float64Array | readonly number[], options: QuantizeAffineOptions): IntCodeArray {
  const dtype = options.dtype;
  if (!(dtype in DTYPE_RANGE)) throw new UsageError(`dtype must be int8, uint8, int16 or uint16, got '${dtype}'`);
  const n = values.length;
  const plan = planAxis(n, options, dtype);
  const [qmin, qmax] = DTYPE_RANGE[dtype];
  const away = (options.rounding ?? 'nearest-even') === 'nearest-away';
  if (options.rounding && options.rounding !== 'nearest-even' && options.rounding !== 'nearest-away') {
    throw new UsageError(`quantizeAffine rounding must be nearest-even or nearest-away, got '${options.rounding}'`);
  }
  const out = allocateDtype(dtype, n);
  // Walk the tensor in runs that share one scale and zero point (the whole tensor when per
  // tensor), so no index arithmetic happens per element.
  const nanZero = options.nan === 'zero';
  for (let start = 0, c = 0; start < n; start += plan.inner, c = (c + 1) % plan.dim) {
    const end = Math.min(n, start + plan.inner);
    const zp = plan.zeroPoints[c]!;
    const scale = plan.scales[c]!;
    for (let i = start; i < end; i++) {
      const x = values[i]!;
      if (x !== x) {
        if (nanZero) {
          out[i] = zp;
          continue;
        }
        throw new DataError(`NaN at index ${i} cannot be quantized`);
      }
      const v = Math.fround(Math.fround(x) / scale);
      let q = v - v === 0 ? (away ? roundHalfAway(v) : roundHalfEven(v)) + zp : v;
      q = q < qmin ? qmin : q > qmax ? qmax : q;
      out[i] = q;
    }
  }
  return out;
}

/**
 * Dequantize: (q − zeroPoint) · scale as float32 (ONNX DequantizeLinear; equal
 * to TFLite's float(double(scale)·(q − zp)) for 8/16-bit codes, since the
 * product of an exact small integer and a float32 rounds once either way).
 */
export function dequantizeAffine(codes: IntCodeArray | Int32Array, options: AffineOptions): Float32Array {
  const n = codes.length;
  const plan = planAxis(n, options, null);
  const out = new Float32Array(n);
  if (plan.dim === 1) {
    const s = plan.scales[0]!;
    const z = plan.zeroPoints[0]!;
    for (let i = 0; i < n; i++) out[i] = (codes[i]! - z) * s;
    return out;
  }
  for (let i = 0; i < n; i++) {
    const c = Math.floor(i / plan.inner) % plan.dim;
    out[i] = (codes[i]! - plan.zeroPoints[c]!) * plan.scales[c]!;
  }
  return out;
}

export interface ChooseQuantParamsOptions {
  min: number;
  max: number;
  dtype: QuantDtype;
  symmetric?: boolean;
  /** Drop the most negative code (int8 [-127, 127], uint8 [0, 254]). Default: `symmetric`. */
  narrowRange?: boolean;
}

/**
 * Scale and zero point for an observed range, following onnxruntime's
 * `compute_scale_zp` with `get_qmin_qmax_for_qType` (calibration-and-metrics.md §1):
 *   rmin = min(min, 0), rmax = max(max, 0), so 0 is always exactly representable;
 *   symmetric: rmax = max(|rmin|, |rmax|), rmin = -rmax, z = round((qmin + qmax) / 2);
 *   otherwise s = (rmax - rmin) / (qmax - qmin), z = round(qmin - rmin / s);
 *   rounding half to even (numpy.round); a zero range gives s = 1, z = 0.
 * narrowRange defaults to `symmetric` (ORT's symmetric ranges: int8 [-127, 127],
 * uint8 [0, 254]). The asymmetric result equals PyTorch's affine quint8/qint8
 * qparams and Jacob et al.'s nudged range: [0, 6] in uint8 → 6/255, z = 0.
 * The scale is returned as a float32 value.
 */
export function chooseQuantParams(o: ChooseQuantParamsOptions): AffineQuant & { qmin: number; qmax: number } {
  if (!(o.dtype in DTYPE_RANGE)) throw new UsageError(`dtype must be int8, uint8, int16 or uint16, got '${o.dtype}'`);
  if (!Number.isFinite(o.min) || !Number.isFinite(o.max) || o.min > o.max) {
    throw new UsageError(`chooseQuantParams needs finite min <= max, got [${o.min}, ${o.max}]`);
  }
  let [qmin, qmax] = DTYPE_RANGE[o.dtype];
  const narrow = o.narrowRange ?? o.symmetric ?? false;
  if (narrow) {
    if (qmin < 0) qmin = -qmax;
    else qmax -= 1;
  }
  let rmin = Math.min(o.min, 0);
  let rmax = Math.max(o.max, 0);
  if (o.symmetric) {
    const absmax = Math.max(Math.abs(rmin), Math.abs(rmax));
    rmin = -absmax;
    rmax = absmax;
  }
  let scale = Math.fround((rmax - rmin) / (qmax - qmin));
  let zeroPoint: number;
  if (scale < 1.1754943508222875e-38) {
    scale = 1;
    zeroPoint = 0;
  } else if (o.symmetric) {
    zeroPoint = roundHalfEven((qmin + qmax) / 2);
  } else {
    zeroPoint = roundHalfEven(qmin - rmin / scale);
    zeroPoint = Math.min(qmax, Math.max(qmin, zeroPoint));
  }
  return { scale, zeroPoint, dtype: o.dtype, qmin, qmax };
}
