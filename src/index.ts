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
