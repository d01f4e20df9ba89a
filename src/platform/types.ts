/**
 * What differs between Node and browsers, in one interface. Modules reach it through the package's
 * `#platform` import (package.json "imports"), which resolves to node.ts under Node and to browser.ts
 * under bundlers' "browser" condition, so no Node built-in is ever imported on the browser path.
 */
import type { WorkerInit } from '../wasm/pool-protocol.js';

/** A pool worker as the pool sees it, whatever the thread API underneath. */
export interface PoolWorkerHandle {
  /** Called once if the worker fails outside a task (it cannot start, or dies). */
  onError(listener: (error: Error) => void): void;
  /** Stops the thread; resolves once it has ended. */
  terminate(): Promise<void>;
}

export type KernelVariant = 'relaxed-simd' | 'simd';

export interface Platform {
  readonly name: 'node' | 'browser';
  /** Threads the pool uses by default (the calling one included). */
  defaultThreads(): number;
  /** Whether this thread may block in Atomics.wait (a page's main thread may not). */
  canBlock(): boolean;
  /** Starts a pool worker running src/wasm/worker-loop.ts on the shared memory. */
  spawnPoolWorker(init: WorkerInit): PoolWorkerHandle;
  /** The built kernel module's bytes, synchronously; null when not available this way. */
  kernelBytes(variant: KernelVariant): Uint8Array<ArrayBuffer> | null;
  /** Raw DEFLATE (zip entries) and zlib streams (PNG), decompression bounded by maxBytes. */
  deflateRaw(data: Uint8Array): Uint8Array;
  inflateRaw(data: Uint8Array, maxBytes: number): Uint8Array;
  zlibDeflate(data: Uint8Array): Uint8Array;
  zlibInflate(data: Uint8Array, maxBytes: number): Uint8Array;
}
