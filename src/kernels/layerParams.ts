import { UsageError } from '../errors.js';
import { DTYPE_RANGE, type QuantDtype } from './affine.js';
import type { MultiplierRounding } from './fixedPointMath.js';

/** Requantization and output parameters shared by the integer layers. */
export interface OutputStage {
  /** Per-tensor (number) or per output channel (Int32Array). */
  outputMultiplier: number | Int32Array;
  outputShift: number | Int32Array;
  outputZeroPoint: number;
  /** Fused activation range in output codes (default: the output dtype's range). */
  activationMin?: number;
  activationMax?: number;
  /** Output code type (default int8; uint8 for a uint8 output quantization). */
  outputDtype?: 'int8' | 'uint8';
  /** MultiplyByQuantizedMultiplier variant (default 'double', TFLite's default build). */
  rounding?: MultiplierRounding;
}

export interface ResolvedOutputStage {
  multipliers: Int32Array;
  shifts: Int32Array;
  zeroPoint: number;
  actMin: number;
  actMax: number;
  dtype: 'int8' | 'uint8';
  rounding: MultiplierRounding;
}

export function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

/** Check and expand an OutputStage for `channels` output channels. Throws before any work. */
export function resolveOutputStage(o: OutputStage, channels: number, layer: string): ResolvedOutputStage {
  const dtype = o.outputDtype ?? 'int8';
  if (dtype !== 'int8' && dtype !== 'uint8') throw new UsageError(`${layer}: outputDtype must be int8 or uint8`);
  const [qmin, qmax] = DTYPE_RANGE[dtype as QuantDtype];
  const expand = (v: number | Int32Array, what: string): Int32Array => {
    if (typeof v === 'number') {
      if (!isInt(v)) throw new UsageError(`${layer}: ${what} must be an integer, got ${v}`);
      return new Int32Array(channels).fill(v);
    }
    if (!(v instanceof Int32Array)) throw new UsageError(`${layer}: ${what} must be a number or an Int32Array`);
    if (v.length !== channels) throw new UsageError(`${layer}: ${what} has ${v.length} entries for ${channels} output channels`);
    return v;
  };
  const multipliers = expand(o.outputMultiplier, 'outputMultiplier');
  const shifts = expand(o.outputShift, 'outputShift');
  for (const s of shifts) if (s < -31 || s > 30) throw new UsageError(`${layer}: outputShift ${s} outside -31..30`);
  const rounding = o.rounding ?? 'double';
  if (rounding === 'single') for (const m of multipliers) if (m < 0) throw new UsageError(`${layer}: single rounding needs non-negative multipliers`);
  if (!isInt(o.outputZeroPoint) || o.outputZeroPoint < qmin || o.outputZeroPoint > qmax) {
    throw new UsageError(`${layer}: outputZeroPoint ${o.outputZeroPoint} outside the ${dtype} range`);
  }
  const actMin = o.activationMin ?? qmin;
  const actMax = o.activationMax ?? qmax;
  if (!isInt(actMin) || !isInt(actMax) || actMin < qmin || actMax > qmax || actMin > actMax) {
    throw new UsageError(`${layer}: activation range [${actMin}, ${actMax}] is not inside ${dtype} [${qmin}, ${qmax}]`);
  }
  return { multipliers, shifts, zeroPoint: o.outputZeroPoint, actMin, actMax, dtype, rounding };
}

export function checkZeroPoint(zp: unknown, codes: Int8Array | Uint8Array, what: string, layer: string): number {
  const [lo, hi] = codes instanceof Int8Array ? [-128, 127] : [0, 255];
  if (!isInt(zp) || zp < lo || zp > hi) {
    throw new UsageError(`${layer}: ${what} ${String(zp)} is not an integer in [${lo}, ${hi}]`);
  }
  return zp;
}

export function checkCodes(codes: unknown, what: string, layer: string, allowUint8: boolean): asserts codes is Int8Array | Uint8Array {
  if (codes instanceof Int8Array || (allowUint8 && codes instanceof Uint8Array)) return;
  const name = (codes as { constructor?: { name?: string } })?.constructor?.name ?? typeof codes;
  throw new UsageError(`${layer}: ${what} must be ${allowUint8 ? 'an Int8Array or Uint8Array' : 'an Int8Array'}, got ${name}`);
}

export function checkBias(bias: unknown, channels: number, layer: string): Int32Array | null {
  if (bias === null || bias === undefined) return null;
  if (!(bias instanceof Int32Array)) throw new UsageError(`${layer}: bias must be an Int32Array or null`);
  if (bias.length !== channels) throw new UsageError(`${layer}: bias has ${bias.length} entries for ${channels} output channels`);
  return bias;
}

export function checkShape(shape: unknown, rank: number, what: string, layer: string): number[] {
  if (!Array.isArray(shape) || shape.length !== rank || !shape.every((d) => isInt(d) && d > 0)) {
    throw new UsageError(`${layer}: ${what} must be ${rank} positive integers, got ${JSON.stringify(shape)}`);
  }
  return shape as number[];
}
