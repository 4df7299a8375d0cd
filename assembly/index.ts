// Entry point of the wasm build: every kernel plus the generated encoder variants.
export * from './kernels';
export * from './encodeVariants';
