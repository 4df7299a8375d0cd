import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when python3 with numpy is available: the independent oracle for many tests. */
export const HAS_NUMPY: boolean = (() => {
  const r = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
  return r.status === 0;
})();

if (!HAS_NUMPY) console.warn('numpy oracle tests skipped: python3 -c "import numpy" failed');

/** A scratch directory removed by the returned cleanup function. */
export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'relu6q-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Run a python script (numpy imported as np) in `dir`; `sys.argv[1]` is the
 * directory. Returns stdout.
 */
export function runPython(script: string, dir: string): string {
  const file = join(dir, 'oracle.py');
  writeFileSync(file, `import sys, json\nimport numpy as np\nD = sys.argv[1]\n${script}\n`);
  return execFileSync('python3', [file, dir], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** Raw little-endian bytes of a typed array, for python's np.frombuffer (no dependence on our .npy code). */
export function writeRaw(path: string, data: ArrayBufferView): void {
  writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

export function readRaw<T>(path: string, ctor: { new (buf: ArrayBuffer): T }): T {
  const b = readFileSync(path);
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return new ctor(copy.buffer);
}
