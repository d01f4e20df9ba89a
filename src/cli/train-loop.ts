/**
 * The epoch loop of `convnet train`. It does what model.fit does (shuffle with the library's NumPy
 * generator, one optimizer step per batch, validation per epoch, Keras progress bar), but its position
 * is explicit (epoch, next batch, the generator's state at the epoch's start), so it can stop after any
 * batch, be checkpointed, and continue later with bit-for-bit the same result as a run never stopped.
 */
import type { Tensor } from '../tensor/tensor.js';
import { getState, permutation, setState } from '../tensor/random.js';
import type { LayersModel } from '../models/model.js';
import { BatchBuffer, gatherRows } from '../models/batching.js';
import { ProgressLogger } from '../models/progress.js';
import type { Logs } from '../models/callbacks.js';
import type { LoopState } from './checkpoint.js';
import { yieldToEventLoop } from '../utils/yield.js';

export interface LoopData { x: Tensor; y: Tensor; xVal: Tensor; yVal: Tensor }

export interface LoopOptions {
  batchSize: number;
  epochs: number;
  /** Show the Keras progress bar on stdout. */
  progress: boolean;
  /** Called at every epoch end, and when stopping early, with the state to continue from. */
  checkpoint(state: LoopState): Promise<void>;
  /** Polled after every batch: true ends the loop (after a checkpoint). */
  stopRequested(): boolean;
}

/** Lets signal handlers run between batches, at most every 50 ms (as fit does). */
const YIELD_MS = 50;

export function initialState(): LoopState {
  return { epoch: 0, batch: 0, epochRng: getState(), sums: { loss: 0, acc: 0, seen: 0 }, epochElapsed: 0, history: {}, epochSeconds: [] };
}

/** Trains from `state` to opts.epochs; returns 'stopped' when stopRequested ended it early. */
export async function trainLoop(model: LayersModel, data: LoopData, state: LoopState, opts: LoopOptions): Promise<'done' | 'stopped'> {
  const { x, y, xVal, yVal } = data;
  const n = x.shape[0];
  const { batchSize, epochs } = opts;
  const g = model.trainingGraph();
  const xBuffer = new BatchBuffer(model.input.dtype, batchSize, x.shape.slice(1));
  const yBuffer = new BatchBuffer(y.dtype, batchSize, y.shape.slice(1));
  const progress = opts.progress ? new ProgressLogger(1, epochs, n) : null;
  let lastYield = performance.now();

  while (state.epoch < epochs) {
    // The shuffle of this epoch is drawn from the state saved at its start, so a resumed epoch repeats it.
    setState(state.epochRng);
    const order = permutation(n).data as Int32Array;
    const started = performance.now() - state.epochElapsed * 1000;
    progress?.onEpochBegin(state.epoch);
    if (progress && state.sums.seen > 0) {
      // A resumed epoch: show the part done before the stop as one step of the bar.
      const s = state.sums;
      progress.onBatchEnd(-1, { size: s.seen, loss: s.loss / s.seen, ...(g.accuracy ? { acc: s.acc / s.seen } : {}) });
    }
    const batches = Math.ceil(n / batchSize);
    for (let b = state.batch; b < batches; b++) {
      const start = b * batchSize;
      const count = Math.min(batchSize, n - start);
      gatherRows(x, order, start, count, xBuffer.data);
      gatherRows(y, order, start, count, yBuffer.data);
      const values = model.trainStep(xBuffer.view(count), yBuffer.view(count));
      const logs: Logs = { batch: b, size: count, loss: values[0]!.data[0] };
      // Stop before any checkpoint can store the poisoned weights: the last checkpoint on disk stays good.
      if (!Number.isFinite(logs.loss)) {
        throw new Error(`loss: became ${logs.loss} at epoch ${state.epoch + 1}, batch ${b + 1} (step ${state.epoch * batches + b + 1}); ` +
          'training stopped without saving; the last checkpoint is unchanged. Check the data for NaN or Infinity, or lower the learning rate');
      }
      state.sums.loss += logs.loss * count;
      if (g.accuracy) { logs.acc = values[1]!.data[0]; state.sums.acc += logs.acc * count; }
      state.sums.seen += count;
      state.batch = b + 1;
      progress?.onBatchEnd(b, logs);
      if (performance.now() - lastYield > YIELD_MS) { await yieldToEventLoop(); lastYield = performance.now(); }
      if (opts.stopRequested() && state.batch < batches) {
        state.epochElapsed = (performance.now() - started) / 1000;
        await opts.checkpoint(state);
        return 'stopped';
      }
    }
    const epochLogs: Logs = { loss: state.sums.loss / n };
    if (g.accuracy) epochLogs.acc = state.sums.acc / n;
    if (xVal.shape[0] > 0) {
      const [valLoss, valAcc] = model.evaluateBatches(xVal, yVal, batchSize);
      epochLogs.val_loss = valLoss;
      if (g.accuracy) epochLogs.val_acc = valAcc;
    }
    progress?.onEpochEnd(state.epoch, epochLogs);
    for (const [k, v] of Object.entries(epochLogs)) (state.history[k] ??= []).push(v);
    state.epochSeconds.push((performance.now() - started) / 1000);
    // The next epoch starts from the generator as it is now.
    state.epoch++;
    state.batch = 0;
    state.epochRng = getState();
    state.sums = { loss: 0, acc: 0, seen: 0 };
    state.epochElapsed = 0;
    await opts.checkpoint(state);
    if (opts.stopRequested() && state.epoch < epochs) return 'stopped';
  }
  return 'done';
}
