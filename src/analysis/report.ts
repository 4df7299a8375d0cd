import { UsageError } from '../errors.js';
import { decodeFixed } from '../codec/decodeFixed.js';
import { encodeFixed } from '../codec/encodeFixed.js';
import { chooseQuantParams, dequantizeAffine, quantizeAffine } from '../kernels/affine.js';
import { entropyAmax, mseAmax, percentileAmax, type Calibrator } from './calibrators.js';
import { ErrorAccumulator, type ErrorMetrics } from './errorMetrics.js';
import { Histogram } from './histogram.js';
import { fixedTop, type Scheme } from './schemes.js';
import { TensorStatsAccumulator, type TensorStats } from './tensorStats.js';

/** A re-readable tensor: each call to chunks() streams it again from the start (C order). */
export interface TensorSource {
  name: string;
  shape: number[];
  dtype: string;
  size: number;
  chunks(): Iterable<{ start: number; values: Float32Array }>;
}

export interface ReportOptions {
  schemes: Scheme[];
  calibrator: Calibrator;
  percentile?: number;
  /** Calibrate relu-uint8 on this tensor instead of each input. */
  calibrateOn?: TensorSource;
  perChannel?: boolean;
  /** How many most-clipping channels to list per scheme (default 10). */
  topChannels?: number;
  onProgress?: (done: number, total: number, label: string) => void;
}

export interface OwnMetrics {
  mse: number;
  maxAbsError: number;
  sqnrDb: number;
  /** step²/12: uniform rounding noise (Bennett). */
  theoryRoundMse: number;
  /** step²/12 × the share of elements not already on the grid (exact zeros carry no error). */
  theoryRoundMseOffGrid: number;
}

export interface SchemeResult {
  name: string;
  kind: Scheme['kind'];
  activation: string;
  format: string | null;
  rounding: string | null;
  calibrator: Calibrator | null;
  /** affine schemes: the calibrated clip (amax), scale and zero point. */
  amax: number | null;
  scale: number | null;
  zeroPoint: number | null;
  /** Effective top: ReLU outputs above it are clipped (Infinity when nothing clips). */
  top: number;
  step: number | null;
  vsRelu: ErrorMetrics;
  vsOwn: OwnMetrics;
  bytesPerValue: number;
  totalBytes: number;
  float32Bytes: number;
  ratioVsFloat32: number;
}

export interface ChannelClip {
  scheme: string;
  channel: number;
  clipFraction: number;
  max: number;
}

export interface FileReport extends TensorStats {
  file: string;
  shape: number[];
  dtype: string;
  schemes: SchemeResult[];
  best: { name: string; mse: number; reason: string } | null;
  perChannel: { axis: number; channels: number; top: ChannelClip[] } | null;
}

export interface Report {
  tool: 'relu6q';
  command: 'report';
  calibrator: Calibrator;
  percentile: number;
  files: FileReport[];
  totals: { count: number; files: number; schemes: SchemeResult[]; best: FileReport['best'] };
}

interface SchemeState {
  scheme: Scheme;
  vsRelu: ErrorAccumulator;
  vsOwn: ErrorAccumulator;
  offGrid: number;
  top: number;
  lo: number;
  step: number;
  scale: number;
  amax: number;
  channelClips: Float64Array | null;
}

/** Max of ReLU over the finite values of a source, and its stats. */
function firstPass(src: TensorSource, perChannel: boolean, onProgress?: ReportOptions['onProgress']) {
  const stats = new TensorStatsAccumulator();
  let reluMax = 0;
  const C = src.shape.length ? src.shape[src.shape.length - 1]! : 1;
  const channelMax = perChannel ? new Float64Array(C).fill(-Infinity) : null;
  for (const { start, values } of src.chunks()) {
    stats.add(values);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v > reluMax && v - v === 0) reluMax = v;
      if (channelMax) {
        const c = (start + i) % C;
        if (v > channelMax[c]!) channelMax[c] = v;
      }
    }
    onProgress?.(start + values.length, src.size, `scan ${src.name}`);
  }
  return { stats: stats.result(), reluMax, channelMax };
}

/** ReLU of the finite values; NaN marks elements excluded from the metrics (NaN, ±Inf input). Returns how many. */
function reluReference(x: Float32Array, out: Float32Array): number {
  let excluded = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v - v === 0) out[i] = v > 0 ? v : 0;
    else {
      out[i] = NaN;
      excluded++;
    }
  }
  return excluded;
}

/** Calibrate the amax of ReLU(x) on a source. */
export function calibrateAmax(src: TensorSource, calibrator: Calibrator, percentile: number, reluMax?: number): number {
  let max = reluMax;
  if (max === undefined) max = firstPass(src, false).reluMax;
  if (calibrator === 'minmax' || max === 0) return max;
  const h = new Histogram(max, 2048);
  let r = new Float32Array(0);
  for (const { values } of src.chunks()) {
    if (r.length !== values.length) r = new Float32Array(values.length);
    reluReference(values, r);
    h.add(r);
  }
  if (calibrator === 'percentile') return percentileAmax(h, percentile);
  if (calibrator === 'mse') return mseAmax(h);
  return entropyAmax(h, 256);
}

