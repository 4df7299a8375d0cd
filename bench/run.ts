// npm run bench [-- --quick] [-- --only codec|kernels]: side-by-side throughput, ratios measured in one run.
import { benchCodec } from './codec.js';
import { benchKernels } from './kernels.js';

const quick = process.argv.includes('--quick');
const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : undefined;
const n = quick ? 1 << 20 : 1 << 24;
console.log(`# relu6q benchmarks — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${quick ? 'quick' : 'full'} run`);
if (!only || only === 'codec') benchCodec(n);
if (!only || only === 'kernels') benchKernels(quick);
