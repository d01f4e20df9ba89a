/**
 * A persistent pool of worker_threads sharing the kernel module's memory. A call splits its work
 * items into contiguous chunks: chunk 0 runs on the calling thread, the others are handed to workers
 * through a shared control block (Atomics, no postMessage), and the caller spins briefly then sleeps
 * until they are done. Workers never keep the process alive. Threads come from the platform
 * (worker_threads in Node, Web Workers in browsers).
 */
import { platform } from '#platform';
import type { PoolWorkerHandle } from '../platform/types.js';
import { getRuntime, tryRuntime } from './runtime.js';
import { allocBytes, freeBytes } from './heap.js';
import { POOL_KERNELS, type PoolKernel } from './kernel-names.js';
import {
  SLOT_INTS, SEQ, DONE, KERNEL, PARAMS, BEGIN, END, SCRATCH, STATUS, READY, MESSAGE_BYTE, MESSAGE_BYTES,
  STATUS_ERROR, KERNEL_EXIT, CLAIM, CLAIM_OPEN, CLAIM_CALLER, EXITED, FAULT, FAULT_EXIT, FAULT_HANG,
  MODE, MODE_CHUNK, MODE_SHARED, MAX_WORKERS, CONTROL_INTS, JOB_NEXT, JOB_TOTAL, JOB_GRAIN,
  waitWhileEquals, runSharedJob, type WorkerInit,
} from './pool-protocol.js';

/** Longest wait for a worker to instantiate the module. */
const START_TIMEOUT_MS = 30000;

// A page that is not cross-origin isolated has no SharedArrayBuffer; it runs one thread, and this
// block is then never shared.
const controlBuffer = typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(CONTROL_INTS * 4) : new ArrayBuffer(CONTROL_INTS * 4);
const control = new Int32Array(controlBuffer);
const controlBytes = new Uint8Array(control.buffer);

interface PoolWorker {
  worker: PoolWorkerHandle; slot: number; ready: boolean;
  /** When the oldest task this worker has not yet answered was posted (performance.now()), or -1. */
  unansweredSince: number;
}

/**
 * How long a caller waits for a worker that claimed a task before declaring it dead: at least this,
 * and at least WORKER_TIMEOUT_FACTOR times what the caller's own chunk took (chunks are equal shares).
 */
let workerTimeoutMs = 5000;
const WORKER_TIMEOUT_FACTOR = 50;
/** Slices of Atomics.wait between checks of a worker's EXITED word and the deadline. */
const WAIT_SLICE_MS = 50;
/** Pieces of a shared job per thread (parallelFor). */
const PIECES_PER_THREAD = 4;

let threads = Math.max(1, Math.min(platform.defaultThreads(), MAX_WORKERS + 1));
const workers: PoolWorker[] = [];
/** Per-thread scratch (index 0 = calling thread): address and size in bytes. */
const scratch: { ptr: number; bytes: number }[] = [];

/** Threads used by kernels, the calling one included. */
export function getThreads(): number {
  return threads;
}

/**
 * Use n threads (the calling one included). Surplus workers are stopped; missing ones start now in
 * the background if the kernel module is loaded, else at the first parallel call.
 */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS + 1) {
    throw new Error(`n: expected an integer thread count in [1, ${MAX_WORKERS + 1}], got ${n}`);
  }
  if (n > 1 && !platform.canBlock()) {
    throw new Error(`n: this thread cannot wait for workers (a page's main thread may not block), so it runs 1 thread; got ${n}. Run convnet in a Web Worker to use threads`);
  }
  if (n > 1 && typeof SharedArrayBuffer !== 'function') {
    throw new Error(`n: threads need SharedArrayBuffer (a cross-origin-isolated page: COOP/COEP headers), so this runs 1 thread; got ${n}`);
  }
  threads = n;
  while (workers.length > n - 1) stopWorker(workers.pop()!);
  if (tryRuntime()) spawnMissing();
}