function stateFor(scheme: Scheme, amax: number, channels: number | null): SchemeState {
  const base = { scheme, vsRelu: new ErrorAccumulator(), vsOwn: new ErrorAccumulator(), offGrid: 0, channelClips: channels ? new Float64Array(channels) : null };
  if (scheme.kind === 'float') {
    const top = scheme.activation.bound ? scheme.activation.bound[1] : Infinity;
    return { ...base, top, lo: -Infinity, step: 0, scale: NaN, amax: NaN };
  }
  if (scheme.kind === 'affine') {
    const q = chooseQuantParams({ min: 0, max: amax, dtype: 'uint8' });
    return { ...base, top: Math.fround(255 * q.scale), lo: 0, step: q.scale, scale: q.scale, amax };
  }
  const lo = Math.max(scheme.activation.bound ? scheme.activation.bound[0] : -Infinity, scheme.format.minValue);
  return { ...base, top: fixedTop(scheme), lo, step: scheme.format.step, scale: NaN, amax: NaN };
}

/** f(x) into `out`: plain clamp loops for the ReLU family (the common case), f per element otherwise. */
function activationInto(a: Scheme['activation'], x: Float32Array, out: Float32Array): void {
  const hi = a.name === 'relu' ? Infinity : a.bound && (a.name === 'relu6' || a.name === 'relu3' || a.name === 'reluN') ? a.bound[1] : null;
  if (hi === null) {
    for (let i = 0; i < x.length; i++) out[i] = a.f(x[i]!);
    return;
  }
  // Same results as relu/reluN: NaN stays NaN, -0 and negatives become 0.
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    out[i] = v > 0 ? (v < hi ? v : hi) : v !== v ? v : 0;
  }
}

/** Quantize-dequantize one chunk through a scheme; `own` receives the scheme's float activation clipped to its range. */
function runScheme(st: SchemeState, x: Float32Array, ref: Float32Array, start: number, q: Float32Array, own: Float32Array): void {
  const s = st.scheme;
  if (s.kind === 'float') {
    activationInto(s.activation, x, q);
    own.set(q);
    return;
  }
  if (s.kind === 'affine') {
    const top = st.top;
    for (let i = 0; i < x.length; i++) own[i] = Math.min(ref[i]!, top); // NaN stays NaN
    const codes = quantizeAffine(ref, { scale: st.scale, zeroPoint: 0, dtype: 'uint8', nan: 'zero' });
    q.set(dequantizeAffine(codes, { scale: st.scale, zeroPoint: 0 }));
    return;
  }
  activationInto(s.activation, x, own);
  const { codes } = encodeFixed(own, s.format, { rounding: s.rounding, nan: 'zero', bound: null, indexOffset: start });
  decodeFixed(codes, s.format, q);
  const top = st.top;
  const lo = st.lo;
  for (let i = 0; i < own.length; i++) own[i] = Math.min(Math.max(own[i]!, lo), top); // NaN stays NaN
}

function schemeResult(st: SchemeState, count: number): SchemeResult {
  const s = st.scheme;
  const vsRelu = st.vsRelu.result();
  const own = st.vsOwn.result();
  const bytesPerValue = s.kind === 'float' ? 4 : s.kind === 'affine' ? 1 : s.format.bits <= 8 ? 1 : 2;
  const theory = (st.step * st.step) / 12;
  return {
    name: s.name,
    kind: s.kind,
    activation: s.activation.spec,
    format: s.kind === 'fixed' ? s.format.spellings.q : s.kind === 'affine' ? 'uint8' : 'float32',
    rounding: s.kind === 'fixed' ? s.rounding : s.kind === 'affine' ? 'nearest-even' : null,
    calibrator: s.kind === 'affine' ? s.calibrator : null,
    amax: s.kind === 'affine' ? st.amax : null,
    scale: s.kind === 'affine' ? st.scale : null,
    zeroPoint: s.kind === 'affine' ? 0 : null,
    top: st.top,
    step: s.kind === 'float' ? null : st.step,
    vsRelu,
    vsOwn: {
      mse: own.mse,
      maxAbsError: own.maxAbsError,
      sqnrDb: own.sqnrDb,
      theoryRoundMse: theory,
      theoryRoundMseOffGrid: own.count ? (theory * st.offGrid) / own.count : NaN,
    },
    bytesPerValue,
    totalBytes: bytesPerValue * count,
    float32Bytes: 4 * count,
    ratioVsFloat32: bytesPerValue / 4,
  };
}

function bestOf(results: SchemeResult[]): FileReport['best'] {
  const candidates = results.filter((r) => r.kind !== 'float' && Number.isFinite(r.vsRelu.mse));
  if (!candidates.length) return null;
  const best = candidates.reduce((a, b) => (b.vsRelu.mse < a.vsRelu.mse ? b : a));
  return { name: best.name, mse: best.vsRelu.mse, reason: 'lowest mse vs float32 ReLU' };
}

