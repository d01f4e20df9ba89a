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

/**
 * Node 20's V8 (11.3) implements relaxed SIMD but keeps it behind --experimental-wasm-relaxed-simd;
 * V8 11.4+ ships it on. The flag only gates validation of the new opcodes, so turning it on at run
 * time is safe, and fused multiply-add makes the GEMM ~40% faster here (28 -> 40 GFLOP/s on 512³).
 * Reached through process.getBuiltinModule (Node >= 20.16), so browsers never see a Node import.
 * CONVNET_WASM_SIMD=plain keeps the plain-SIMD build (benchmarks compare the two).
 */
function enableRelaxedSimdFlag(): boolean {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return false;
  const v8 = proc.getBuiltinModule('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
  if (typeof v8?.setFlagsFromString !== 'function') return false;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return true;
}

function plainRequested(): boolean {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.CONVNET_WASM_SIMD === 'plain';
}

/** The first variant whose bytes exist and validate on this runtime. */
function pickBytes(): { bytes: Uint8Array<ArrayBuffer>; variant: KernelVariant } | null {
  if (typeof WebAssembly !== 'object' || !sharedMemorySupported()) return null;
  for (const variant of VARIANTS) {
    if (variant === 'relaxed-simd' && plainRequested()) continue;
    const bytes = platform.kernelBytes(variant);
    if (!bytes) continue;
    if (WebAssembly.validate(bytes)) return { bytes, variant };
    if (variant === 'relaxed-simd' && enableRelaxedSimdFlag() && WebAssembly.validate(bytes)) return { bytes, variant };
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
