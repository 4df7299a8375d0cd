import { UsageError } from '../errors.js';
import * as s from './scalar.js';

export const ACTIVATION_NAMES = [
  'linear',
  'sigmoid',
  'tanh',
  'relu',
  'softplus',
  'elu',
  'selu',
  'relu6',
  'swish',
  'mish',
  'relu3',
  'reluN',
] as const;
export type ActivationName = (typeof ACTIVATION_NAMES)[number];

/** An activation with its parameters bound: f and its derivative f'. */
export interface Activation {
  readonly name: ActivationName;
  readonly params: Readonly<Record<string, number>>;
  /** Canonical spelling, e.g. "elu:alpha=0.5", "reluN=4". */
  readonly spec: string;
  readonly f: (x: number) => number;
  readonly df: (x: number) => number;
  /** [lo, hi] output bound for bounded activations (relu6, relu3, reluN), else null. */
  readonly bound: readonly [number, number] | null;
}

const DEFAULTS: Record<ActivationName, Record<string, number>> = {
  linear: {},
  sigmoid: {},
  tanh: {},
  relu: {},
  softplus: {},
  elu: { alpha: 1 },
  selu: {},
  relu6: {},
  swish: { beta: 1 },
  mish: {},
  relu3: {},
  reluN: { n: 6 },
};

/**
 * Parse an activation spelling: a name, optionally with parameters:
 *   "elu:alpha=0.5", "swish:beta=2", "reluN=4" or "reluN:n=4" (also "relu4.5").
 * Names are case-insensitive ("ReLU6", "silu" = swish, "identity" = linear).
 */
export function parseActivation(spec: string | Activation): Activation {
  if (typeof spec !== 'string') return spec;
  const text = spec.trim();
  let name: string;
  let paramText = '';
  const m = /^relun\s*=\s*(.+)$/i.exec(text);
  if (m) {
    name = 'reluN';
    paramText = `n=${m[1]}`;
  } else {
    const colon = text.indexOf(':');
    name = colon >= 0 ? text.slice(0, colon) : text;
    paramText = colon >= 0 ? text.slice(colon + 1) : '';
  }
  const lower = name.trim().toLowerCase();
  const aliases: Record<string, ActivationName> = { silu: 'swish', identity: 'linear', logistic: 'sigmoid', relun: 'reluN' };
  let canonical = (ACTIVATION_NAMES as readonly string[]).find((n) => n.toLowerCase() === lower) as ActivationName | undefined;
  canonical ??= aliases[lower];
  const params: Record<string, number> = {};
  if (!canonical) {
    const r = /^relu(\d+(?:\.\d+)?)$/.exec(lower);
    if (!r) {
      throw new UsageError(`unknown activation '${name}' (expected one of: ${ACTIVATION_NAMES.join(', ')}; reluN takes reluN=4)`);
    }
    canonical = 'reluN';
    params['n'] = Number(r[1]);
  }
  Object.assign(params, { ...DEFAULTS[canonical], ...params });
  for (const part of paramText.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq >= 0 ? part.slice(0, eq).trim() : '';
    const value = Number(eq >= 0 ? part.slice(eq + 1).trim() : NaN);
    if (!(key in DEFAULTS[canonical])) {
      const allowed = Object.keys(DEFAULTS[canonical]);
      throw new UsageError(
        `activation '${canonical}' has ${allowed.length ? `parameters ${allowed.join(', ')}` : 'no parameters'}; got '${part}'`,
      );
    }
    if (!Number.isFinite(value)) throw new UsageError(`activation parameter '${part}' is not a finite number`);
    params[key] = value;
  }
  return makeActivation(canonical, params);
}

function makeActivation(name: ActivationName, params: Record<string, number>): Activation {
  const alpha = params['alpha'] ?? 1;
  const beta = params['beta'] ?? 1;
  const n = params['n'] ?? 6;
  if (name === 'reluN' && !(n > 0)) throw new UsageError(`reluN needs n > 0, got ${n}`);
  const table: Record<ActivationName, [(x: number) => number, (x: number) => number, [number, number] | null]> = {
    linear: [(x) => x, () => 1, null],
    sigmoid: [s.sigmoid, s.sigmoidGrad, null],
    tanh: [Math.tanh, s.tanhGrad, null],
    relu: [s.relu, s.reluGrad, null],
    softplus: [s.softplus, s.softplusGrad, null],
    elu: [(x) => s.elu(x, alpha), (x) => s.eluGrad(x, alpha), null],
    selu: [s.selu, s.seluGrad, null],
    relu6: [(x) => s.reluN(x, 6), (x) => s.reluNGrad(x, 6), [0, 6]],
    swish: [(x) => s.swish(x, beta), (x) => s.swishGrad(x, beta), null],
    mish: [s.mish, s.mishGrad, null],
    relu3: [(x) => s.reluN(x, 3), (x) => s.reluNGrad(x, 3), [0, 3]],
    reluN: [(x) => s.reluN(x, n), (x) => s.reluNGrad(x, n), [0, n]],
  };
  const [f, df, bound] = table[name];
  const paramKeys = Object.keys(DEFAULTS[name]);
  const spec =
    name === 'reluN'
      ? `reluN=${n}`
      : paramKeys.length === 0
        ? name
        : `${name}:${paramKeys.map((k) => `${k}=${params[k]}`).join(',')}`;
  return Object.freeze({ name, params: Object.freeze({ ...params }), spec, f, df, bound });
}
