/**
 * Scalar activation functions and their derivatives, numerically stable for
 * |x| up to 1e4 and beyond (no Infinity or NaN from finite input).
 *
 * Gradient conventions at kinks (the subgradient a framework would return):
 *   relu'(0) = 0; reluN'(0) = reluN'(N) = 0 (so relu6'(0) = relu6'(6) = 0), as
 *   TensorFlow's Relu6Grad (gradient only where 0 < x < 6);
 *   elu'(0) = alpha (left-hand side, x > 0 strictly takes the linear branch).
 */

export function sigmoid(x: number): number {
  // Split by sign so exp never overflows: for x < 0, e^x/(1+e^x).
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}
export function sigmoidGrad(x: number): number {
  const s = sigmoid(x);
  return s * (1 - s);
}

export function tanhGrad(x: number): number {
  const t = Math.tanh(x);
  return 1 - t * t;
}

/** softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|); → x for large x exactly. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
/** softplus' = sigmoid. */
export const softplusGrad = sigmoid;

/** max(x, 0); NaN stays NaN (as TensorFlow's Relu). */
export function relu(x: number): number {
  return x > 0 ? x : x !== x ? x : 0;
}
export function reluGrad(x: number): number {
  return x > 0 ? 1 : 0;
}

/** min(max(x, 0), n); NaN stays NaN. */
export function reluN(x: number, n: number): number {
  if (x !== x) return x;
  return x <= 0 ? 0 : x >= n ? n : x;
}
export function reluNGrad(x: number, n: number): number {
  return x > 0 && x < n ? 1 : 0;
}

export function elu(x: number, alpha = 1): number {
  return x > 0 ? x : alpha * Math.expm1(x);
}
export function eluGrad(x: number, alpha = 1): number {
  return x > 0 ? 1 : alpha * Math.exp(x);
}

/** Klambauer et al. 2017, the constants of PyTorch/TensorFlow. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_LAMBDA = 1.0507009873554805;
export function selu(x: number): number {
  return SELU_LAMBDA * elu(x, SELU_ALPHA);
}
export function seluGrad(x: number): number {
  return SELU_LAMBDA * eluGrad(x, SELU_ALPHA);
}

/** swish(x) = x·sigmoid(beta·x) (beta = 1: SiLU). */
export function swish(x: number, beta = 1): number {
  return x * sigmoid(beta * x);
}
export function swishGrad(x: number, beta = 1): number {
  const s = sigmoid(beta * x);
  return s + beta * x * s * (1 - s);
}

/** mish(x) = x·tanh(softplus(x)) (Misra 2019). */
export function mish(x: number): number {
  return x * Math.tanh(softplus(x));
}
export function mishGrad(x: number): number {
  const t = Math.tanh(softplus(x));
  // d/dx tanh(sp(x)) = (1 - t²)·sigmoid(x)
  return t + x * (1 - t * t) * sigmoid(x);
}
