import type { Command } from 'commander';
import { parseFormat } from '../../src/format/parseFormat.js';
import { PRESETS } from '../../src/format/presets.js';
import type { FixedFormat } from '../../src/format/fixedFormat.js';

export function describeFormat(f: FixedFormat): Record<string, unknown> {
  return {
    name: f.name,
    signed: f.signed,
    bits: f.bits,
    intBits: f.intBits,
    fracBits: f.fracBits,
    step: f.step,
    minValue: f.minValue,
    maxValue: f.maxValue,
    minCode: f.minCode,
    maxCode: f.maxCode,
    bound: f.bound,
    rounding: f.rounding,
    overflow: f.overflow,
    spellings: f.spellings,
  };
}

function formatText(f: FixedFormat): string {
  const lines = [
    `${f.name}${f.name !== f.spellings.q ? ` = ${f.spellings.q}` : ''}`,
    `  ${f.signed ? 'signed' : 'unsigned'}, ${f.bits} bits: ${f.intBits} integer + ${f.fracBits} fraction${f.signed ? ' + sign' : ''}`,
    `  step     ${f.step} (2^${-f.fracBits})`,
    `  range    [${f.minValue}, ${f.maxValue}]`,
    `  codes    ${f.minCode}..${f.maxCode} (${f.bits <= 8 ? (f.signed ? 'int8' : 'uint8') : f.signed ? 'int16' : 'uint16'})`,
  ];
  if (f.bound) {
    const [lo, hi] = f.bound;
    lines.push(`  bound    [${lo}, ${hi}] applied before encoding (codes ${lo / f.step}..${hi / f.step})`);
  }
  if (f.rounding || f.overflow) lines.push(`  modes    rounding ${f.rounding ?? 'default'}, overflow ${f.overflow ?? 'default'}`);
  lines.push(
    `  also     ${f.spellings.apFixed} · ${f.spellings.acFixed} · ${f.spellings.qkeras} · ${f.spellings.fxpmath}`,
  );
  return lines.join('\n');
}

export function registerFormats(program: Command): void {
  program
    .command('formats')
    .description("print a format's step, range, codes and other spellings (no argument: the presets)")
    .argument('[format...]', 'format spellings: UQ3.5, Q3.4, ap_ufixed<8,3>, quantized_relu(8,3), fxp-u8/5, relu6, relu3')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  relu6q formats
  relu6q formats uq2.6 'ap_fixed<8,4>' 'quantized_bits(8,3)'`,
    )
    .action((specs: string[], opts: { json?: boolean }) => {
      const formats = specs.length ? specs.map((s) => parseFormat(s)) : Object.values(PRESETS);
      if (opts.json) process.stdout.write(`${JSON.stringify(formats.map(describeFormat), null, 2)}\n`);
      else process.stdout.write(`${formats.map(formatText).join('\n\n')}\n`);
    });
}
