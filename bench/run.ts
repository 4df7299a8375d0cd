// npm run bench [-- --quick] [-- --only codec|kernels|report] [-- --peers]: side-by-side throughput, ratios measured in one run.
import { buildReport, defaultSchemes, npyTensorSource, wasmAvailable, withBackend } from '../src/index.js';
import { benchCodec } from './codec.js';
import { benchGroup } from './harness.js';
import { benchKernels } from './kernels.js';
import { numpyTimings } from './numpy.js';
import { benchPeers } from './peers.js';

const quick = process.argv.includes('--quick');
const onlyIdx = process.argv.indexOf('--only');
const only = onlyIdx >= 0 ? process.argv[onlyIdx + 1] : undefined;
const n = quick ? 1 << 20 : 1 << 24;
console.log(`# relu6q benchmarks — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${quick ? 'quick' : 'full'} run, wasm ${wasmAvailable() ? 'loaded' : 'NOT available (npm run build:wasm)'}`);
const numpy = only === 'report' ? null : numpyTimings(n);
console.log(numpy ? 'numpy: measured in this run (python3 subprocess, best of 5)' : 'numpy: not available, its rows are omitted');
if (!only || only === 'codec') benchCodec(n, numpy);
if (!only || only === 'kernels') benchKernels(quick, numpy);
if (!only || only === 'report') {
  const sources = ['fixtures/conv3_pointwise_preact.npy', 'fixtures/conv11_pointwise_preact.npy'].map((f) => npyTensorSource(f));
  const run = () => buildReport(sources, { schemes: defaultSchemes('minmax'), calibrator: 'minmax' });
  benchGroup('report over the two fixtures (262,144 values, 4 schemes)', 'values', [
    {
      name: 'TypeScript',
      units: 262144,
      run: () => withBackend('ts', run),
      baseline: true,
    },
    { name: 'default (WebAssembly encode/decode)', units: 262144, run },
  ]);
}
if (process.argv.includes('--peers')) await benchPeers(n);
