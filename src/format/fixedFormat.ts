import { UsageError } from '../errors.js';
import type { OverflowMode, RoundingMode } from '../codec/modes.js';

/**
 * A binary fixed-point format, in the gemmlowp/ARM notation of
 * shared/reference/fixed-point.md §1:
 *   UQm.n  unsigned, m integer + n fraction bits, W = m + n
 *   Qm.n   signed two's complement, 1 sign + m integer + n fraction bits, W = 1 + m + n
 * A code k represents the value k · 2^-n.
 */
export interface FixedFormat {
  readonly kind: 'fixed';
  /** Total word length W (1..16). */
  readonly bits: number;
  readonly signed: boolean;
  /** m: integer bits, not counting the sign bit. May be negative (ap_ufixed<1,-1>). */
  readonly intBits: number;
  /** n: fraction bits. May be negative (a step larger than 1). */
  readonly fracBits: number;
  /** Value of one LSB, 2^-n. */
  readonly step: number;
  readonly minValue: number;
  readonly maxValue: number;
  readonly minCode: number;
  readonly maxCode: number;
  /** Activation clamp applied before encoding (presets relu6/relu3), or null. */
  readonly bound: readonly [number, number] | null;
  /** Rounding / overflow named by the spelling itself (e.g. ap_fixed<8,4,AP_RND,AP_SAT>), or null. */
  readonly rounding: RoundingMode | null;
  readonly overflow: OverflowMode | null;
  /** Canonical name: "UQ3.5" / "Q3.4", or the preset name. */
  readonly name: string;
  readonly spellings: FormatSpellings;
}

export interface FormatSpellings {
  /** gemmlowp/ARM: UQ3.5, Q3.4 */
  readonly q: string;
  /** Xilinx HLS: ap_ufixed<8,3>, ap_fixed<8,4> (I includes the sign bit) */
  readonly apFixed: string;
  /** Mentor/Siemens ac_types: ac_fixed<8,3,false> */
  readonly acFixed: string;
  /** QKeras: quantized_relu(8,3) / quantized_bits(8,3) */
  readonly qkeras: string;
  /** fxpmath dtype string: fxp-u8/5, fxp-s8/4 */
  readonly fxpmath: string;
}

export const MAX_BITS = 16;
/** |n| limit keeps every value and step a normal float32. */
export const MAX_ABS_FRAC_BITS = 100;

export interface FixedFormatInit {
  signed: boolean;
  intBits: number;
  fracBits: number;
  bound?: readonly [number, number] | null;
  rounding?: RoundingMode | null;
  overflow?: OverflowMode | null;
  name?: string;
}

/** Build a format from sign, m and n, checking the word length. */
export function makeFixedFormat(init: FixedFormatInit): FixedFormat {
  const { signed, intBits, fracBits } = init;
  if (!Number.isInteger(intBits) || !Number.isInteger(fracBits)) {
    throw new UsageError(`format bits must be integers, got m=${intBits}, n=${fracBits}`);
  }
  const bits = intBits + fracBits + (signed ? 1 : 0);
  if (bits < 1 || bits > MAX_BITS) {
    throw new UsageError(
      `format ${signed ? 'Q' : 'UQ'}${intBits}.${fracBits} has ${bits} bits; relu6q supports 1..${MAX_BITS}`,
    );
  }
  if (Math.abs(fracBits) > MAX_ABS_FRAC_BITS) {
    throw new UsageError(`format fraction bits ${fracBits} out of range ±${MAX_ABS_FRAC_BITS}`);
  }
  const step = 2 ** -fracBits;
  const minCode = signed ? -(2 ** (bits - 1)) : 0;
  const maxCode = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const q = `${signed ? 'Q' : 'UQ'}${intBits}.${fracBits}`;
  // The ap/ac spellings name the modes the format encodes with (relu6q's
  // defaults when the format carries none), so parsing them back is exact:
  // a bare ap_fixed<W,I> would mean AP_TRN, AP_WRAP.
  const apModes = hlsModes(init.rounding ?? 'nearest-even', init.overflow ?? 'saturate');
  const apSuffix = apModes ? `,AP_${apModes[0]},AP_${apModes[1]}` : '';
  const acSuffix = apModes ? `,AC_${apModes[0]},AC_${apModes[1]}` : '';
  const spellings: FormatSpellings = signed
    ? {
        q,
        apFixed: `ap_fixed<${bits},${intBits + 1}${apSuffix}>`,
        acFixed: `ac_fixed<${bits},${intBits + 1},true${acSuffix}>`,
        qkeras: `quantized_bits(${bits},${intBits})`,
        fxpmath: `fxp-s${bits}/${fracBits}`,
      }
    : {
        q,
        apFixed: `ap_ufixed<${bits},${intBits}${apSuffix}>`,
        acFixed: `ac_fixed<${bits},${intBits},false${acSuffix}>`,
        qkeras: `quantized_relu(${bits},${intBits})`,
        fxpmath: `fxp-u${bits}/${fracBits}`,
      };
  const bound = init.bound ?? null;
  if (bound !== null) {
    const [lo, hi] = bound;
    if (!(lo <= hi) || Number.isNaN(lo) || Number.isNaN(hi)) {
      throw new UsageError(`bound [${lo}, ${hi}] is not an interval lo <= hi`);
    }
  }
  return Object.freeze({
    kind: 'fixed',
    bits,
    signed,
    intBits,
    fracBits,
    step,
    minValue: minCode * step,
    maxValue: maxCode * step,
    minCode,
    maxCode,
    bound: bound === null ? null : (Object.freeze([bound[0], bound[1]]) as readonly [number, number]),
    rounding: init.rounding ?? null,
    overflow: init.overflow ?? null,
    name: init.name ?? q,
    spellings: Object.freeze(spellings),
  });
}

/** The typed-array type that holds a format's codes. */
export type CodeArray = Uint8Array | Int8Array | Uint16Array | Int16Array;

/** Allocate a code array: Uint8/Int8 for <= 8 bits, Uint16/Int16 above. */
export function allocateCodes(format: FixedFormat, length: number): CodeArray {
  if (format.bits <= 8) return format.signed ? new Int8Array(length) : new Uint8Array(length);
  return format.signed ? new Int16Array(length) : new Uint16Array(length);
}

/** numpy dtype string of the code array for a format ('u1', 'i1', 'u2', 'i2'). */
export function codeDtype(format: FixedFormat): 'u1' | 'i1' | 'u2' | 'i2' {
  return format.bits <= 8 ? (format.signed ? 'i1' : 'u1') : format.signed ? 'i2' : 'u2';
}

const HLS_ROUNDING: Partial<Record<RoundingMode, string>> = {
  floor: 'TRN',
  'toward-zero': 'TRN_ZERO',
  'nearest-up': 'RND',
  'nearest-zero': 'RND_ZERO',
  'nearest-down': 'RND_MIN_INF',
  'nearest-away': 'RND_INF',
  'nearest-even': 'RND_CONV',
};
const HLS_OVERFLOW: Partial<Record<OverflowMode, string>> = {
  saturate: 'SAT',
  wrap: 'WRAP',
  'saturate-zero': 'SAT_ZERO',
  'saturate-symmetric': 'SAT_SYM',
};

/** The ap_fixed names of a rounding/overflow pair, or null when HLS has no such mode. */
function hlsModes(rounding: RoundingMode, overflow: OverflowMode): [string, string] | null {
  const q = HLS_ROUNDING[rounding];
  const o = HLS_OVERFLOW[overflow];
  return q && o ? [q, o] : null;
}
