/**
 * Finds and compiles the kernel module built by scripts/build-wasm.mjs (dist/wasm/). The relaxed-SIMD
 * build (fused multiply-add) is taken when this runtime validates it, the plain-SIMD build otherwise;
 * without WebAssembly SIMD, or without a build, there is no module and the reference kernels run.
 * Synchronous on purpose: Node compiles modules of any size synchronously, and kernels are sync.
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface LoadedModule {
  module: WebAssembly.Module;
  variant: 'relaxed-simd' | 'simd';
}

/** dist/src/wasm/loader.js → dist/wasm/ */
const WASM_DIR = new URL('../../wasm/', import.meta.url);

let cached: LoadedModule | null | undefined;

function readIfValid(file: string): Uint8Array<ArrayBuffer> | null {
  const path = fileURLToPath(new URL(file, WASM_DIR));
  if (!existsSync(path)) return null;
  const bytes = new Uint8Array(readFileSync(path));
  return WebAssembly.validate(bytes) ? bytes : null;
}

/** Shared memories need SharedArrayBuffer (cross-origin isolation in browsers; always in Node). */
function sharedMemorySupported(): boolean {
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

export function loadKernelModule(): LoadedModule | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (typeof WebAssembly !== 'object' || !sharedMemorySupported()) return cached;
  const relaxed = readIfValid('kernels-relaxed.wasm');
  if (relaxed) return (cached = { module: new WebAssembly.Module(relaxed), variant: 'relaxed-simd' });
  const simd = readIfValid('kernels-simd.wasm');
  if (simd) return (cached = { module: new WebAssembly.Module(simd), variant: 'simd' });
  return cached;
}
