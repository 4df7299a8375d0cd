// relu6q public API. Data flow: format → codec → kernels → analysis → io.
export { Relu6qError, UsageError, DataError } from './errors.js';

export {
  makeFixedFormat,
  allocateCodes,
  codeDtype,
  MAX_BITS,
  type FixedFormat,
  type FixedFormatInit,
  type FormatSpellings,
  type CodeArray,
} from './format/fixedFormat.js';
export { parseFormat, formatSpelling, type FormatLike } from './format/parseFormat.js';
export { RELU6_FORMAT, RELU3_FORMAT, PRESETS } from './format/presets.js';

export {
  ROUNDING_MODES,
  OVERFLOW_MODES,
  NAN_MODES,
  parseRounding,
  parseOverflow,
  parseNanMode,
  type RoundingMode,
  type OverflowMode,
  type NanMode,
} from './codec/modes.js';
export { roundToInteger, stochasticUniform } from './codec/roundToInteger.js';
export {
  encodeFixed,
  encodeFixedTs,
  encodeFixedReference,
  emptyCounts,
  addCounts,
  type EncodeOptions,
  type EncodeCounts,
  type EncodeResult,
  type FloatArray,
} from './codec/encodeFixed.js';
export { decodeFixed, decodeFixedReference, decodeTable } from './codec/decodeFixed.js';

export * as scalarActivations from './activations/scalar.js';
export { parseActivation, ACTIVATION_NAMES, type Activation, type ActivationName } from './activations/registry.js';
export { applyActivation, applyActivationGrad } from './activations/applyActivation.js';

export { tensorStats, TensorStatsAccumulator, type TensorStats } from './analysis/tensorStats.js';

export { readNpy, parseNpy, openNpy, NpyReader, toFloat32, toFloat64, type NpyArray } from './io/readNpy.js';
export { writeNpy, serializeNpy, npyBytes } from './io/writeNpy.js';
export { NPY_DTYPES, DTYPE_NAMES, type NpyDtype, type NpyData } from './io/npyDtype.js';
export { float16BitsToNumber, numberToFloat16Bits } from './io/float16.js';
export { AtomicFileWriter, writeFileAtomic, assertNotInput } from './io/atomicFile.js';

// Integer kernels (TFLite / gemmlowp semantics).
export {
  saturatingRoundingDoublingHighMul,
  roundingDivideByPOT,
  multiplyByQuantizedMultiplier,
  quantizeMultiplier,
  frexp,
  roundHalfAway,
  mul32x32,
  INT32_MIN,
  INT32_MAX,
  type MultiplierRounding,
  type QuantizedMultiplier,
} from './kernels/fixedPointMath.js';
export {
  quantizeAffine,
  dequantizeAffine,
  chooseQuantParams,
  toAffine,
  resolveQuant,
  roundHalfEven,
  DTYPE_RANGE,
  type AffineQuant,
  type QuantLike,
  type QuantDtype,
  type IntCodeArray,
  type QuantizeAffineOptions,
  type AffineOptions,
} from './kernels/affine.js';
export { activationRange, type FusedActivation } from './kernels/activationRange.js';
export { reluClampCodes, cmsisRawRelu6, requantize, relu6Requantize, requantizeMultiplier } from './kernels/elementwise.js';
export { buildLookupTable, applyLookupTable, type LookupTable } from './kernels/lookupTable.js';
export { denseInt8, denseInt8Reference, type DenseInt8Params } from './kernels/dense.js';
export { prepareDenseInt8, PARALLEL_MIN_MACS, type DenseInt8Layer, type DenseInt8LayerParams, type PrepareOptions } from './kernels/preparedDense.js';
export {
  conv2dInt8,
  conv2dInt8Reference,
  depthwiseConv2dInt8,
  depthwiseConv2dInt8Reference,
  type Conv2dInt8Params,
  type DepthwiseConv2dInt8Params,
  type ConvResult,
} from './kernels/conv.js';
export { averagePoolInt8, maxPoolInt8, type PoolInt8Params } from './kernels/pool.js';
export { computePadding, type Padding } from './kernels/padding.js';
export { prepareLayer, type PreparedWeights, type PrepareLayerOptions } from './kernels/prepareLayer.js';
export { denseFloatReference, conv2dFloatReference } from './kernels/floatReference.js';
export type { OutputStage } from './kernels/layerParams.js';

// Analysis: error metrics, calibrators, the report and the bit-split sweep.
export { ErrorAccumulator, type ErrorMetrics } from './analysis/errorMetrics.js';
export { Histogram } from './analysis/histogram.js';
export { CALIBRATORS, parseCalibrator, percentileAmax, mseAmax, entropyAmax, type Calibrator } from './analysis/calibrators.js';
export { defaultSchemes, parseScheme, fixedTop, DEFAULT_SCHEME_NAMES, type Scheme } from './analysis/schemes.js';
export { buildReport, calibrateAmax, type Report, type FileReport, type SchemeResult, type TensorSource, type ReportOptions } from './analysis/report.js';
export { bitSplitSweep, type Sweep, type SweepRow } from './analysis/sweep.js';
export { reportText, reportMarkdown, reportCsv, sweepText, sweepMarkdown, sweepCsv, toJson } from './analysis/formatReport.js';
export { npyTensorSource } from './io/npySource.js';

// Pictures: SVG figures and the self-contained HTML report.
export { renderFigure, simplify, type FigureSpec, type PanelSpec, type Series } from './plot/figure.js';
export { activationFigure, kinks, sampleXs, type ActivationFigureOptions } from './plot/activationFigure.js';
export { staircaseFigure } from './plot/staircaseFigure.js';
export { histogramFigure, histogramOf, DEFAULT_MARKERS, type HistogramFigureOptions } from './plot/histogramFigure.js';
export { sweepFigure } from './plot/sweepFigure.js';
export { htmlReport, type HtmlFigure } from './plot/htmlReport.js';

// Bundles: safetensors, .npz, bit packing, export/import.
export { packBits, unpackBits, packedByteLength } from './codec/bitPack.js';
export { SafetensorsReader, parseSafetensorsHeader, buildSafetensorsHeader, ST_DTYPE_SIZE, MAX_HEADER_BYTES, type SafetensorsEntry, type SafetensorsHeader } from './io/safetensors.js';
export { ZipReader, buildZip, type ZipEntry } from './io/zip.js';
export { readNpz, writeNpz, listNpz } from './io/npz.js';
export { floatTensorsOf, asTensorSource, decodeStFloats, type FloatTensorInput } from './io/floatSources.js';
export { exportBundle, importBundle, openBundle, decodeBundleTensor, verifyTensor, tensorRecord, safeFileName, BUNDLE_VERSION, type TensorRecord, type ExportOptions, type ExportResult, type ImportOptions } from './io/bundle.js';

// WebAssembly SIMD backend.
export { wasmAvailable, setBackend, backend, withBackend, wasmMemoryBytes } from './wasm/runtime.js';
export { allocWasmArray, type WasmArray } from './wasm/wasmArray.js';