function checkSchemes(schemes: Scheme[]): void {
  if (!schemes.length) throw new UsageError('no schemes to report');
  const names = new Set<string>();
  for (const s of schemes) {
    if (names.has(s.name)) throw new UsageError(`scheme '${s.name}' is listed twice`);
    names.add(s.name);
  }
}

/** Report one tensor. Returns the per-scheme accumulators too, for totals. */
function reportOne(src: TensorSource, o: ReportOptions, calibratedAmax: number | null): { report: FileReport; states: SchemeState[] } {
  const perChannel = o.perChannel ?? false;
  const first = firstPass(src, perChannel, o.onProgress);
  const C = src.shape.length ? src.shape[src.shape.length - 1]! : 1;
  const needsAmax = o.schemes.some((s) => s.kind === 'affine');
  const amax = needsAmax ? (calibratedAmax ?? calibrateAmax(src, o.calibrator, o.percentile ?? 99.99, first.reluMax)) : NaN;
  const states = o.schemes.map((s) => stateFor(s, amax, perChannel ? C : null));
  let ref = new Float32Array(0);
  let q = new Float32Array(0);
  let own = new Float32Array(0);
  for (const { start, values } of src.chunks()) {
    if (ref.length !== values.length) {
      ref = new Float32Array(values.length);
      q = new Float32Array(values.length);
      own = new Float32Array(values.length);
    }
    const excluded = reluReference(values, ref);
    for (const st of states) {
      runScheme(st, values, ref, start, q, own);
      // Excluded elements (NaN in ref) are skipped by both accumulators.
      if (excluded) for (let i = 0; i < own.length; i++) if (ref[i] !== ref[i]) own[i] = NaN;
      st.vsRelu.add(ref, q, st.top, start);
      st.vsOwn.add(own, q, Infinity, start);
      if (st.step > 0) {
        const inv = 1 / st.step;
        let off = 0;
        for (let i = 0; i < own.length; i++) {
          const u = own[i]! * inv;
          off += +(u - Math.floor(u) > 0); // NaN compares false: excluded elements never count
        }
        st.offGrid += off;
      }
      if (st.channelClips && Number.isFinite(st.top)) {
        for (let i = 0; i < ref.length; i++) if (ref[i]! > st.top) st.channelClips[(start + i) % C]!++;
      }
    }
    o.onProgress?.(start + values.length, src.size, `report ${src.name}`);
  }
  const schemes = states.map((st) => schemeResult(st, src.size));
  let channelInfo: FileReport['perChannel'] = null;
  if (perChannel) {
    const perCh = src.size / C;
    const top: ChannelClip[] = [];
    for (const st of states) {
      if (!st.channelClips || !Number.isFinite(st.top)) continue;
      const ranked = Array.from(st.channelClips, (n, c) => ({ scheme: st.scheme.name, channel: c, clipFraction: n / perCh, max: first.channelMax![c]! }))
        .filter((r) => r.clipFraction > 0)
        .sort((a, b) => b.clipFraction - a.clipFraction || a.channel - b.channel)
        .slice(0, o.topChannels ?? 10);
      top.push(...ranked);
    }
    channelInfo = { axis: src.shape.length - 1, channels: C, top };
  }
  const report: FileReport = { file: src.name, shape: src.shape, dtype: src.dtype, ...first.stats, schemes, best: bestOf(schemes), perChannel: channelInfo };
  return { report, states };
}

/**
 * The error report: every scheme against float32 ReLU, per input and in total.
 * Streams each input a bounded number of times (stats, optional histogram, metrics).
 */
export function buildReport(sources: TensorSource[], o: ReportOptions): Report {
  if (!sources.length) throw new UsageError('no inputs to report');
  checkSchemes(o.schemes);
  const percentile = o.percentile ?? 99.99;
  const calibratedAmax = o.calibrateOn && o.schemes.some((s) => s.kind === 'affine') ? calibrateAmax(o.calibrateOn, o.calibrator, percentile) : null;
  const files: FileReport[] = [];
  let totalStates: SchemeState[] | null = null;
  let count = 0;
  for (const src of sources) {
    const { report, states } = reportOne(src, { ...o, percentile }, calibratedAmax);
    files.push(report);
    count += src.size;
    if (!totalStates) {
      totalStates = states.map((st) => ({ ...st, vsRelu: new ErrorAccumulator().merge(st.vsRelu), vsOwn: new ErrorAccumulator().merge(st.vsOwn), channelClips: null }));
    } else {
      totalStates.forEach((t, i) => {
        t.vsRelu.merge(states[i]!.vsRelu);
        t.vsOwn.merge(states[i]!.vsOwn);
        t.offGrid += states[i]!.offGrid;
        // The affine scale differs between files unless --calibrate-on is used: report NaN for per-file values.
        if (t.scheme.kind === 'affine' && t.scale !== states[i]!.scale) {
          t.scale = NaN;
          t.amax = NaN;
          t.top = NaN;
          t.step = NaN;
        }
      });
    }
  }
  const totalSchemes = totalStates!.map((st) => schemeResult(st, count));
  return { tool: 'relu6q', command: 'report', calibrator: o.calibrator, percentile, files, totals: { count, files: files.length, schemes: totalSchemes, best: bestOf(totalSchemes) } };
}
