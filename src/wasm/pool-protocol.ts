/**
 * The layout of the control block shared by the calling thread and each worker (an Int32Array over a
 * SharedArrayBuffer, one SLOT_INTS-int slot per worker). The caller fills a task, opens CLAIM, bumps
 * SEQ and notifies. Whoever wins CLAIM (compare-exchange) runs the task: the worker when it wakes in
 * time, else the caller once its own chunk is done, so a descheduled or dead worker never stalls a
 * call. The worker then writes STATUS (if it ran the task), sets DONE = SEQ and notifies back.
 */
export const SLOT_INTS = 64;
export const SEQ = 0;
export const DONE = 1;
export const KERNEL = 2;
export const PARAMS = 3;
export const BEGIN = 4;
export const END = 5;
export const SCRATCH = 6;
export const STATUS = 7;
export const READY = 8;
/** Who runs the posted task: CLAIM_OPEN until the worker or the caller takes it. */
export const CLAIM = 9;
/** Set to 1 by a worker's exit hook (process.exit inside it), so a waiting caller sees it at once. */
export const EXITED = 10;
/** Test hook: a fault the worker simulates after claiming its next task (FAULT_EXIT, FAULT_HANG). */
export const FAULT = 11;
/** MODE_CHUNK: run [BEGIN, END). MODE_SHARED: take GRAIN-sized pieces of the shared job until none is left. */
export const MODE = 12;
export const MODE_CHUNK = 0;
export const MODE_SHARED = 1;

/** Worker slots in the control block; one more slot after them holds the shared job. */
export const MAX_WORKERS = 64;
/** The shared job (MODE_SHARED): threads take [NEXT, NEXT + GRAIN) by Atomics.add on NEXT until TOTAL. */
export const JOB = MAX_WORKERS * SLOT_INTS;
export const JOB_NEXT = JOB;
export const JOB_TOTAL = JOB + 1;
export const JOB_GRAIN = JOB + 2;
export const CONTROL_INTS = JOB + SLOT_INTS;
/** Error text of a failed task, UTF-8, from this byte of the slot to its end. */
export const MESSAGE_BYTE = 64;
export const MESSAGE_BYTES = SLOT_INTS * 4 - MESSAGE_BYTE;

export const STATUS_OK = 0;
export const STATUS_ERROR = 1;
export const CLAIM_OPEN = 0;
export const CLAIM_WORKER = 1;
export const CLAIM_CALLER = 2;
export const FAULT_NONE = 0;
export const FAULT_EXIT = 1;
export const FAULT_HANG = 2;
/** KERNEL value that tells a worker to leave its loop. */
export const KERNEL_EXIT = -1;

/**
 * How long a waiting thread polls before sleeping in Atomics.wait, in microseconds. Waking a thread
 * asleep in Atomics.wait takes ~50 µs on this 2-core KVM box, and a LeNet step has serial stretches of
 * up to ~200 µs between its parallel calls, so a worker that slept after a short spin reached every
 * call late: with 2,000 polls (~20-35 µs) the caller ran 54% of a conv's pieces (the worker started
 * ~50 µs late each call). 300 µs covers the gaps inside a step; a thread idle longer than that sleeps.
 */
export const SPIN_MICROS = 300;
/** Polls between clock reads while spinning (reading the clock costs more than a poll). */
const POLLS_PER_CLOCK_READ = 64;

export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  slot: number;
}

/** Spin for up to spinMicros, then sleep, until control[index] differs from `value`. */
export function waitWhileEquals(control: Int32Array, index: number, value: number, timeoutMs = Infinity, spinMicros = SPIN_MICROS): boolean {
  const spinEnd = performance.now() + spinMicros / 1000;
  do {
    for (let i = 0; i < POLLS_PER_CLOCK_READ; i++) if (Atomics.load(control, index) !== value) return true;
  } while (performance.now() < spinEnd);
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(control, index) === value) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    Atomics.wait(control, index, value, Math.min(left, 1000));
  }
  return true;
}

/**
 * Runs pieces of the shared job until none is left (every thread of a MODE_SHARED call does this).
 * A piece that throws stops this thread's share; the others finish the rest.
 */
export function runSharedJob(
  control: Int32Array, entry: (params: number, begin: number, end: number, scratch: number) => void,
  params: number, scratch: number,
): void {
  const total = control[JOB_TOTAL], grain = control[JOB_GRAIN];
  for (let i = Atomics.add(control, JOB_NEXT, grain); i < total; i = Atomics.add(control, JOB_NEXT, grain)) {
    entry(params, i, Math.min(i + grain, total), scratch);
  }
}
