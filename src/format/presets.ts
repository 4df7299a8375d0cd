import { makeFixedFormat, type FixedFormat } from './fixedFormat.js';

/**
 * ReLU6 outputs lie in [0, 6] and 6 < 2^3, so UQ3.5 (step 1/32) holds them with
 * code 192 = 6.0; the bound clamps to 6 before encoding, so codes 193..255 are
 * never produced. ReLU3 → UQ2.6 (step 1/64, 3.0 = code 192).
 */
export const RELU6_FORMAT: FixedFormat = makeFixedFormat({
  signed: false,
  intBits: 3,
  fracBits: 5,
  bound: [0, 6],
  name: 'relu6',
});

export const RELU3_FORMAT: FixedFormat = makeFixedFormat({
  signed: false,
  intBits: 2,
  fracBits: 6,
  bound: [0, 3],
  name: 'relu3',
});

export const PRESETS: Readonly<Record<string, FixedFormat>> = Object.freeze({
  relu6: RELU6_FORMAT,
  relu3: RELU3_FORMAT,
});
