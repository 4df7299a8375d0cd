import { describe, expect, it } from 'vitest';
import { parseFormat, formatSpelling, decodeFixed, encodeFixed, RELU6_FORMAT, RELU3_FORMAT, UsageError } from '../src/index.js';

const layout = (s: string) => {
  const f = parseFormat(s);
  return { signed: f.signed, intBits: f.intBits, fracBits: f.fracBits, bits: f.bits };
};

describe('parseFormat: notations (fixed-point.md §1)', () => {
  it('UQ3.5 is the ReLU6 byte: step 1/32, codes 0..255, max 7.96875', () => {
    const f = parseFormat('UQ3.5');
    expect(f).toMatchObject({ bits: 8, signed: false, intBits: 3, fracBits: 5, step: 1 / 32, minValue: 0, maxValue: 7.96875, minCode: 0, maxCode: 255 });
    expect(parseFormat('uq3.5')).toMatchObject({ bits: 8 });
  });

  it('Q3.4 is signed, 1+3+4 bits, range [-8, 7.9375]', () => {
    expect(parseFormat('Q3.4')).toMatchObject({ bits: 8, signed: true, minValue: -8, maxValue: 7.9375, minCode: -128, maxCode: 127 });
  });

  it('every spelling of UQ3.5 in the reference maps to the same layout', () => {
    for (const s of ['quantized_relu(8,3)', 'ap_ufixed<8,3>', 'ac_fixed<8,3,false>', 'fxp-u8/5', 'ufixed<8,3>', 'quantized_bits(8,3,0,keep_negative=False)', 'ap_ufixed< 8 , 3, AP_RND_CONV, AP_SAT >']) {
      expect(layout(s), s).toEqual(layout('UQ3.5'));
    }
  });

  it('every spelling of Q3.4 maps to the same layout (ap I counts the sign bit; QKeras integer does not)', () => {
    for (const s of ['quantized_bits(8,3)', 'ap_fixed<8,4>', 'ac_fixed<8,4,true>', 'fxp-s8/4', 'fixed<8,4>']) {
      expect(layout(s), s).toEqual(layout('Q3.4'));
    }
  });

  it('negative integer bits: ap_ufixed<1,-1> holds 0.25 (one LSB of 2^-2)', () => {
    const f = parseFormat('ap_ufixed<1,-1>');
    expect(f).toMatchObject({ intBits: -1, fracBits: 2, step: 0.25, maxValue: 0.25 });
  });

  it('foreign spellings carry their system defaults: ap TRN/WRAP, QKeras RNE/SAT, fxpmath trunc/SAT', () => {
    expect(parseFormat('ap_fixed<8,4>')).toMatchObject({ rounding: 'floor', overflow: 'wrap' });
    expect(parseFormat('ap_fixed<8,4,AP_RND,AP_SAT>')).toMatchObject({ rounding: 'nearest-up', overflow: 'saturate' });
    expect(parseFormat('ac_fixed<15,4,false,AC_RND,AC_SAT>')).toMatchObject({ bits: 15, intBits: 4, signed: false, rounding: 'nearest-up', overflow: 'saturate' });
    expect(parseFormat('quantized_relu(8,3)')).toMatchObject({ rounding: 'nearest-even', overflow: 'saturate' });
    expect(parseFormat('quantized_bits(6,2,1)')).toMatchObject({ overflow: 'saturate-symmetric' });
    expect(parseFormat('fxp-s8/2')).toMatchObject({ rounding: 'toward-zero', overflow: 'saturate' });
    expect(parseFormat('UQ3.5')).toMatchObject({ rounding: null, overflow: null });
  });

  it('hls4ml test_types vectors (A9)', () => {
    expect(parseFormat('fixed<16,6>')).toMatchObject({ bits: 16, signed: true, intBits: 5, rounding: 'floor', overflow: 'wrap' });
    expect(parseFormat('ufixed<13, 8, RND, SAT>')).toMatchObject({ bits: 13, signed: false, intBits: 8, rounding: 'nearest-up', overflow: 'saturate' });
  });

  it('prints each notation', () => {
    const f = parseFormat('UQ3.5');
    expect(f.spellings).toEqual({
      q: 'UQ3.5',
      apFixed: 'ap_ufixed<8,3,AP_RND_CONV,AP_SAT>',
      acFixed: 'ac_fixed<8,3,false,AC_RND_CONV,AC_SAT>',
      qkeras: 'quantized_relu(8,3)',
      fxpmath: 'fxp-u8/5',
    });
    expect(formatSpelling('Q3.4', 'apFixed')).toBe('ap_fixed<8,4,AP_RND_CONV,AP_SAT>');
    expect(formatSpelling('ap_fixed<8,4>', 'apFixed')).toBe('ap_fixed<8,4,AP_TRN,AP_WRAP>');
    expect(formatSpelling('Q3.4', 'qkeras')).toBe('quantized_bits(8,3)');
  });

  it('printed spellings parse back to the same format', () => {
    for (const s of ['UQ3.5', 'Q3.4', 'UQ0.16', 'Q0.15', 'UQ2.6', 'Q-2.5', 'UQ1.0', 'ap_fixed<10,4>']) {
      const f = parseFormat(s);
      for (const k of ['q', 'apFixed', 'acFixed', 'fxpmath'] as const) {
        const g = parseFormat(f.spellings[k]);
        expect([g.signed, g.intBits, g.fracBits], `${s} ${k}`).toEqual([f.signed, f.intBits, f.fracBits]);
        if (k !== 'q' && k !== 'fxpmath') expect([g.rounding, g.overflow]).toEqual([f.rounding ?? 'nearest-even', f.overflow ?? 'saturate']);
      }
    }
  });

  it('presets relu6 and relu3 carry their activation bounds', () => {
    expect(RELU6_FORMAT).toMatchObject({ intBits: 3, fracBits: 5, bound: [0, 6], name: 'relu6' });
    expect(RELU3_FORMAT).toMatchObject({ intBits: 2, fracBits: 6, bound: [0, 3], step: 1 / 64, maxValue: 3.984375 });
    expect(parseFormat('ReLU6')).toBe(RELU6_FORMAT);
  });

  it('total bits 1..16 only; clear errors for bad spellings', () => {
    expect(parseFormat('UQ0.1').bits).toBe(1);
    expect(parseFormat('Q0.15').bits).toBe(16);
    expect(() => parseFormat('UQ9.8')).toThrow(/17 bits; relu6q supports 1..16/);
    expect(() => parseFormat('Q0.0')).not.toThrow(); // 1 sign bit: codes -1..0
    expect(() => parseFormat('UQ0.0')).toThrow(UsageError);
    expect(() => parseFormat('uq3')).toThrow(/unknown format 'uq3'/);
    expect(() => parseFormat('ap_fixed<8>')).toThrow(/ap_fixed<W,I/);
    expect(() => parseFormat('ap_fixed<8,4,AP_FOO>')).toThrow(/unknown quantization mode 'ap_foo'/i);
    expect(() => parseFormat('ap_fixed<8,4,AP_TRN,AP_WRAP_SM>')).toThrow(/AP_WRAP_SM/);
    expect(() => parseFormat('quantized_relu(8,3,relu_upper_bound=6)')).toThrow(/relu_upper_bound/);
    expect(() => parseFormat('')).toThrow(/empty/);
  });

  it('QKeras range tests (A4): values by code', () => {
    const byCode = (spec: string) => {
      const f = parseFormat(spec);
      const n = 2 ** f.bits;
      const codes = f.signed ? Int8Array.from({ length: n }, (_, i) => (i < n / 2 ? i : i - n)) : Uint8Array.from({ length: n }, (_, i) => i);
      return Array.from(decodeFixed(codes, f));
    };
    expect(byCode('quantized_relu(3,0)')).toEqual([0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875]);
    expect(byCode('quantized_relu(3,3)')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(byCode('quantized_bits(3,0)')).toEqual([0, 0.25, 0.5, 0.75, -1, -0.75, -0.5, -0.25]);
    expect(byCode('quantized_bits(3,2)')).toEqual([0, 1, 2, 3, -4, -3, -2, -1]);
  });

  it('an unbounded UQ3.5 reaches 7.96875 where the relu6 preset stops at 6', () => {
    const x = Float32Array.of(7, 100);
    expect(Array.from(encodeFixed(x, 'UQ3.5').codes)).toEqual([224, 255]);
    expect(Array.from(encodeFixed(x, 'relu6').codes)).toEqual([192, 192]);
  });
});
