import { UsageError } from '../errors.js';

export type Padding = 'same' | 'valid';

/**
 * TFLite padding arithmetic (kernels/padding.h): output size and the leading
 * padding of one spatial dimension.
 *   effective filter = (filter − 1)·dilation + 1
 *   same:  out = ceil(in / stride);  valid: out = floor((in − effective) / stride) + 1 (0 if negative)
 *   total = max((out − 1)·stride + effective − in, 0); leading pad = floor(total / 2), the odd pixel at the end.
 */
export function computePadding(
  padding: Padding,
  inSize: number,
  filterSize: number,
  stride: number,
  dilation: number,
): { outSize: number; padBefore: number; padAfter: number } {
  if (padding !== 'same' && padding !== 'valid') throw new UsageError(`padding must be 'same' or 'valid', got '${String(padding)}'`);
  for (const [v, what] of [[stride, 'stride'], [dilation, 'dilation'], [filterSize, 'filter size'], [inSize, 'input size']] as const) {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`${what} must be a positive integer, got ${v}`);
  }
  const effective = (filterSize - 1) * dilation + 1;
  const outSize = padding === 'same' ? Math.floor((inSize + stride - 1) / stride) : Math.max(0, Math.floor((inSize + stride - effective) / stride));
  const total = Math.max((outSize - 1) * stride + effective - inSize, 0);
  const padBefore = Math.floor(total / 2);
  return { outSize, padBefore, padAfter: total - padBefore };
}
