import { UsageError } from '../errors.js';
import type { OverflowMode, RoundingMode } from '../codec/modes.js';
import { makeFixedFormat, type FixedFormat } from './fixedFormat.js';
import { PRESETS } from './presets.js';

/** Anything a function accepts as a format: the object or any spelling. */
export type FormatLike = FixedFormat | string;

/** ap_fixed / ac_fixed quantization and overflow names → our modes (fixed-point.md §2-3). */
const AP_ROUNDING: Record<string, RoundingMode> = {
  TRN: 'floor',
  TRN_ZERO: 'toward-zero',
  RND: 'nearest-up',
  RND_ZERO: 'nearest-zero',
  RND_MIN_INF: 'nearest-down',
  RND_INF: 'nearest-away',
  RND_CONV: 'nearest-even',
  RND_CONV_ODD: 'nearest-odd',
};
const AP_OVERFLOW: Record<string, OverflowMode> = {
  SAT: 'saturate',
  WRAP: 'wrap',
  SAT_ZERO: 'saturate-zero',
  SAT_SYM: 'saturate-symmetric',
};

function int(s: string, what: string, spelling: string): number {
  const t = s.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new UsageError(`format '${spelling}': ${what} '${t}' is not an integer`);
  return Number(t);
}

function apMode<T>(table: Record<string, T>, raw: string | undefined, what: string, spelling: string): T | null {
  if (raw === undefined) return null;
  const key = raw.trim().toUpperCase().replace(/^(AP|AC)_/, '');
  const mode = table[key];
  if (mode === undefined) throw new UsageError(`format '${spelling}': unknown ${what} '${raw.trim()}'`);
  return mode;
}

function parseBool(s: string, spelling: string): boolean {
  const t = s.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new UsageError(`format '${spelling}': '${s.trim()}' is not a boolean`);
}

/**
 * Parse a format spelling. Accepted (case-insensitive, whitespace ignored):
 *   UQm.n, Qm.n                          ours (gemmlowp/ARM), m may be negative
 *   ap_ufixed<W,I[,Q[,O]]>, ap_fixed<W,I[,Q[,O]]>   Xilinx HLS; I counts the sign bit
 *   ufixed<…>, fixed<…>                  hls4ml spelling of the same
 *   ac_fixed<W,I,S[,Q[,O]]>              ac_types; I counts the sign bit
 *   quantized_relu(bits,integer)         QKeras, unsigned: UQ(integer).(bits-integer)
 *   quantized_bits(bits,integer[,symmetric[,keep_negative]])  QKeras, signed by default:
 *                                        Q(integer).(bits-integer-1); keep_negative=0 gives
 *                                        UQ(integer).(bits-integer); symmetric=1 → saturate-symmetric
 *   fxp-uW/n, fxp-sW/n                   fxpmath dtype strings
 *   relu6, relu3                         presets (UQ3.5 bounded [0,6], UQ2.6 bounded [0,3])
 * Foreign spellings carry their own system's modes, which become the encoder's
 * defaults (format.rounding / format.overflow; options still override):
 *   ap_fixed/ap_ufixed/fixed/ufixed: AP_TRN (floor), AP_WRAP unless spelled out (ap_decl.h)
 *   ac_fixed: AC_TRN, AC_WRAP unless spelled out
 *   quantized_relu/quantized_bits: nearest-even (tf.round), saturate (clip)
 *   fxp-…: fxpmath's defaults, rounding 'trunc' (toward zero), overflow saturate
 * UQm.n/Qm.n and the presets carry none: relu6q's defaults (nearest-even, saturate).
 */
