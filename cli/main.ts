#!/usr/bin/env node
import { Command } from 'commander';
import { registerDecode, registerEncode } from './commands/encode.js';
import { registerFormats } from './commands/formats.js';
import { registerInspect } from './commands/inspect.js';
import { registerKernelCommands } from './commands/kernels.js';
import { registerReport } from './commands/report.js';
import { registerPlot } from './commands/plot.js';
import { registerBundle } from './commands/bundle.js';
import { reportError } from './run.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('relu6q')
    .description('int8 quantization toolkit centred on ReLU6: ReLU6 outputs fit UQ3.5 bytes (step 1/32, 6.0 = code 192)')
    .version('0.1.0')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({
      outputError: (str, write) => write(str.startsWith('error:') ? `relu6q: ${str}` : str),
    })
    .addHelpText(
      'after',
      `
Examples:
  relu6q report                     # the main job, on the bundled MobileNetV1 fixtures
  relu6q inspect fixtures/conv3_pointwise_preact.npy
  relu6q encode fixtures/conv3_pointwise_preact.npy -o codes.npy --format relu6
  relu6q decode codes.npy -o decoded.npy --format relu6
  relu6q formats relu6 'ap_ufixed<8,3>'`,
    );
  registerReport(program);
  registerInspect(program);
  registerEncode(program);
  registerDecode(program);
  registerBundle(program);
  registerFormats(program);
  registerKernelCommands(program);
  registerPlot(program);
  // Subcommands inherit exitOverride/output settings.
  for (const cmd of program.commands) {
    cmd.exitOverride();
    cmd.configureOutput({ outputError: (str, write) => write(str.startsWith('error:') ? `relu6q: ${str}` : str) });
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return reportError(e);
  }
}

const isEntry = process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href;
if (isEntry) {
  process.exitCode = await main(process.argv.slice(2));
}
