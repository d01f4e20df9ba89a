/**
 * A pool worker's loop: instantiates the kernel module on the shared memory, then runs the tasks the
 * caller posts in its control slot (see pool-protocol.ts) until told to exit. Errors are reported
 * through the slot, never thrown, so the caller cannot hang on a failed task. The thread entries are
 * worker-node.ts (worker_threads) and worker-browser.ts (Web Workers).
 */
import { POOL_KERNELS, moduleImports, type PoolEntry } from './kernel-names.js';
import {
  SLOT_INTS, SEQ, DONE, KERNEL, PARAMS, BEGIN, END, SCRATCH, STATUS, READY, MESSAGE_BYTE, MESSAGE_BYTES,
  STATUS_OK, STATUS_ERROR, KERNEL_EXIT, CLAIM, CLAIM_OPEN, CLAIM_WORKER, EXITED, FAULT, FAULT_EXIT, FAULT_HANG,
  MODE, MODE_SHARED, waitWhileEquals, runSharedJob, type WorkerInit,
} from './pool-protocol.js';

/** The thread's process object where there is one (Node's worker_threads), for its exit hook. */
const workerProcess = (globalThis as { process?: { on?(event: 'exit', listener: () => void): void; exit?(code: number): void } }).process;

/** Runs forever (until told KERNEL_EXIT): the body of every pool worker, Node's or a browser's. */
export function runPoolWorker(init: WorkerInit): void {
  const control = new Int32Array(init.control);
  const bytes = new Uint8Array(init.control);
  const base = init.slot * SLOT_INTS;

  function report(status: number, message: string): void {
    const encoded = new TextEncoder().encode(message).subarray(0, MESSAGE_BYTES - 1);
    const at = base * 4 + MESSAGE_BYTE;
    bytes.fill(0, at, at + MESSAGE_BYTES);
    bytes.set(encoded, at);
    control[base + STATUS] = status;
  }

  // A thread that exits (process.exit inside it) says so, waking a caller that waits for its answer;
  // events cannot reach a caller blocked in Atomics.wait, shared memory can.
  workerProcess?.on?.('exit', () => {
    Atomics.store(control, base + EXITED, 1);
    Atomics.notify(control, base + DONE);
  });

  // Read before announcing READY: the caller posts its first task only after seeing READY.
  let seen = Atomics.load(control, base + SEQ);
  let entries: PoolEntry[] = [];
  try {
    const instance = new WebAssembly.Instance(init.module, moduleImports(init.memory));
    const exports = instance.exports as unknown as Record<string, PoolEntry>;
    entries = POOL_KERNELS.map((name) => exports[name]);
    Atomics.store(control, base + READY, 1);
  } catch (error) {
    report(STATUS_ERROR, `worker start failed: ${(error as Error).message}`);
    Atomics.store(control, base + READY, -1);
  }
  Atomics.notify(control, base + READY);

  /** Test hook (pool.injectWorkerFault): die or hang while holding a claimed task. */
  function simulateFault(fault: number): void {
    if (fault === FAULT_EXIT) workerProcess?.exit?.(1);
    if (fault === FAULT_HANG) for (;;) Atomics.wait(control, base + FAULT, fault);
  }

  while (entries.length > 0) {
    waitWhileEquals(control, base + SEQ, seen);
    seen = Atomics.load(control, base + SEQ);
    if (control[base + KERNEL] === KERNEL_EXIT) break;
    // The caller may have taken the task already (it finished its own chunk before this thread woke).
    // The task's fields are read only after winning the claim: they may belong to a newer task.
    if (Atomics.compareExchange(control, base + CLAIM, CLAIM_OPEN, CLAIM_WORKER) === CLAIM_OPEN) {
      const kernel = control[base + KERNEL];
      simulateFault(control[base + FAULT]);
      try {
        if (control[base + MODE] === MODE_SHARED) runSharedJob(control, entries[kernel], control[base + PARAMS], control[base + SCRATCH]);
        else entries[kernel](control[base + PARAMS], control[base + BEGIN], control[base + END], control[base + SCRATCH]);
        control[base + STATUS] = STATUS_OK;
      } catch (error) {
        report(STATUS_ERROR, `${POOL_KERNELS[kernel] ?? kernel}: ${(error as Error).message}`);
      }
    }
    Atomics.store(control, base + DONE, seen);
    Atomics.notify(control, base + DONE);
  }
}
