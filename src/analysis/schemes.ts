import { UsageError } from '../errors.js';
import { parseActivation, type Activation } from '../activations/registry.js';
import { ROUNDING_MODES, type RoundingMode } from '../codec/modes.js';
import type { FixedFormat } from '../format/fixedFormat.js';
import { parseFormat } from '../format/parseFormat.js';
import type { Calibrator } from './calibrators.js';

/**
 * A way of storing a layer's activations, compared against float32 ReLU:
 *   float     the activation in float32 (relu-f32 is the reference itself)
 *   affine    ReLU, then uint8 with zero point 0 and a calibrated scale (relu-uint8)
 *   fixed     the activation, then the fixed-point codec in a Qm.n format
 */
export type Scheme =
  | { kind: 'float'; name: string; activation: Activation }
  | { kind: 'affine'; name: string; activation: Activation; calibrator: Calibrator }
  | { kind: 'fixed'; name: string; activation: Activation; format: FixedFormat; rounding: RoundingMode };

export const DEFAULT_SCHEME_NAMES = ['relu-f32', 'relu-uint8', 'relu6-uq3.5', 'relu3-uq2.6'] as const;

/** The four built-in schemes; relu-uint8 uses the given calibrator. */
export function defaultSchemes(calibrator: Calibrator): Scheme[] {
  return [
    { kind: 'float', name: 'relu-f32', activation: parseActivation('relu') },
    { kind: 'affine', name: 'relu-uint8', activation: parseActivation('relu'), calibrator },
    { kind: 'fixed', name: 'relu6-uq3.5', activation: parseActivation('relu6'), format: parseFormat('UQ3.5'), rounding: 'nearest-even' },
    { kind: 'fixed', name: 'relu3-uq2.6', activation: parseActivation('relu3'), format: parseFormat('UQ2.6'), rounding: 'nearest-even' },
  ];
}

/**
 * Parse `--scheme <activation>:<format>[:<rounding>]`, e.g. relu6:uq4.4,
 * relu:uq5.3, reluN=4:uq2.6, elu:alpha=0.5:q3.4:nearest-away. Read from the
 * right (activation parameters also use ':'): an optional rounding mode, then
 * the format, then the activation. A built-in name (relu-uint8, …) is also accepted.
 */
export function parseScheme(spec: string, calibrator: Calibrator): Scheme {
  const builtin = defaultSchemes(calibrator).find((s) => s.name === spec.trim().toLowerCase());
  if (builtin) return builtin;
  const parts = spec.split(':').map((p) => p.trim());
  let rounding: RoundingMode = 'nearest-even';
  if (parts.length >= 3 && (ROUNDING_MODES as readonly string[]).includes(parts[parts.length - 1]!)) {
    rounding = parts.pop() as RoundingMode;
  }
  if (parts.length < 2) {
    throw new UsageError(
      `scheme '${spec}' is not <activation>:<format>[:<rounding>] (e.g. relu6:uq4.4, relu:uq5.3, reluN=4:uq2.6) or one of ${DEFAULT_SCHEME_NAMES.join(', ')}`,
    );
  }
  const formatText = parts.pop()!;
  const format = parseFormat(formatText);
  const activation = parseActivation(parts.join(':'));
  const name = `${activation.spec}-${format.spellings.q.toLowerCase()}${rounding !== 'nearest-even' ? `-${rounding}` : ''}`;
  return { kind: 'fixed', name, activation, format, rounding };
}

/**
 * The clip point of a fixed scheme above which ReLU's output is not represented:
 * min(activation bound, format max). Infinity when neither clips.
 */
export function fixedTop(s: Extract<Scheme, { kind: 'fixed' }>): number {
  const hi = s.activation.bound ? s.activation.bound[1] : Infinity;
  return Math.min(hi, s.format.maxValue);
}
