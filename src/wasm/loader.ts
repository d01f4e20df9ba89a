/**
 * Finds and compiles the kernel module built by scripts/build-wasm.mjs. The relaxed-SIMD build (fused
 * multiply-add) is taken when this runtime validates it, the plain-SIMD build otherwise; without
 * WebAssembly SIMD, or without a build, there is no module and the reference kernels run.
 * Synchronous by default (kernels are sync, and Node compiles any module synchronously); `ready()`
 * compiles asynchronously first, which browsers prefer on a page's main thread.
 */
import { platform } from '#platform';
import type { KernelVariant } from '../platform/types.js';

export interface LoadedModule {
  module: WebAssembly.Module;
  variant: KernelVariant;
}

/** Most capable first. */
const VARIANTS: readonly KernelVariant[] = ['relaxed-simd', 'simd'];

let cached: LoadedModule | null | undefined;

/** Shared memories need SharedArrayBuffer (cross-origin isolation in browsers; always in Node). */
function sharedMemorySupported(): boolean {
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/** The first variant whose bytes exist and validate on this runtime. */
function pickBytes(): { bytes: Uint8Array<ArrayBuffer>; variant: KernelVariant } | null {
  if (typeof WebAssembly !== 'object' || !sharedMemorySupported()) return null;
  for (const variant of VARIANTS) {
    if (variant === 'relaxed-simd' && !platform.wantRelaxedSimd()) continue;
    const bytes = platform.kernelBytes(variant);
    if (!bytes) continue;
    if (WebAssembly.validate(bytes)) return { bytes, variant };
    // Node 20 has relaxed SIMD behind a flag: switch it on and try again.
    if (variant === 'relaxed-simd' && platform.enableRelaxedSimd() && WebAssembly.validate(bytes)) return { bytes, variant };
  }
  return null;
}

export function loadKernelModule(): LoadedModule | null {
  if (cached !== undefined) return cached;
  const picked = pickBytes();
  cached = picked ? { module: new WebAssembly.Module(picked.bytes), variant: picked.variant } : null;
  return cached;
}

/** Compiles the kernel module without blocking; afterwards loadKernelModule() returns at once. */
export async function loadKernelModuleAsync(): Promise<LoadedModule | null> {
  if (cached !== undefined) return cached;
  const picked = pickBytes();
  const module = picked ? await WebAssembly.compile(picked.bytes) : null;
  if (cached === undefined) cached = module && picked ? { module, variant: picked.variant } : null;
  return cached;
}
