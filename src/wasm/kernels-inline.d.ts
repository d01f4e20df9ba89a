/**
 * dist/src/wasm/kernels-inline.js is written by scripts/inline-wasm.mjs after the kernels are built:
 * the .wasm files as base64, for the browser build, which cannot read files. A variant that was not
 * built is absent.
 */
export declare const KERNELS_BASE64: Partial<Record<'relaxed-simd' | 'simd', string>>;
