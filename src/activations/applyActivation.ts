import { UsageError } from '../errors.js';
import { parseActivation, type Activation } from './registry.js';

type FloatArray = Float32Array | Float64Array;

function run(values: FloatArray, fn: (x: number) => number, out: FloatArray | undefined): FloatArray {
  if (!(values instanceof Float32Array) && !(values instanceof Float64Array)) {
    throw new UsageError('activations apply to Float32Array or Float64Array');
  }
  const result = out ?? new (values.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(values.length);
  if (result.length !== values.length) throw new UsageError(`out must have length ${values.length}`);
  for (let i = 0; i < values.length; i++) result[i] = fn(values[i]!);
  return result;
}

/** f(x) element-wise; the result has the input's type (or is written into `out`, which may be `values`). */
export function applyActivation<T extends FloatArray>(activation: string | Activation, values: T, out?: T): T {
  return run(values, parseActivation(activation).f, out) as T;
}

/** f'(x) element-wise. */
export function applyActivationGrad<T extends FloatArray>(activation: string | Activation, values: T, out?: T): T {
  return run(values, parseActivation(activation).df, out) as T;
}