/** Control slots not in use; a stopped worker's slot returns only once its thread has ended. */
const freeSlots = Array.from({ length: MAX_WORKERS }, (_, i) => MAX_WORKERS - 1 - i);

function stopWorker(w: PoolWorker): void {
  const base = w.slot * SLOT_INTS;
  control[base + KERNEL] = KERNEL_EXIT;
  Atomics.add(control, base + SEQ, 1);
  Atomics.notify(control, base + SEQ);
  void w.worker.terminate().finally(() => freeSlots.push(w.slot));
}

function startWorker(): PoolWorker {
  const rt = getRuntime();
  const slot = freeSlots.pop();
  if (slot === undefined) throw new Error(`wasm pool: expected a free worker slot (at most ${MAX_WORKERS}), found none`);
  const base = slot * SLOT_INTS;
  control.fill(0, base, base + SLOT_INTS);
  const workerData: WorkerInit = { module: rt.module, memory: rt.memory, control: controlBuffer as SharedArrayBuffer, slot };
  const worker = platform.spawnPoolWorker(workerData);
  // A worker that dies outside a task (it never should) is noted; its next task reports an error.
  worker.onError(() => { Atomics.store(control, base + READY, -1); Atomics.notify(control, base + READY); });
  const entry: PoolWorker = { worker, slot, ready: false, unansweredSince: -1 };
  // A thread that ended while still in the pool (stopped from outside, crashed) is seen at its next
  // task instead of after the unanswered-task timeout. Not after our own stop: the slot may be reused.
  worker.onExit(() => { if (workers.includes(entry)) Atomics.store(control, base + EXITED, 1); });
  return entry;
}

function readMessage(slot: number): string {
  const at = slot * SLOT_INTS * 4 + MESSAGE_BYTE;
  const raw = controlBytes.slice(at, at + MESSAGE_BYTES);
  const end = raw.indexOf(0);
  return new TextDecoder().decode(raw.subarray(0, end < 0 ? raw.length : end));
}

/**
 * Whether a worker has instantiated the module; never blocks. Workers start in the background
 * (~70 ms), and until one is ready its share of the work runs on the calling thread, so no call
 * ever waits for a start-up (which may itself need this thread's event loop).
 */
function isReady(w: PoolWorker): boolean {
  if (!w.ready) w.ready = Atomics.load(control, w.slot * SLOT_INTS + READY) === 1;
  return w.ready;
}

function spawnMissing(): void {
  while (workers.length < threads - 1) workers.push(startWorker());
}

/**
 * Resolves once every worker of the current thread count is running (or has failed to start; its
 * share then keeps running on the calling thread). Benchmarks await this before timing.
 */
