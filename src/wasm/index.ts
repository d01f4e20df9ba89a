/** The WebAssembly backend's public surface (re-exported from the package root by the lead). */
export { setThreads, getThreads } from './pool.js';
export { wasmAlloc, wasmFree, makeResident, allocatedBytes as wasmAllocatedBytes } from './heap.js';
export { isResident } from './runtime.js';
export * as wasmKernels from './kernels.js';
