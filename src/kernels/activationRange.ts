import { UsageError } from '../errors.js';
import { DTYPE_RANGE, checkScale, type QuantDtype } from './affine.js';
import { roundHalfAway } from './fixedPointMath.js';

/** Fused activations of the integer layers. 'reluN=<n>' generalises relu6 (relu3 = reluN=3). */
export type FusedActivation = 'none' | 'relu' | 'relu6' | 'relu3' | 'relu_n1_to_1' | `reluN=${number}`;

/**
 * TFLite's Quantize(f) of CalculateActivationRangeQuantized: out_zp +
 * int32(round-half-away(f / out_scale)), the division in float32 (kernel_util.cc:343).
 */
function quantizeForRange(f: number, scale: number, zeroPoint: number): number {
  return zeroPoint + roundHalfAway(Math.fround(Math.fround(f) / Math.fround(scale)));
}

/**
 * CalculateActivationRangeQuantized (int8-kernels.md §5): the [actMin, actMax]
 * code range of a fused activation in the output quantization:
 *   none → [qmin, qmax]; relu → [max(qmin, Q(0)), qmax];
 *   relu6 → [max(qmin, Q(0)), min(qmax, Q(6))]; relu_n1_to_1 → Q(−1), Q(1);
 *   relu3 / reluN=n (our extension, same rule) → [max(qmin, Q(0)), min(qmax, Q(n))].
 */
export function activationRange(
  activation: FusedActivation,
  scale: number,
  zeroPoint: number,
  dtype: QuantDtype,
): { actMin: number; actMax: number } {
  checkScale(scale, 'output scale');
  const [qmin, qmax] = DTYPE_RANGE[dtype];
  const q = (f: number) => quantizeForRange(f, scale, zeroPoint);
  let top: number | null = null;
  switch (activation) {
    case 'none':
      return { actMin: qmin, actMax: qmax };
    case 'relu':
      return { actMin: Math.max(qmin, q(0)), actMax: qmax };
    case 'relu_n1_to_1':
      return { actMin: Math.max(qmin, q(-1)), actMax: Math.min(qmax, q(1)) };
    case 'relu6':
      top = 6;
      break;
    case 'relu3':
      top = 3;
      break;
    default: {
      const m = /^reluN=(.+)$/.exec(activation);
      const n = m ? Number(m[1]) : NaN;
      if (!(n > 0) || !Number.isFinite(n)) {
        throw new UsageError(`unknown fused activation '${activation}' (none, relu, relu6, relu3, relu_n1_to_1, reluN=<n>)`);
      }
      top = n;
    }
  }
  return { actMin: Math.max(qmin, q(0)), actMax: Math.min(qmax, q(top)) };
}
