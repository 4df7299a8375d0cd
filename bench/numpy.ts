import { spawnSync } from 'node:child_process';

/**
 * numpy doing the same work in the same run (best of 5, perf_counter), or null
 * when python3 with numpy is not available. The data are generated in numpy with
 * the same sizes and value ranges.
 */
export function numpyTimings(n: number): Record<string, number> | null {
  const script = `
import json, time, numpy as np
def best(f, k=5):
    f(); t = []
    for _ in range(k):
        s = time.perf_counter(); f(); t.append(time.perf_counter() - s)
    return min(t) * 1000
rng = np.random.default_rng(1)
n = ${n}
x = (rng.standard_normal(n) * 2).astype(np.float32)
out = np.empty(n, np.uint8); tmp = np.empty(n, np.float32)
def enc_simple(): return np.clip(np.rint(x * 32), 0, 255).astype(np.uint8)
def enc_inplace():
    np.multiply(x, np.float32(32), out=tmp); np.rint(tmp, out=tmp); np.clip(tmp, 0, 255, out=tmp); np.copyto(out, tmp, casting='unsafe')
codes = enc_simple(); dec = np.empty(n, np.float32)
def decode(): np.multiply(codes, np.float32(1/32), out=dec)
a = rng.integers(-128, 128, (64, 512)).astype(np.int32); w = rng.integers(-127, 128, (512, 512)).astype(np.int32)
def mm(): return a @ w.T
print(json.dumps({'encode': best(enc_simple), 'encodeInplace': best(enc_inplace), 'decode': best(decode), 'matmul': best(mm)}))
`;
  const r = spawnSync('python3', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) return null;
  try {
    return JSON.parse(r.stdout) as Record<string, number>;
  } catch {
    return null;
  }
}
