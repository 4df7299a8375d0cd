import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/**
 * Run the relu6q program as users get it: dist/cli/main.js, which `npm test` builds first
 * (npm run build). RELU6Q_TEST_FROM_SOURCE=1 runs cli/main.ts through tsx instead.
 */
export function relu6q(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const entry = process.env['RELU6Q_TEST_FROM_SOURCE'] === '1' ? ['--import', 'tsx', join(ROOT, 'cli', 'main.ts')] : [join(ROOT, 'dist', 'cli', 'main.js')];
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    maxBuffer: 1 << 28,
  });
  return { status: r.status ?? -1, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8'), stdoutBytes: r.stdout };
}
