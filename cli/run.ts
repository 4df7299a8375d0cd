import { CommanderError } from 'commander';
import { DataError, Relu6qError, UsageError } from '../src/errors.js';

/** Exit codes: 0 success, 1 data or file error, 2 usage error. */
export const EXIT_DATA = 1;
export const EXIT_USAGE = 2;

/** Print an error as one line on stderr and pick the exit code. No stack trace for user mistakes. */
export function reportError(e: unknown): number {
  if (e instanceof CommanderError) {
    // commander has already printed its one-line message.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return EXIT_USAGE;
  }
  if (e instanceof UsageError) {
    process.stderr.write(`relu6q: error: ${e.message}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof DataError || e instanceof Relu6qError) {
    process.stderr.write(`relu6q: error: ${e.message}\n`);
    return EXIT_DATA;
  }
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string' && typeof err.message === 'string') {
    // A file-system error that escaped a more specific message.
    process.stderr.write(`relu6q: error: ${err.message}\n`);
    return EXIT_DATA;
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`relu6q: internal error: ${msg}${process.env['RELU6Q_DEBUG'] ? `\n${(e as Error).stack}` : ' (set RELU6Q_DEBUG=1 for a stack trace)'}\n`);
  return EXIT_DATA;
}

/** Parse "lo,hi" into a pair of finite numbers, lo <= hi. */
export function parsePair(text: string, flag: string): [number, number] {
  const parts = text.split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.length !== 2 || parts.some((p) => p === '') || !nums.every(Number.isFinite) || !(nums[0]! <= nums[1]!)) {
    throw new UsageError(`${flag} expects lo,hi with lo <= hi (e.g. 0,6), got '${text}'`);
  }
  return [nums[0]!, nums[1]!];
}

export function parseInteger(text: string, flag: string): number {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new UsageError(`${flag} expects an integer, got '${text}'`);
  return Number(text);
}

/** A progress line on stderr, only when stderr is a terminal and the work has taken over a second. */
export class Progress {
  private readonly start = Date.now();
  private shown = false;
  private last = 0;
  constructor(private readonly label: string) {}
  update(done: number, total: number): void {
    if (!process.stderr.isTTY) return;
    const now = Date.now();
    if (now - this.start < 1000 || now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    const pct = total > 0 ? ((100 * done) / total).toFixed(1) : '100.0';
    process.stderr.write(`\r${this.label}: ${pct}% (${done}/${total})`);
  }
  done(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
  }
}
