// npm run bench [-- --quick]: side-by-side throughput, ratios measured in one run.
import { benchCodec } from './codec.js';

const quick = process.argv.includes('--quick');
const n = quick ? 1 << 20 : 1 << 24;
console.log(`# relu6q benchmarks — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${quick ? 'quick' : 'full'} run`);
benchCodec(n);
