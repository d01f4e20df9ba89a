/**
 * Ready-made models. lenet5 is spec task 5's LeNet-5 (modified), with the Keras-style layers API:
 *   conv 6@5×5 same relu → max pool 2×2/2 → conv 16@5×5 valid relu → max pool 2×2/2 → flatten
 *   → dense 120 relu → dense 84 relu → dense 10 softmax; every kernel he_normal.
 * Returned compiled with Adam (default hyperparameters), categorical cross-entropy and accuracy.
 * The weights are drawn from the library's random stream: seed it first (cn.random.seed) to repeat a run.
 */
import * as layers from '../layers/index.js';
import type { SymbolicTensor } from '../graph/symbolic.js';
import { input } from './input.js';
import { model, type LayersModel } from './model.js';

/** X: the network's input, cn.input({shape: [28, 28, 1]}) by default. */
export function lenet5(X: SymbolicTensor = input({ shape: [28, 28, 1] })): LayersModel {
  const init = 'heNormal';
  let a = layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init }).apply(X);
  a = layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(a);
  a = layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu', kernelInitializer: init }).apply(a);
  a = layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(a);
  a = layers.flatten().apply(a);
  a = layers.dense({ units: 120, activation: 'relu', kernelInitializer: init }).apply(a);
  a = layers.dense({ units: 84, activation: 'relu', kernelInitializer: init }).apply(a);
  const Y = layers.dense({ units: 10, activation: 'softmax', kernelInitializer: init }).apply(a);
  const m = model({ inputs: X, outputs: Y });
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}
