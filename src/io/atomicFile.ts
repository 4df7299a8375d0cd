import { closeSync, existsSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DataError, UsageError } from '../errors.js';

const liveTemps = new Set<string>();
const liveDirs = new Set<string>();
let exitHookInstalled = false;

function removeLive(): void {
  for (const t of liveTemps) {
    try {
      unlinkSync(t);
    } catch {
      /* already gone */
    }
  }
  for (const d of liveDirs) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      /* already gone */
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // An interrupted write leaves nothing behind: temporary files and work directories are removed
  // on exit, and on Ctrl-C / SIGTERM (which would otherwise end the process without 'exit' hooks).
  process.on('exit', removeLive);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      removeLive();
      process.exit(code);
    });
  }
}

/**
 * Let pending signals (Ctrl-C) run their handlers: long loops that own temporary files await this
 * between chunks, because Node delivers a signal to its JavaScript handler only from the event loop.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Remove this temporary directory if the process ends before `release` is called. */
export function trackTempDir(dir: string): () => void {
  installExitHook();
  liveDirs.add(dir);
  return () => liveDirs.delete(dir);
}

/**
 * Writes a file atomically: bytes go to a temporary file next to the target,
 * which is fsynced and renamed over the target on commit(). abort() (or process
 * exit before commit) removes the temporary file, so readers never see a
 * half-written output.
 */
export class AtomicFileWriter {
  private fd: number;
  private readonly temp: string;
  private done = false;
  bytesWritten = 0;

  constructor(readonly path: string) {
    installExitHook();
    const dir = dirname(resolve(path));
    if (!existsSync(dir)) throw new DataError(`${path}: directory ${dir} does not exist`);
    if (existsSync(path) && statSync(path).isDirectory()) throw new DataError(`${path}: is a directory; give a file name`);
    this.temp = join(dir, `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
    try {
      this.fd = openSync(this.temp, 'wx');
    } catch (e) {
      throw new DataError(`${path}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    liveTemps.add(this.temp);
  }

  write(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    this.bytesWritten += bytes.length;
  }

  commit(): void {
    if (this.done) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.temp, this.path);
    liveTemps.delete(this.temp);
    this.done = true;
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    try {
      closeSync(this.fd);
    } catch {
      /* ignore */
    }
    try {
      unlinkSync(this.temp);
    } catch {
      /* ignore */
    }
    liveTemps.delete(this.temp);
  }
}

/** Write bytes to `path` atomically ('-' writes to stdout). */
export function writeFileAtomic(path: string, parts: Iterable<Uint8Array>): void {
  if (path === '-') {
    for (const p of parts) {
      let off = 0;
      while (off < p.length) off += writeSync(1, p, off, p.length - off);
    }
    return;
  }
  const w = new AtomicFileWriter(path);
  try {
    for (const p of parts) w.write(p);
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/** Refuse an output that is one of the inputs (the same file by real path). */
export function assertNotInput(output: string, inputs: readonly string[]): void {
  if (output === '-') return;
  const real = (p: string): string => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const out = real(output);
  for (const input of inputs) {
    if (real(input) === out) throw new UsageError(`output ${output} is also an input; refusing to overwrite it`);
  }
}
