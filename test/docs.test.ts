// The README pastes real output; these tests keep it true.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { relu6q, ROOT } from './helpers/cli.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The lines printed after "$ <command>" in the README's console blocks, up to the next prompt or fence. */
function pasted(command: string): string {
  const start = README.indexOf(`$ ${command}\n`);
  expect(start, `README shows "$ ${command}"`).toBeGreaterThanOrEqual(0);
  const body = README.slice(start + command.length + 3);
  const end = body.search(/\n(\$ |```)/);
  return body.slice(0, end).trim();
}

describe('README output is real', () => {
  it('relu6q report (npm start) on the bundled fixtures', () => {
    expect(relu6q(['report']).stdout.trim()).toBe(pasted('relu6q report'));
  });
  it('relu6q sweep', () => {
    expect(relu6q(['sweep', 'fixtures/conv11_pointwise_preact.npy']).stdout.trim()).toBe(pasted('relu6q sweep fixtures/conv11_pointwise_preact.npy'));
  });
  it('relu6q inspect and formats', () => {
    expect(relu6q(['inspect', 'fixtures/conv3_pointwise_preact.npy']).stdout.trim()).toBe(pasted('relu6q inspect fixtures/conv3_pointwise_preact.npy'));
    expect(relu6q(['formats', 'relu6', 'ap_fixed<8,4>']).stdout.trim()).toBe(pasted("relu6q formats relu6 'ap_fixed<8,4>'"));
  });
  it('the library example prints what the README says', async () => {
    const m = await import('../src/index.js');
    const x = m.toFloat32(m.readNpy(join(ROOT, 'fixtures/conv3_pointwise_preact.npy')).data);
    const { counts } = m.encodeFixed(x, 'relu6');
    expect(`${counts.boundedHigh} ${counts.inexact} ${m.parseFormat('relu6').step}`).toBe('1474 64096 0.03125');
    expect(README).toContain('// 1474 64096 0.03125');
    expect(Array.from(m.encodeFixed(Float32Array.of(2.5, -2.5), 'Q7.0', { rounding: 'nearest-away' }).codes)).toEqual([3, -3]);
  });
  it("every name the README imports from 'relu6q' is exported by the library", async () => {
    const m = (await import('../src/index.js')) as Record<string, unknown>;
    const names = [...README.matchAll(/import \{([^}]+)\} from 'relu6q'/g)].flatMap((g) => g[1]!.split(',').map((n) => n.trim()).filter(Boolean));
    expect(names).toContain('prepareDenseInt8');
    expect(names).toContain('allocWasmArray');
    for (const name of names) expect(m[name], name).toBeDefined();
  });
  it('the quick start commands exist', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.scripts.start).toBe('node dist/cli/main.js report');
    expect(pkg.scripts.test).toMatch(/vitest run/);
    expect(README).toMatch(/npm ci && npm start/);
    expect(README).toMatch(/\nnpm test /);
  });
});
