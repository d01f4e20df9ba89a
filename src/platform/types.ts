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
  /** Called once when the thread has ended, for whatever reason (where the platform can tell). */
  onExit(listener: () => void): void;
  /** Stops the thread; resolves once it has ended. */
  terminate(): Promise<void>;
}

/** The file system, where there is one (Node). Paths are the platform's own. */
export interface FileAccess {
  readFile(path: string): Promise<Uint8Array>;
  readFileSync(path: string): Uint8Array;
  /** Temporary file + fsync + rename: a reader sees the old file or the new one, never a part. */
  writeFileAtomic(path: string, bytes: Uint8Array): Promise<void>;
  writeFileAtomicSync(path: string, bytes: Uint8Array): void;
  mkdirs(dir: string): void;
  /** Creates dir and writes, flushes and removes `bytes` bytes there; an Error naming argName if it cannot. */
  probeWritable(dir: string, bytes: number, argName: string): void;
  join(...parts: string[]): string;
  dirname(path: string): string;
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
  /** Whether to try the relaxed-SIMD build (the user may ask for plain SIMD, e.g. to compare). */
  wantRelaxedSimd(): boolean;
  /** Switches relaxed SIMD on where the runtime has it behind a flag; false where it cannot. */
  enableRelaxedSimd(): boolean;
  /** The built kernel module's bytes, synchronously; null when not available this way. */
  kernelBytes(variant: KernelVariant): Uint8Array<ArrayBuffer> | null;
  /** Null in browsers: there, bytes come from fetch, IndexedDB or the user. */
  readonly files: FileAccess | null;
  /** Raw DEFLATE (zip entries) and zlib streams (PNG), decompression bounded by maxBytes. */
  deflateRaw(data: Uint8Array): Uint8Array;
  inflateRaw(data: Uint8Array, maxBytes: number): Uint8Array;
  zlibDeflate(data: Uint8Array): Uint8Array;
  zlibInflate(data: Uint8Array, maxBytes: number): Uint8Array;
}
