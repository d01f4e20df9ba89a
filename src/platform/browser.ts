/**
 * The platform in browsers: Web Workers (module workers) for the pool, fflate for DEFLATE, and the
 * kernel module inlined in the bundle (scripts/inline-wasm.mjs), so nothing needs a URL to start.
 * Threads need a cross-origin-isolated page (SharedArrayBuffer), and blocking waits are not allowed
 * on a page's main thread, so the pool is one thread there and in non-isolated pages.
 */
import { deflateSync, inflateSync, unzlibSync, zlibSync } from 'fflate';
import type { WorkerInit } from '../wasm/pool-protocol.js';
import type { KernelVariant, Platform, PoolWorkerHandle } from './types.js';
import { KERNELS_BASE64 } from '../wasm/kernels-inline.js';

/** A page's main thread (as opposed to a worker) has a document. */
function onMainThread(): boolean {
  return typeof (globalThis as { document?: unknown }).document !== 'undefined';
}

function isolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

function spawnPoolWorker(init: WorkerInit): PoolWorkerHandle {
  // Written as one expression so bundlers (Vite, webpack) see the worker and emit it as a chunk.
  const worker = new Worker(new URL('../wasm/worker-browser.js', import.meta.url), { type: 'module' });
  worker.postMessage(init);
  return {
    onError(listener) {
      worker.addEventListener('error', (e) => listener(new Error(e.message || 'pool worker failed to start')));
    },
    // A Web Worker ends only when terminated (by the pool) or with its page: there is no exit event.
    onExit() {},
    async terminate() {
      worker.terminate();
    },
  };
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Decompress into a buffer one byte larger than allowed: filling it means the data inflates past the bound. */
function boundedInflate(run: (out: Uint8Array) => Uint8Array, maxBytes: number): Uint8Array {
  const out = run(new Uint8Array(maxBytes + 1));
  if (out.length > maxBytes) throw new Error(`inflates to more than ${maxBytes} bytes`);
  return out;
}

export const platform: Platform = {
  name: 'browser',
  defaultThreads() {
    if (onMainThread() || !isolated()) return 1;
    return Math.max(1, (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1);
  },
  canBlock: () => !onMainThread(),
  spawnPoolWorker,
  files: null,
  wantRelaxedSimd: () => true,
  // A browser has relaxed SIMD or not; a page cannot switch engine flags.
  enableRelaxedSimd: () => false,
  kernelBytes(variant: KernelVariant) {
    const text = KERNELS_BASE64[variant];
    return text ? fromBase64(text) : null;
  },
  deflateRaw: (data) => deflateSync(data),
  inflateRaw: (data, maxBytes) => boundedInflate((out) => inflateSync(data, { out }), maxBytes),
  zlibDeflate: (data) => zlibSync(data),
  zlibInflate: (data, maxBytes) => boundedInflate((out) => unzlibSync(data, { out }), maxBytes),
};
