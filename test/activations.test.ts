import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, applyActivation, applyActivationGrad, parseActivation, scalarActivations as s } from '../src/index.js';
import { HAS_NUMPY, runPython, scratchDir } from './helpers/numpy.js';

describe('known values', () => {
  it('hand-worked points', () => {
    expect(s.sigmoid(0)).toBe(0.5);
    expect(s.softplus(0)).toBeCloseTo(Math.LN2, 15);
    expect(s.relu(-2)).toBe(0);
    expect(s.reluN(7, 6)).toBe(6);
    expect(s.reluN(3, 6)).toBe(3);
    expect(s.elu(-1)).toBeCloseTo(Math.exp(-1) - 1, 15);
    expect(s.selu(1)).toBeCloseTo(1.0507009873554805, 15);
    expect(s.selu(-1)).toBeCloseTo(1.0507009873554805 * 1.6732632423543772 * (Math.exp(-1) - 1), 15);
    expect(s.swish(1)).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    // mish(1) = tanh(ln(1+e)) = 0.8650983882673103 (Misra 2019, Table values)
    expect(s.mish(1)).toBeCloseTo(0.8650983882673103, 14);
    expect(s.mish(-1)).toBeCloseTo(-0.30340146137410895, 14);
  });

  it('gradient conventions at the kinks', () => {
    expect(s.reluGrad(0)).toBe(0);
    expect(s.reluNGrad(0, 6)).toBe(0);
    expect(s.reluNGrad(6, 6)).toBe(0);
    expect(s.reluNGrad(5.999, 6)).toBe(1);
    expect(parseActivation('relu6').df(6)).toBe(0);
    expect(parseActivation('relu3').df(3)).toBe(0);
    expect(parseActivation('elu:alpha=0.5').df(0)).toBe(0.5);
  });
});

describe('numerically stable for |x| up to 1e4', () => {
  const xs = [-1e4, -1000, -745, -50, 0, 50, 710, 1000, 1e4];
  for (const name of ACTIVATION_NAMES) {
    it(name, () => {
      const a = parseActivation(name);
      for (const x of xs) {
        expect(Number.isFinite(a.f(x)), `${name}(${x})`).toBe(true);
        expect(Number.isFinite(a.df(x)), `${name}'(${x})`).toBe(true);
      }
    });
  }
  it('softplus(x) → x and mish(x) → x for large x; sigmoid saturates to exactly 0/1', () => {
    expect(s.softplus(1e4)).toBe(1e4);
    expect(s.softplus(40)).toBe(40);
    expect(s.mish(1e4)).toBe(1e4);
    expect(s.sigmoid(1e4)).toBe(1);
    expect(s.sigmoid(-1e4)).toBe(0);
    expect(s.softplus(-1e4)).toBe(0);
    expect(s.softplus(-30)).toBeCloseTo(Math.exp(-30), 25);
  });
});

describe('derivatives against central finite differences away from kinks', () => {
  const points = [-5, -2.3, -0.7, -0.1, 0.13, 0.9, 2.2, 4.4, 5.5, 7.5];
  for (const name of ['linear', 'sigmoid', 'tanh', 'relu', 'softplus', 'elu:alpha=0.5', 'selu', 'relu6', 'swish:beta=2', 'mish', 'relu3', 'reluN=4.5']) {
    it(name, () => {
      const a = parseActivation(name);
      const h = 1e-6;
      for (const x of points) {
        const fd = (a.f(x + h) - a.f(x - h)) / (2 * h);
        expect(a.df(x), `${name}'(${x})`).toBeCloseTo(fd, 6);
      }
    });
  }
});

describe('identities', () => {
  it("softplus' = sigmoid; swish = x·sigmoid(βx); mish = x·tanh(softplus(x)); selu = λ·elu(α)", () => {
    for (let x = -20; x <= 20; x += 0.37) {
      expect(s.softplusGrad(x)).toBe(s.sigmoid(x));
      expect(s.swish(x, 1.7)).toBeCloseTo(x / (1 + Math.exp(-1.7 * x)), 12);
      expect(s.mish(x)).toBeCloseTo(x * Math.tanh(Math.log1p(Math.exp(x))), 12);
      expect(s.selu(x)).toBeCloseTo(s.SELU_LAMBDA * s.elu(x, s.SELU_ALPHA), 14);
    }
  });
});

describe('parsing and arrays', () => {
  it('parses names, parameters and aliases', () => {
    expect(parseActivation('ELU:alpha=0.5').params).toEqual({ alpha: 0.5 });
    expect(parseActivation('reluN=4').bound).toEqual([0, 4]);
    expect(parseActivation('relu4.5').bound).toEqual([0, 4.5]);
    expect(parseActivation('silu').name).toBe('swish');
    expect(parseActivation('relu6').bound).toEqual([0, 6]);
    expect(() => parseActivation('gelu')).toThrow(/unknown activation 'gelu'/);
    expect(() => parseActivation('relu:alpha=1')).toThrow(/has no parameters/);
    expect(() => parseActivation('elu:alpha=x')).toThrow(/not a finite number/);
  });
  it('applies element-wise, keeping the array type, in place when asked', () => {
    const x = Float32Array.of(-1, 0.5, 7);
    expect(Array.from(applyActivation('relu6', x))).toEqual([0, 0.5, 6]);
    expect(Array.from(applyActivationGrad('relu6', x))).toEqual([0, 1, 0]);
    const y = applyActivation('sigmoid', Float64Array.of(0));
    expect(y).toBeInstanceOf(Float64Array);
    applyActivation('relu', x, x);
    expect(Array.from(x)).toEqual([0, 0.5, 7]);
  });
});

describe.skipIf(!HAS_NUMPY)('against numpy in float64', () => {
  it('every activation on a grid from -30 to 30', () => {
    const { dir, cleanup } = scratchDir();
    try {
      const out = JSON.parse(
        runPython(
          `
x = np.linspace(-30, 30, 601)
sp = np.logaddexp(0, x)
sig = 1 / (1 + np.exp(-x))
r = {
 'sigmoid': sig, 'tanh': np.tanh(x), 'softplus': sp, 'relu': np.maximum(x, 0),
 'elu': np.where(x > 0, x, np.expm1(x)), 'selu': 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
 'relu6': np.clip(x, 0, 6), 'swish': x * sig, 'mish': x * np.tanh(sp), 'relu3': np.clip(x, 0, 3), 'linear': x,
}
print(json.dumps({k: v.tolist() for k, v in r.items()}))
`,
          dir,
        ),
      ) as Record<string, number[]>;
      const x = Float64Array.from({ length: 601 }, (_, i) => -30 + i * 0.1);
      for (const [name, want] of Object.entries(out)) {
        const got = applyActivation(name, Float64Array.from(want.map((_, i) => -30 + (60 * i) / 600)));
        for (let i = 0; i < want.length; i++) {
          expect(Math.abs(got[i]! - want[i]!), `${name}(${x[i]})`).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(want[i]!)));
        }
      }
    } finally {
      cleanup();
    }
  });
});
