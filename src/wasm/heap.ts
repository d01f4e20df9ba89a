/**
 * A first-fit allocator over the shared wasm memory, kept on the JavaScript side (the module has no
 * allocator, so every thread's instance sees the same heap). Blocks are 64-byte aligned: SIMD loads
 * and cache lines. Address 0 is never handed out, so kernels can use 0 for "none".
 */
import { ensureMemoryBytes, f32View, getRuntime, isResident } from './runtime.js';

const ALIGN = 64;
const HEAP_START = 1024;

interface Block { start: number; size: number }

/** Free blocks sorted by address; neighbours are merged on free. */
const free: Block[] = [];
const live = new Map<number, number>();
let top = HEAP_START;

const roundUp = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** Allocate `bytes` bytes (contents undefined); returns the address. */
export function allocBytes(bytes: number): number {
  getRuntime();
  const size = roundUp(Math.max(bytes, 1));
  for (let i = 0; i < free.length; i++) {
    const block = free[i];
    if (block.size < size) continue;
    const start = block.start;
    if (block.size === size) free.splice(i, 1);
    else { block.start += size; block.size -= size; }
    live.set(start, size);
    return start;
  }
  const start = top;
  ensureMemoryBytes(start + size);
  top = start + size;
  live.set(start, size);
  return start;
}

export function freeBytes(ptr: number): void {
  const size = live.get(ptr);
  if (size === undefined) throw new Error(`ptr: expected a live wasm allocation, got ${ptr}`);
  live.delete(ptr);
  let lo = 0, hi = free.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (free[mid].start < ptr) lo = mid + 1; else hi = mid; }
  free.splice(lo, 0, { start: ptr, size });
  // Merge with the next block, then with the previous one.
  if (lo + 1 < free.length && free[lo].start + free[lo].size === free[lo + 1].start) {
    free[lo].size += free[lo + 1].size;
    free.splice(lo + 1, 1);
  }
  if (lo > 0 && free[lo - 1].start + free[lo - 1].size === free[lo].start) {
    free[lo - 1].size += free[lo].size;
    free.splice(lo, 1);
    lo--;
  }
  // A free block at the top returns to the untouched region.
  const last = free[free.length - 1];
  if (last && last.start + last.size === top) { top = last.start; free.pop(); }
}

/** Bytes currently allocated (for leak tests and the bench). */
export function allocatedBytes(): number {
  let total = 0;
  for (const size of live.values()) total += size;
  return total;
}

const finalizer = new FinalizationRegistry<number>((ptr) => { if (live.has(ptr)) freeBytes(ptr); });

/**
 * A Float32Array of n elements living in wasm memory (zero-filled). Kernels given such a view
 * use it in place, without copying. It is freed when garbage-collected, or at once by wasmFree.
 */
export function wasmAlloc(n: number): Float32Array {
  if (!Number.isInteger(n) || n < 0) throw new Error(`n: expected a non-negative integer, got ${n}`);
  const ptr = allocBytes(n * 4);
  const view = f32View(ptr, n);
  view.fill(0);
  finalizer.register(view, ptr, view);
  return view;
}

/** Free a view from wasmAlloc now; using it afterwards is undefined. */
export function wasmFree(view: Float32Array): void {
  finalizer.unregister(view);
  freeBytes(view.byteOffset);
}

/**
 * Moves a float32 tensor's contents into wasm memory, in place: its `data` becomes a resident view
 * holding the same values, so kernels read and write it without staging copies. Other dtypes and
 * tensors already resident are left alone. Used on buffers that live for many steps (a variable's
 * value, an optimizer's moments), whose Tensor object is what plans hold, never the array itself.
 */
export function makeResident(t: { readonly data: ArrayLike<number> }): void {
  const data = t.data;
  if (!(data instanceof Float32Array) || isResident(data)) return;
  const view = wasmAlloc(data.length);
  view.set(data);
  (t as { data: Float32Array }).data = view;
}