export function parseFormat(spelling: FormatLike): FixedFormat {
  if (typeof spelling !== 'string') {
    if (spelling && (spelling as FixedFormat).kind === 'fixed') return spelling;
    throw new UsageError('format must be a format object or a spelling such as "UQ3.5"');
  }
  const raw = spelling;
  const s = spelling.replace(/\s+/g, '').toLowerCase();
  if (s.length === 0) throw new UsageError('format spelling is empty');

  const preset = PRESETS[s];
  if (preset) return preset;

  let m = /^(u?)q(-?\d+)\.(-?\d+)$/.exec(s);
  if (m) {
    return makeFixedFormat({ signed: m[1] !== 'u', intBits: Number(m[2]), fracBits: Number(m[3]) });
  }

  m = /^(?:ap_)?(u?)fixed<([^>]*)>$/.exec(s);
  if (m) {
    const args = m[2]!.split(',');
    if (args.length < 2 || args.length > 5) {
      throw new UsageError(`format '${raw}': expected ${m[1] ? 'ap_ufixed' : 'ap_fixed'}<W,I[,Q[,O[,N]]]>`);
    }
    const W = int(args[0]!, 'W', raw);
    const I = int(args[1]!, 'I', raw);
    const signed = m[1] !== 'u';
    const rounding = apMode(AP_ROUNDING, args[2], 'quantization mode', raw) ?? 'floor';
    if (args[3] !== undefined && /^(ap_)?wrap_sm$/i.test(args[3].trim())) {
      throw new UsageError(`format '${raw}': AP_WRAP_SM is not supported by relu6q`);
    }
    const overflow = apMode(AP_OVERFLOW, args[3], 'overflow mode', raw) ?? 'wrap';
    if (args[4] !== undefined && int(args[4], 'N', raw) !== 0) {
      throw new UsageError(`format '${raw}': saturation bits N > 0 are not supported by relu6q`);
    }
    // I includes the sign bit (UG1399), so m = I - 1 for signed; F = W - I.
    return makeFixedFormat({ signed, intBits: signed ? I - 1 : I, fracBits: W - I, rounding, overflow });
  }

  m = /^ac_fixed<([^>]*)>$/.exec(s);
  if (m) {
    const args = m[1]!.split(',');
    if (args.length < 2 || args.length > 5) throw new UsageError(`format '${raw}': expected ac_fixed<W,I,S[,Q[,O]]>`);
    const W = int(args[0]!, 'W', raw);
    const I = int(args[1]!, 'I', raw);
    const signed = args[2] === undefined ? true : parseBool(args[2], raw);
    const rounding = apMode(AP_ROUNDING, args[3], 'quantization mode', raw) ?? 'floor';
    const overflow = apMode(AP_OVERFLOW, args[4], 'overflow mode', raw) ?? 'wrap';
    return makeFixedFormat({ signed, intBits: signed ? I - 1 : I, fracBits: W - I, rounding, overflow });
  }

  m = /^(?:qkeras\.)?(quantized_relu|quantized_bits)\(([^)]*)\)$/.exec(s);
  if (m) return parseQKeras(m[1]!, m[2]!, raw);

  m = /^fxp-([us])(\d+)\/(-?\d+)$/.exec(s);
  if (m) {
    const signed = m[1] === 's';
    const W = Number(m[2]);
    const n = Number(m[3]);
    return makeFixedFormat({
      signed,
      intBits: W - n - (signed ? 1 : 0),
      fracBits: n,
      rounding: 'toward-zero',
      overflow: 'saturate',
    });
  }

  throw new UsageError(
    `unknown format '${raw}' (try UQ3.5, Q3.4, ap_ufixed<8,3>, quantized_relu(8,3), fxp-u8/5, relu6 or relu3)`,
  );
}

function parseQKeras(fn: string, argText: string, raw: string): FixedFormat {
  const positional: string[] = [];
  const named: Record<string, string> = {};
  for (const part of argText.split(',').filter((p) => p.length > 0)) {
    const eq = part.indexOf('=');
    if (eq >= 0) named[part.slice(0, eq)] = part.slice(eq + 1);
    else positional.push(part);
  }
  const order = fn === 'quantized_relu' ? ['bits', 'integer'] : ['bits', 'integer', 'symmetric', 'keep_negative'];
  const args: Record<string, string> = {};
  positional.forEach((v, i) => {
    const key = order[i];
    if (key === undefined) throw new UsageError(`format '${raw}': too many arguments`);
    args[key] = v;
  });
  for (const [k, v] of Object.entries(named)) {
    if (!order.includes(k)) {
      throw new UsageError(`format '${raw}': argument '${k}' is not supported (only ${order.join(', ')})`);
    }
    args[k] = v;
  }
  const bits = int(args['bits'] ?? '8', 'bits', raw);
  const integer = int(args['integer'] ?? '0', 'integer', raw);
  if (fn === 'quantized_relu') {
    // quantizers.py: LSB = 2^(integer - bits), codes 0..2^bits - 1 → UQ(integer).(bits-integer).
    // relu_upper_bound is ignored by QKeras while is_quantized_clip=True, so no bound here.
    return makeFixedFormat({
      signed: false,
      intBits: integer,
      fracBits: bits - integer,
      rounding: 'nearest-even',
      overflow: 'saturate',
    });
  }
  const keepNegative = args['keep_negative'] === undefined ? true : parseBool(args['keep_negative'], raw);
  const symmetric = args['symmetric'] === undefined ? false : parseBool(args['symmetric'], raw);
  // quantized_bits: m = 2^(bits - keep_negative); LSB = 2^integer / m.
  return makeFixedFormat({
    signed: keepNegative,
    intBits: integer,
    fracBits: bits - integer - (keepNegative ? 1 : 0),
    rounding: 'nearest-even',
    overflow: symmetric && keepNegative ? 'saturate-symmetric' : 'saturate',
  });
}

/** Print a format in one notation. */
export function formatSpelling(
  format: FormatLike,
  notation: 'q' | 'apFixed' | 'acFixed' | 'qkeras' | 'fxpmath' = 'q',
): string {
  return parseFormat(format).spellings[notation];
}
