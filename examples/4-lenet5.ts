/**
 * Spec task 4: LeNet-5 (modified) built from graph ops, without the Keras-style model API.
 *   conv 6@5×5 same relu → max pool 2×2/2 → conv 16@5×5 valid relu → max pool 2×2/2 → flatten
 *   → dense 120 relu → dense 84 relu → dense 10 softmax; every kernel he_normal.
 * The loss is the softmax cross-entropy of the pre-softmax logits (fused and stable), trained with Adam.
 */
import * as ops from '../src/api/ops.js';
import * as layers from '../src/layers/index.js';
import * as train from '../src/train/index.js';
import { softmaxCrossEntropy } from '../src/train/losses.js';
import type { Operation, SymbolicTensor } from '../src/graph/symbolic.js';

/**
 * x: placeholder (m, 28, 28, 1) images; y: (m, 10) one-hot labels.
 * Returns [softmax output, Adam train op, loss, accuracy].
 */
export function lenet5(x: SymbolicTensor, y: SymbolicTensor): [SymbolicTensor, Operation, SymbolicTensor, SymbolicTensor] {
  const init = 'heNormal';
  let a = layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init }).apply(x);
  a = layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(a);
  a = layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu', kernelInitializer: init }).apply(a);
  a = layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(a);
  a = layers.flatten().apply(a);
  a = layers.dense({ units: 120, activation: 'relu', kernelInitializer: init }).apply(a);
  a = layers.dense({ units: 84, activation: 'relu', kernelInitializer: init }).apply(a);
  const logits = layers.dense({ units: 10, kernelInitializer: init }).apply(a);
  const yPred = ops.softmax(logits);
  const loss = softmaxCrossEntropy(y, logits);
  const trainOp = train.adam().minimize(loss);
  const correct = ops.equal(ops.argMax(y, 1), ops.argMax(yPred, 1));
  const accuracy = ops.mean(ops.cast(correct, 'float32'));
  return [yPred, trainOp, loss, accuracy];
}
