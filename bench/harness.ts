/**
 * Tiny benchmark harness: each case runs a warm-up, then `repeats` timed runs;
 * the best time is reported (least disturbed by the shared machine), and rows
 * in one group are printed as ratios to the group's baseline, measured in the
 * same process and run.
 */
export interface BenchCase {
  name: string;
  /** Work units per run (values, MACs, bytes…). */
  units: number;
  /** The work; or `externalMs` for a figure measured outside this process in the same run (numpy). */
  run?: () => unknown;
  externalMs?: number | null;
  baseline?: boolean;
}

export interface BenchRow {
  group: string;
  name: string;
  bestMs: number;
  unitsPerSec: number;
  ratio: number;
}

let sink: unknown;

export function timeBest(run: () => unknown, repeats: number): number {
  sink = run(); // warm-up (JIT)
  sink = run();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint();
    sink = run();
    const t1 = process.hrtime.bigint();
    best = Math.min(best, Number(t1 - t0) / 1e6);
  }
  return best;
}

export function benchGroup(group: string, unitName: string, cases: BenchCase[], repeats = 5): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const c of cases) {
    if (c.run === undefined && (c.externalMs === undefined || c.externalMs === null)) continue;
    const bestMs = c.run ? timeBest(c.run, repeats) : c.externalMs!;
    rows.push({ group, name: c.name, bestMs, unitsPerSec: c.units / (bestMs / 1000), ratio: 0 });
  }
  const baseName = cases.find((c) => c.baseline)?.name;
  const base = rows.find((r) => r.name === baseName) ?? rows[0]!;
  for (const r of rows) r.ratio = r.unitsPerSec / base.unitsPerSec;
  printGroup(group, unitName, rows, base.name);
  void sink;
  return rows;
}

export function fmtRate(x: number): string {
  if (x >= 1e9) return `${(x / 1e9).toFixed(2)} G`;
  if (x >= 1e6) return `${(x / 1e6).toFixed(1)} M`;
  return `${(x / 1e3).toFixed(1)} k`;
}

export function printGroup(group: string, unitName: string, rows: BenchRow[], baseName: string): void {
  const w = Math.max(...rows.map((r) => r.name.length), 10);
  console.log(`\n## ${group}`);
  console.log(`| ${'implementation'.padEnd(w)} | ${'best ms'.padStart(9)} | ${`${unitName}/s`.padStart(12)} | vs ${baseName} |`);
  console.log(`|${'-'.repeat(w + 2)}|${'-'.repeat(11)}|${'-'.repeat(14)}|------|`);
  for (const r of rows) {
    console.log(`| ${r.name.padEnd(w)} | ${r.bestMs.toFixed(2).padStart(9)} | ${fmtRate(r.unitsPerSec).padStart(12)} | ${r.ratio.toFixed(2)}x |`);
  }
}
