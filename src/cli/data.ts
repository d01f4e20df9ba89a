/**
 * The data a command works on: MNIST (the default, split 50k/10k/10k like the spec's MNIST.npz) or a
 * user's .npz with the spec's keys (X_train, Y_train, X_valid, Y_valid, X_test, Y_test) or Keras's
 * (x_train, y_train, x_test, y_test). Images become float32 in [0, 1] (integer pixels are byte / 256,
 * as loadMnist scales them), labels int32 class indices.
 */
import * as fs from 'node:fs';
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape-util.js';
import { sliceRows } from '../tensor/indexing.js';
import { loadMnist } from '../data/mnist.js';
import { loadNpz } from '../io/npz.js';
import type { LayersModel } from '../models/model.js';
import { toCategorical } from '../utils/index.js';

export interface Dataset {
  xTrain: Tensor; yTrain: Tensor;
  xValid: Tensor; yValid: Tensor;
  xTest: Tensor; yTest: Tensor;
  /** 'MNIST' or the .npz path. */
  source: string;
}

const SPEC_KEYS = ['X_train', 'Y_train', 'X_valid', 'Y_valid', 'X_test', 'Y_test'];
const KERAS_KEYS = ['x_train', 'y_train', 'x_test', 'y_test'];
/** Keras's mnist.npz has no validation split: hold out the last 10,000 training images (as MNIST's 50k/10k). */
const HELD_OUT = 10000;

export async function loadDataset(dataPath?: string): Promise<Dataset> {
  if (dataPath === undefined) {
    const m = await loadMnist();
    return { xTrain: m.xTrain, yTrain: m.yTrain, xValid: m.xValid, yValid: m.yValid, xTest: m.xTest, yTest: m.yTest, source: 'MNIST' };
  }
  if (!fs.existsSync(dataPath)) throw new Error(`--data: no such file ${dataPath}`);
  const arrays = await loadNpz(dataPath);
  const keys = Object.keys(arrays);
  const has = (k: string) => k in arrays;
  let d: Omit<Dataset, 'source'>;
  if (SPEC_KEYS.every(has)) {
    d = {
      xTrain: images(arrays.X_train, 'X_train'), yTrain: labels(arrays.Y_train, 'Y_train'),
      xValid: images(arrays.X_valid, 'X_valid'), yValid: labels(arrays.Y_valid, 'Y_valid'),
      xTest: images(arrays.X_test, 'X_test'), yTest: labels(arrays.Y_test, 'Y_test'),
    };
  } else if (KERAS_KEYS.every(has)) {
    const x = images(arrays.x_train, 'x_train'), y = labels(arrays.y_train, 'y_train');
    const n = x.shape[0];
    const hold = Math.min(HELD_OUT, Math.floor(n / 6));
    d = {
      xTrain: sliceRows(x, 0, n - hold), yTrain: sliceRows(y, 0, n - hold),
      xValid: sliceRows(x, n - hold), yValid: sliceRows(y, n - hold),
      xTest: images(arrays.x_test, 'x_test'), yTest: labels(arrays.y_test, 'y_test'),
    };
  } else {
    throw new Error(`--data: ${dataPath} has keys ${keys.join(', ') || '(none)'}; expected ${SPEC_KEYS.join(', ')} (the spec's MNIST.npz) or ${KERAS_KEYS.join(', ')} (Keras's mnist.npz)`);
  }
  for (const [x, y, name] of [[d.xTrain, d.yTrain, 'train'], [d.xValid, d.yValid, 'valid'], [d.xTest, d.yTest, 'test']] as const) {
    if (x.shape[0] !== y.shape[0]) throw new Error(`--data: ${dataPath} has ${x.shape[0]} ${name} images but ${y.shape[0]} labels`);
  }
  return { ...d, source: dataPath };
}

/** (n, h, w) or (n, h, w, c) images as float32; integer pixels are bytes, scaled by 1/256. */
function images(t: Tensor, key: string): Tensor {
  if (t.rank !== 3 && t.rank !== 4) throw new Error(`--data: ${key} expected images of shape (n, h, w) or (n, h, w, c), got ${formatShape(t.shape)}`);
  if (t.dtype === 'float32') return t;
  if (t.dtype === 'float64') return t.astype('float32');
  const out = new Float32Array(t.size);
  for (let i = 0; i < out.length; i++) out[i] = t.data[i] / 256;
  return new Tensor(out, t.shape);
}

/** Class indices (n,) int32, from (n,) integers or (n, k) one-hot rows. */
function labels(t: Tensor, key: string): Tensor {
  if (t.rank === 2 && t.shape[1] > 1) {
    const [n, k] = t.shape;
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (t.data[i * k + j] > t.data[i * k + best]) best = j;
      out[i] = best;
    }
    return new Tensor(out, [n]);
  }
  const flat = t.rank === 2 ? t.reshape([t.shape[0]]) : t;
  if (flat.rank !== 1) throw new Error(`--data: ${key} expected labels of shape (n,) or one-hot (n, classes), got ${formatShape(t.shape)}`);
  for (let i = 0; i < flat.size; i++) {
    const v = flat.data[i];
    if (!(Number.isInteger(v) && v >= 0)) throw new Error(`--data: ${key} expected non-negative integer class labels, got ${v} at index ${i}`);
  }
  return flat.dtype === 'int32' ? flat : flat.astype('int32');
}

/** The first `limit` rows of every split (all of them when limit is undefined). */
export function limitDataset(d: Dataset, limit: number | undefined): Dataset {
  if (limit === undefined) return d;
  const cut = (t: Tensor) => sliceRows(t, 0, limit);
  return {
    xTrain: cut(d.xTrain), yTrain: cut(d.yTrain), xValid: cut(d.xValid), yValid: cut(d.yValid),
    xTest: cut(d.xTest), yTest: cut(d.yTest), source: d.source,
  };
}

/** The model's per-sample input shape, e.g. [28, 28, 1]. */
export function sampleShape(model: LayersModel): number[] {
  return model.input.shape.slice(1) as number[];
}

/** Images reshaped to what the model takes ((n, 28, 28) gets its channel axis), or a clear Error. */
export function imagesForModel(model: LayersModel, x: Tensor, what: string): Tensor {
  const want = sampleShape(model);
  const have = x.shape.slice(1);
  const size = have.reduce((a, b) => a * b, 1);
  const wantSize = want.reduce((a, b) => a * b, 1);
  const sameImage = have[0] === want[0] && have[1] === want[1] && size === wantSize;
  if (!sameImage) {
    throw new Error(`${what}: the model takes images of shape ${formatShape(want)}, the data has ${formatShape(have)}`);
  }
  return x.reshape([x.shape[0], ...want]);
}

/** The number of classes the model outputs. */
export function classCount(model: LayersModel): number {
  const shape = model.output.shape;
  if (shape.length !== 2 || shape[1] === null) throw new Error(`model: expected a (batch, classes) output, the model's is ${formatShape(shape.map((d) => d ?? -1))}`);
  return shape[1];
}

/** Labels as the model's loss wants them: one-hot rows for categorical cross-entropy, indices for the sparse one. */
export function labelsForModel(model: LayersModel, y: Tensor, what: string): Tensor {
  const classes = classCount(model);
  let max = 0;
  for (let i = 0; i < y.size; i++) if (y.data[i] > max) max = y.data[i];
  if (max >= classes) throw new Error(`${what}: the data has class label ${max}, the model outputs only ${classes} classes`);
  return model.trainingGraph().sparse ? y : toCategorical(y, classes);
}
