/**
 * fit(): Keras 2.2's training loop on arrays. Every argument is checked before the first step; then each
 * epoch shuffles with the library's NumPy generator (so random.seed makes runs repeat), runs the Session's
 * compiled train plan per batch (the last partial batch included), and evaluates the validation data in batches.
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape-util.js';
import { permutation } from '../tensor/random.js';
import { checkOptions, intOption } from './options.js';
import { Callback, Logs, TrainedModel, checkCallbacks, runHook } from './callbacks.js';
import { History } from './history.js';
import { ProgressLogger } from './progress.js';
import { BatchBuffer, gatherRows, rowsView } from './batching.js';
import { HasInput, prepareInputs, prepareLabels } from './data-checks.js';
import type { TrainingGraph } from './compile.js';
import { yieldToEventLoop } from '../utils/yield.js';

export interface FitArgs {
  batchSize?: number;
  epochs?: number;
  verbose?: 0 | 1 | 2;
  callbacks?: Callback | Callback[];
  validationSplit?: number;
  validationData?: [Tensor, Tensor];
  shuffle?: boolean;
  initialEpoch?: number;
}

const FIT_OPTIONS = ['batchSize', 'epochs', 'verbose', 'callbacks', 'validationSplit', 'validationData', 'shuffle', 'initialEpoch'];

/** What the loop needs from the model. */
export interface Trainable extends TrainedModel, HasInput {
  trainingGraph(): TrainingGraph;
  trainStep(xBatch: Tensor, yBatch: Tensor): (Tensor | null)[];
  evaluateBatches(xs: Tensor, ys: Tensor, batchSize: number): number[];
}

/** Lets timers and signal handlers run between batches, at most every 50 ms (costs nothing measurable). */
const YIELD_MS = 50;

export async function fitModel(model: Trainable, x: Tensor, y: Tensor, args?: FitArgs): Promise<History> {
  const a = checkOptions('args', args, FIT_OPTIONS);
  const batchSize = intOption('batchSize', a.batchSize, 32, 1);
  const epochs = intOption('epochs', a.epochs, 1, 0);
  const initialEpoch = intOption('initialEpoch', a.initialEpoch, 0, 0);
  const verbose = a.verbose ?? 1;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new Error(`verbose: expected 0, 1 or 2, got ${describe(a.verbose)}`);
  const shuffle = a.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new Error(`shuffle: expected true or false, got ${describe(a.shuffle)}`);
  const split = a.validationSplit ?? 0;
  if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new Error(`validationSplit: expected a number in [0, 1), got ${describe(a.validationSplit)}`);
  const callbacks = checkCallbacks(a.callbacks);

  const xAll = prepareInputs(model, x, 'x'); // first: a Sequential without inputShape builds from x's shape
  const g = model.trainingGraph();
  const yAll = prepareLabels(g, y, xAll.shape[0], 'y');
  let xTrain = xAll, yTrain = yAll;
  let xVal: Tensor | null = null, yVal: Tensor | null = null;
  if (a.validationData !== undefined) {
    const vd = a.validationData;
    if (!Array.isArray(vd) || vd.length !== 2) throw new Error(`validationData: expected [xValid, yValid], got ${describe(vd)}`);
    xVal = prepareInputs(model, vd[0], 'validationData[0]');
    yVal = prepareLabels(g, vd[1], xVal.shape[0], 'validationData[1]');
    if (xVal.shape[0] === 0) throw new Error('validationData[0]: expected at least one validation sample, got 0 (a mean over no samples is undefined)');
  } else if (split > 0) {
    // Keras takes the last fraction of the data, before any shuffling.
    const n = xAll.shape[0];
    const at = Math.floor(n * (1 - split));
    if (at === 0 || at === n) throw new Error(`validationSplit: ${split} of ${n} samples leaves ${at === 0 ? 'no training' : 'no validation'} samples`);
    xTrain = rowsView(xAll, 0, at); yTrain = rowsView(yAll, 0, at);
    xVal = rowsView(xAll, at, n - at); yVal = rowsView(yAll, at, n - at);
  }
  const n = xTrain.shape[0];
  if (n === 0) throw new Error('x: expected at least one training sample, got 0');

  const history = new History();
  history.params = { epochs, initialEpoch, samples: n, batchSize, verbose, doValidation: xVal !== null, metrics: g.accuracy ? ['loss', 'acc'] : ['loss'] };
  const all: Callback[] = [];
  if (verbose > 0) all.push(new ProgressLogger(verbose as 1 | 2, epochs, n));
  all.push(...callbacks, { onEpochEnd: (epoch, logs) => history.record(epoch, logs) });
  model.stopTraining = false;
  for (const cb of all) cb.setModel?.(model);

  if (verbose > 0) console.log(xVal ? `Train on ${n} samples, validate on ${xVal.shape[0]} samples` : `Train on ${n} samples`);
  // A batch never holds more than the n samples there are (Keras allows batchSize > n): size the buffers so.
  const bufferRows = Math.min(batchSize, n);
  const xBuffer = new BatchBuffer(model.input.dtype, bufferRows, xTrain.shape.slice(1));
  const yBuffer = new BatchBuffer(yTrain.dtype, bufferRows, yTrain.shape.slice(1));
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  let lastYield = performance.now();
  let step = initialEpoch * Math.ceil(n / batchSize) + 1; // 1-based, counted across epochs

  await runHook(all, 'onTrainBegin', {});
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    await runHook(all, 'onEpochBegin', epoch, {});
    const order = shuffle ? permutation(n).data as Int32Array : identity;
    let lossSum = 0, accSum = 0;
    for (let start = 0, batch = 0; start < n; start += batchSize, batch++) {
      const count = Math.min(batchSize, n - start);
      gatherRows(xTrain, order, start, count, xBuffer.data);
      gatherRows(yTrain, order, start, count, yBuffer.data);
      const values = model.trainStep(xBuffer.view(count), yBuffer.view(count));
      const logs: Logs = { batch, size: count, loss: values[0]!.data[0] };
      // Like Keras' TerminateOnNaN, but an Error: a NaN loss poisons every weight in one step, and the epoch
      // never ends, so no epoch-end checkpoint can save the poisoned weights over good ones.
      if (!Number.isFinite(logs.loss)) {
        throw new Error(`loss: became ${logs.loss} at epoch ${epoch + 1}, batch ${batch + 1} (step ${step}); training stopped. ` +
          'Check x and y for NaN or Infinity, or lower the learning rate; the weights of this model are no longer usable');
      }
      step++;
      lossSum += logs.loss * count;
      if (g.accuracy) { logs.acc = values[1]!.data[0]; accSum += logs.acc * count; }
      await runHook(all, 'onBatchEnd', batch, logs);
      if (performance.now() - lastYield > YIELD_MS) { await yieldToEventLoop(); lastYield = performance.now(); }
    }
    const epochLogs: Logs = { loss: lossSum / n };
    if (g.accuracy) epochLogs.acc = accSum / n;
    if (xVal && yVal) {
      const [valLoss, valAcc] = model.evaluateBatches(xVal, yVal, batchSize);
      epochLogs.val_loss = valLoss;
      if (g.accuracy) epochLogs.val_acc = valAcc;
    }
    await runHook(all, 'onEpochEnd', epoch, epochLogs);
  }
  await runHook(all, 'onTrainEnd', {});
  return history;
}