export async function whenReady(timeoutMs = START_TIMEOUT_MS): Promise<number> {
  if (threads > 1) getRuntime();
  spawnMissing();
  const deadline = Date.now() + timeoutMs;
  const settled = (w: PoolWorker) => Atomics.load(control, w.slot * SLOT_INTS + READY) !== 0;
  while (!workers.every(settled) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  return readyWorkers();
}

/** Workers running and able to take work now. */
export function readyWorkers(): number {
  return workers.filter(isReady).length;
}

/** Scratch addresses for threads 0 .. count-1, each at least `floats` floats. */
export function threadScratch(count: number, floats: number): number[] {
  const bytes = floats * 4;
  const out: number[] = [];
  for (let t = 0; t < count; t++) {
    let s = scratch[t];
    if (!s || s.bytes < bytes) {
      if (s) freeBytes(s.ptr);
      // Some headroom, so slowly growing shapes do not reallocate every call.
      const size = Math.ceil(bytes * 1.25) + 64;
      s = scratch[t] = { ptr: allocBytes(size), bytes: size };
    }
    out.push(s.ptr);
  }
  return out;
}

/** Split [0, total) into at most `parts` contiguous chunks whose sizes are multiples of `align` (but the last). */
export function splitWork(total: number, parts: number, align = 1): number[] {
  const units = Math.ceil(total / align);
  const chunks = Math.max(1, Math.min(parts, units));
  const bounds = [0];
  for (let c = 1; c < chunks; c++) bounds.push(Math.min(total, Math.round((units * c) / chunks) * align));
  bounds.push(total);
  return bounds;
}

let retiredWorkers = 0;

/** How many workers were found dead or unresponsive and replaced since the process started. */
export function retiredWorkerCount(): number {
  return retiredWorkers;
}

/**
 * A worker that died or stopped answering: it leaves the pool (its thread is stopped) and a fresh
 * one starts in the background; until that one is ready, its share runs on the calling thread.
 */
function retire(w: PoolWorker): void {
  retiredWorkers++;
  const i = workers.indexOf(w);
  if (i >= 0) workers.splice(i, 1);
  stopWorker(w);
  if (threads > 1) spawnMissing();
}

/**
 * Whether a worker left earlier tasks unanswered (the caller ran them) for longer than the timeout:
 * it is dead (stopped from outside) or hopelessly starved. It holds no task (a task it had claimed
 * would have been waited for), so retiring it is safe.
 */
function isStalled(w: PoolWorker, now: number): boolean {
  const base = w.slot * SLOT_INTS;
  if (Atomics.load(control, base + EXITED) === 1) return true;
  if (Atomics.load(control, base + DONE) === Atomics.load(control, base + SEQ)) { w.unansweredSince = -1; return false; }
  return w.unansweredSince >= 0 && now - w.unansweredSince > workerTimeoutMs;
}

/** Worker `w` gets a task; returns false (nothing posted) when it is not ready or was just retired. */
function post(w: PoolWorker | undefined, mode: number, id: number, params: number, begin: number, end: number, scratchPtr: number, now: number): w is PoolWorker {
  if (!w || !isReady(w)) return false;
  if (isStalled(w, now)) { retire(w); return false; }
  const base = w.slot * SLOT_INTS;
  control[base + MODE] = mode;
  control[base + KERNEL] = id;
  control[base + PARAMS] = params;
  control[base + BEGIN] = begin;
  control[base + END] = end;
  control[base + SCRATCH] = scratchPtr;
  control[base + STATUS] = 0;
  Atomics.store(control, base + CLAIM, CLAIM_OPEN);
  Atomics.add(control, base + SEQ, 1);
  Atomics.notify(control, base + SEQ);
  if (w.unansweredSince < 0) w.unansweredSince = now;
  return true;
}

/**
 * After the caller's own share: takes back each posted task no worker has claimed (running it here
 * via `runHere`, if given), then waits for the workers that claimed theirs. Returns the first failure.
 */
function collect(
  posted: { w: PoolWorker; t: number }[], kernel: PoolKernel, startedAt: number,
  runHere: ((t: number) => Error | null) | null, failure: Error | null,
): Error | null {
  const claimed: PoolWorker[] = [];
  for (const { w, t } of posted) {
    if (Atomics.compareExchange(control, w.slot * SLOT_INTS + CLAIM, CLAIM_OPEN, CLAIM_CALLER) === CLAIM_OPEN) {
      const error = runHere?.(t) ?? null;
      failure ??= error;
    } else {
      claimed.push(w);
    }
  }
  const ownDone = performance.now();
  const timeoutMs = Math.max(workerTimeoutMs, WORKER_TIMEOUT_FACTOR * (ownDone - startedAt));
  // Collect every worker that claimed work, even after a failure here, so none is still writing when we return.
  for (const w of claimed) {
    const error = awaitWorker(w, kernel, timeoutMs);
    if (error) { failure ??= error; retire(w); }
  }
  noteWait(ownDone - startedAt, performance.now() - ownDone);
  return failure;
}

let waitTotalMs = 0, ownTotalMs = 0;

/** Time the calling thread spent on its own share of parallel calls, and waiting for workers after it (profiling). */
export function poolWaitStats(): { ownMs: number; waitMs: number } {
  return { ownMs: ownTotalMs, waitMs: waitTotalMs };
}

function noteWait(ownMs: number, waitMs: number): void {
  ownTotalMs += ownMs;
  waitTotalMs += waitMs;
}

/** The Error a failure (a trap) inside `kernel` surfaces as: the kernel named, then the runtime's message. */
function kernelError(kernel: PoolKernel, error: unknown): Error {
  return new Error(`${kernel}: ${(error as Error).message}`);
}

/**
 * Runs kernel on items [begin, end) on this thread. Returns its failure rather than throwing, so a
 * chunk taken back inside collect() cannot have its Error overwritten by collect's result (it was:
 * a trap there went unreported).
 */
function runOnThisThread(
  rt: ReturnType<typeof getRuntime>, kernel: PoolKernel, params: number, begin: number, end: number, scratch: number,
): Error | null {
  try {
    rt.exports[kernel](params, begin, end, scratch);
    return null;
  } catch (error) {
    return kernelError(kernel, error);
  }
}

/**
 * Run kernel(params, bounds[t], bounds[t+1], scratch[t]) for every chunk t: chunk 0 on this thread,
 * the others posted to workers. Once its own chunk is done the caller takes back every posted chunk no
 * worker has claimed yet (a descheduled, slow-to-wake or dead worker costs at most the serial time),
 * then waits for the claimed ones. A failure in any chunk, or a worker that exits or does not answer
 * within the timeout while holding a chunk, throws here (that worker is replaced); it never hangs.
 * For kernels whose chunks must stay fixed (per-thread partial sums); others use runShared.
 */
export function runChunks(kernel: PoolKernel, params: number, bounds: number[], scratchPtrs: number[]): void {
  const rt = getRuntime();
  const chunks = bounds.length - 1;
  if (chunks > threads) throw new Error(`bounds: expected at most ${threads} chunks, got ${chunks}`);
  if (chunks === 1) {
    // Work kept on this thread (most of a training step's small kernels): no hand-off to set up.
    const failure = runOnThisThread(rt, kernel, params, bounds[0], bounds[1], scratchPtrs[0]);
    if (failure) throw failure;
    return;
  }
  if (chunks > 1) spawnMissing();
  const id = POOL_KERNELS.indexOf(kernel);
  const posted: { w: PoolWorker; t: number }[] = [];
  const mine = [0];
  const startedAt = performance.now();
  for (let t = 1; t < chunks; t++) {
    const w = workers[t - 1];
    if (post(w, MODE_CHUNK, id, params, bounds[t], bounds[t + 1], scratchPtrs[t], startedAt)) posted.push({ w, t });
    else mine.push(t);
  }
  const runHere = (t: number) => runOnThisThread(rt, kernel, params, bounds[t], bounds[t + 1], scratchPtrs[t]);
  let failure: Error | null = null;
  for (const t of mine) failure ??= runHere(t);
  failure = collect(posted, kernel, startedAt, runHere, failure);
  if (failure) throw failure;
}

/**
 * Run work items [0, total) of `kernel` on scratchPtrs.length threads sharing one queue: each thread
 * (this one included) takes `grain` items at a time until none is left, so a thread that is
 * descheduled or slow leaves its share to the others instead of holding up the call; at the end the
 * caller waits only for pieces already under way. Items must write disjoint outputs.
 */
export function runShared(kernel: PoolKernel, params: number, total: number, grain: number, scratchPtrs: number[]): void {
  const rt = getRuntime();
  const parts = scratchPtrs.length;
  if (parts > threads) throw new Error(`scratchPtrs: expected at most ${threads} threads, got ${parts}`);
  if (parts > 1) spawnMissing();
  const id = POOL_KERNELS.indexOf(kernel);
  control[JOB_TOTAL] = total;
  control[JOB_GRAIN] = Math.max(1, grain);
  Atomics.store(control, JOB_NEXT, 0);
  const posted: { w: PoolWorker; t: number }[] = [];
  const startedAt = performance.now();
  for (let t = 1; t < parts; t++) {
    const w = workers[t - 1];
    if (post(w, MODE_SHARED, id, params, 0, 0, scratchPtrs[t], startedAt)) posted.push({ w, t });
  }
  let failure: Error | null = null;
  try {
    runSharedJob(control, rt.exports[kernel], params, scratchPtrs[0]);
  } catch (error) {
    failure = kernelError(kernel, error);
  }
  // Unclaimed workers have nothing left to do: the queue is empty (or the call has failed).
  failure = collect(posted, kernel, startedAt, null, failure);
  if (failure) throw failure;
}

/** Waits for a worker's answer to its latest task; an Error if it failed, exited or timed out. */
function awaitWorker(w: PoolWorker, kernel: PoolKernel, timeoutMs: number): Error | null {
  const base = w.slot * SLOT_INTS;
  const seq = Atomics.load(control, base + SEQ);
  const deadline = performance.now() + timeoutMs;
  // Read DONE once per round and sleep only while it still holds that stale value: reading it twice
  // (once to test, once to wait on) could wait on the very value that means "done", forever.
  for (let done = Atomics.load(control, base + DONE); done !== seq; done = Atomics.load(control, base + DONE)) {
    if (Atomics.load(control, base + EXITED) === 1) {
      return new Error(`wasm worker ${w.slot}: its thread exited while running ${kernel}; it was replaced, the call's output is incomplete`);
    }
    const left = deadline - performance.now();
    if (left <= 0) {
      return new Error(`wasm worker ${w.slot}: expected ${kernel} to finish within ${Math.round(timeoutMs)} ms, got no answer; the worker was stopped and replaced, the call's output is incomplete`);
    }
    waitWhileEquals(control, base + DONE, done, Math.min(left, WAIT_SLICE_MS));
  }
  w.unansweredSince = -1;
  if (control[base + STATUS] === STATUS_ERROR) return new Error(`wasm worker ${w.slot}: ${readMessage(w.slot)}`);
  return null;
}

/**
 * The least time a caller waits for a worker holding a chunk before declaring it dead (default
 * 5000 ms; tests shorten it); returns the previous value.
 */
export function setWorkerTimeout(ms: number): number {
  if (!(ms > 0)) throw new Error(`ms: expected a positive number of milliseconds, got ${ms}`);
  const previous = workerTimeoutMs;
  workerTimeoutMs = ms;
  return previous;
}

/**
 * Test hook: worker `index` (0-based among running workers) exits or hangs right after claiming its
 * next task ('exit' ends its thread with process.exit, 'hang' blocks it forever), or is stopped from
 * outside now ('terminate'). Returns false when there is no such worker.
 */
export function injectWorkerFault(index: number, fault: 'exit' | 'hang' | 'terminate'): boolean {
  const w = workers[index];
  if (!w) return false;
  if (fault === 'terminate') { void w.worker.terminate(); return true; }
  Atomics.store(control, w.slot * SLOT_INTS + FAULT, fault === 'exit' ? FAULT_EXIT : FAULT_HANG);
  return true;
}

/**
 * Run `total` work items of `kernel`, on as many threads as pay off: work estimated under
 * `serialBelow` (in the kernel's cost units) stays on the calling thread.
 */
export function parallelFor(
  kernel: PoolKernel, params: number, total: number,
  options: { cost: number; serialBelow: number; align?: number; scratchFloats?: number; piecesPerThread?: number },
): number[] {
  const align = options.align ?? 1;
  const parts = options.cost < options.serialBelow ? 1 : Math.min(threads, Math.ceil(total / align));
  const ptrs = threadScratch(parts, options.scratchFloats ?? 0);
  if (parts <= 1) {
    runChunks(kernel, params, [0, total], ptrs);
    return ptrs;
  }
  // A few pieces per thread: small enough that a stalled thread's share moves to the others, large
  // enough that per-piece costs (a kernel call, packing a shared operand) stay small.
  const pieces = parts * (options.piecesPerThread ?? PIECES_PER_THREAD);
  const grain = Math.max(align, Math.ceil(total / pieces / align) * align);
  runShared(kernel, params, total, grain, ptrs);
  return ptrs;
}
