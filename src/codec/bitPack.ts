import { UsageError } from '../errors.js';

/*
 * Dense bit packing for formats narrower than 8 bits. Bit order: LSB-first —
 * code i occupies bits [i·W, (i+1)·W) of the byte stream, bit j of the stream
 * being bit (j mod 8) of byte ⌊j/8⌋ (the order of numpy.packbits(bitorder='little')
 * generalised to W-bit fields). Signed codes are stored as their W-bit two's
 * complement. Eight codes always fill exactly W bytes, so chunks whose length is
 * a multiple of 8 pack independently.
 */

export function packedByteLength(count: number, bits: number): number {
  return Math.ceil((count * bits) / 8);
}

export function packBits(codes: ArrayLike<number>, bits: number, out?: Uint8Array): Uint8Array {
  if (!Number.isInteger(bits) || bits < 1 || bits > 7) throw new UsageError(`bit packing needs 1..7 bits, got ${bits}`);
  const n = codes.length;
  const result = out ?? new Uint8Array(packedByteLength(n, bits));
  result.fill(0);
  const mask = (1 << bits) - 1;
  let bitPos = 0;
  for (let i = 0; i < n; i++) {
    const v = codes[i]! & mask;
    const byte = bitPos >> 3;
    const shift = bitPos & 7;
    result[byte] |= (v << shift) & 0xff;
    if (shift + bits > 8) result[byte + 1] |= v >> (8 - shift);
    bitPos += bits;
  }
  return result;
}

export function unpackBits(packed: Uint8Array, bits: number, count: number, signed: boolean, out?: Int8Array | Uint8Array): Int8Array | Uint8Array {
  if (!Number.isInteger(bits) || bits < 1 || bits > 7) throw new UsageError(`bit packing needs 1..7 bits, got ${bits}`);
  if (packed.length < packedByteLength(count, bits)) throw new UsageError(`packed data has ${packed.length} bytes, ${count} codes of ${bits} bits need ${packedByteLength(count, bits)}`);
  const result = out ?? (signed ? new Int8Array(count) : new Uint8Array(count));
  const mask = (1 << bits) - 1;
  const signBit = 1 << (bits - 1);
  let bitPos = 0;
  for (let i = 0; i < count; i++) {
    const byte = bitPos >> 3;
    const shift = bitPos & 7;
    let v = packed[byte]! >> shift;
    if (shift + bits > 8) v |= packed[byte + 1]! << (8 - shift);
    v &= mask;
    result[i] = signed && v & signBit ? v - (1 << bits) : v;
    bitPos += bits;
  }
  return result;
}
