/**
 * `await cn.ready()`: load the WebAssembly kernels and start the pool's threads before the first
 * kernel needs them. Optional in Node (everything also starts on first use); in browsers it compiles
 * the module without blocking the page and lets the workers start before training begins.
 */
import { platform } from '#platform';
import { loadKernelModuleAsync } from '../wasm/loader.js';
import { tryRuntime } from '../wasm/runtime.js';
import { getThreads, readyWorkers, whenReady } from '../wasm/pool.js';
import { getBackend } from '../kernels/backend.js';

export interface BackendInfo {
  /** The kernels ops run on. */
  backend: 'wasm' | 'reference';
  /** Threads kernels use (the calling one included) and how many are running now. */
  threads: number;
  threadsRunning: number;
  /** The WebAssembly build in use, or null with the reference backend. */
  simd: 'relaxed-simd' | 'simd' | null;
  platform: 'node' | 'browser';
  /** In browsers, whether the page may share memory with workers (COOP/COEP); always true in Node. */
  crossOriginIsolated: boolean;
}

export function getBackendInfo(): BackendInfo {
  const backend = getBackend();
  const runtime = backend === 'wasm' ? tryRuntime() : null;
  const g = globalThis as { crossOriginIsolated?: boolean };
  return {
    backend,
    threads: backend === 'wasm' ? getThreads() : 1,
    threadsRunning: backend === 'wasm' ? 1 + readyWorkers() : 1,
    simd: (runtime?.variant as BackendInfo['simd']) ?? null,
    platform: platform.name,
    crossOriginIsolated: platform.name === 'node' ? true : g.crossOriginIsolated === true,
  };
}

export async function ready(): Promise<BackendInfo> {
  await loadKernelModuleAsync();
  if (tryRuntime() && getBackend() === 'wasm' && getThreads() > 1) await whenReady();
  return getBackendInfo();
}
