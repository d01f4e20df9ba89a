/**
 * The one shared WebAssembly.Memory, the calling thread's instance of the kernel module on it, and
 * helpers to read and write it. Everything is created on first use.
 */
import { loadKernelModule } from './loader.js';
import { moduleImports, type KernelExports } from './kernel-names.js';
import type { KernelVariant } from '../platform/types.js';

/** Must not exceed the maximum the module declares (scripts/build-wasm.mjs). */
export const MAXIMUM_PAGES = 32768;
const INITIAL_PAGES = 64;
export const PAGE_BYTES = 65536;

export interface Runtime {
  memory: WebAssembly.Memory;
  module: WebAssembly.Module;
  exports: KernelExports;
  variant: KernelVariant;
}

let runtime: Runtime | null | undefined;

/** Null when WebAssembly SIMD or the built module is missing. */
export function tryRuntime(): Runtime | null {
  if (runtime !== undefined) return runtime;
  const loaded = loadKernelModule();
  if (!loaded) return (runtime = null);
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const instance = new WebAssembly.Instance(loaded.module, moduleImports(memory));
  runtime = { memory, module: loaded.module, exports: instance.exports as unknown as KernelExports, variant: loaded.variant };
  return runtime;
}

export function getRuntime(): Runtime {
  const rt = tryRuntime();
  if (!rt) throw new Error('wasm backend: expected a built kernel module (run node scripts/build-wasm.mjs) and WebAssembly SIMD, found none');
  return rt;
}

/**
 * Views of the whole memory. A shared memory's buffer never detaches when it grows: old views stay
 * valid, they just do not reach the new pages, so these are refreshed when the size changes.
 */
let views: { bytes: number; f32: Float32Array; i32: Int32Array; u32: Uint32Array } | null = null;
const ourBuffers = new WeakSet<ArrayBufferLike>();

export function memoryViews(): { f32: Float32Array; i32: Int32Array; u32: Uint32Array } {
  const buffer = getRuntime().memory.buffer;
  if (!views || views.bytes !== buffer.byteLength) {
    ourBuffers.add(buffer);
    views = { bytes: buffer.byteLength, f32: new Float32Array(buffer), i32: new Int32Array(buffer), u32: new Uint32Array(buffer) };
  }
  return views;
}

/** A Float32Array over [ptr, ptr + 4n) of wasm memory. */
export function f32View(ptr: number, n: number): Float32Array {
  const buffer = getRuntime().memory.buffer;
  ourBuffers.add(buffer);
  return new Float32Array(buffer, ptr, n);
}

/** True when `a` is a view into the shared wasm memory (its byteOffset is then a wasm address). */
export function isResident(a: ArrayBufferView): boolean {
  return ourBuffers.has(a.buffer);
}

/** Grow the memory so that at least `bytes` bytes exist. */
export function ensureMemoryBytes(bytes: number): void {
  const memory = getRuntime().memory;
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  const havePages = have / PAGE_BYTES;
  // Grow by at least half again, so a growing workload does not grow page by page.
  const wantPages = Math.max(Math.ceil(bytes / PAGE_BYTES), Math.ceil(havePages * 1.5));
  const pages = Math.min(wantPages, MAXIMUM_PAGES);
  if (pages * PAGE_BYTES < bytes) {
    throw new Error(`wasm memory: expected at most ${MAXIMUM_PAGES * PAGE_BYTES} bytes, needed ${bytes}`);
  }
  memory.grow(pages - havePages);
}
