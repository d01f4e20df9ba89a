/** An MNIST subset: a small conv model trained with fit() on 2,000 images (4 epochs) beats 90% on 1,000 held-out images. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as random from '../src/tensor/random.js';
import * as layers from '../src/layers/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { rowsView } from '../src/models/batching.js';
import { input, model } from '../src/models/index.js';
import { toCategorical } from '../src/utils/index.js';
import { lenet5 } from '../examples/5-lenet5.js';

test('a small conv model learns 2,000 MNIST images well enough for > 90% on 1,000 validation images', async () => {
  random.seed(0);
  const mnist = await loadMnist();
  const x = rowsView(mnist.xTrain, 0, 2000).reshape([-1, 28, 28, 1]);
  const y = toCategorical(rowsView(mnist.yTrain, 0, 2000), 10);
  const xv = rowsView(mnist.xValid, 0, 1000).reshape([-1, 28, 28, 1]);
  const yv = toCategorical(rowsView(mnist.yValid, 0, 1000), 10);
  const X = input({ shape: [28, 28, 1] });
  let a = layers.conv2d({ filters: 8, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }).apply(X);
  a = layers.maxPooling2d({ poolSize: 2 }).apply(a);
  a = layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu', kernelInitializer: 'heNormal' }).apply(a);
  a = layers.maxPooling2d({ poolSize: 2 }).apply(a);
  a = layers.flatten().apply(a);
  a = layers.dense({ units: 10, activation: 'softmax', kernelInitializer: 'heNormal' }).apply(a);
  const m = model({ inputs: X, outputs: a });
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const h = await m.fit(x, y, { epochs: 4, batchSize: 32, validationData: [xv, yv], verbose: 0 });
  const valAcc = h.history.val_acc[3];
  assert.ok(valAcc > 0.9, `validation accuracy ${valAcc}`);
  console.log(`# MNIST subset: validation accuracy ${valAcc}`);
  assert.ok(h.history.loss[3] < h.history.loss[0]);
  assert.deepEqual(m.evaluate(xv, yv).map((v) => v.toFixed(6)), [h.history.val_loss[3], valAcc].map((v) => v.toFixed(6)));
});

test('examples/5-lenet5: the spec\'s layers, compiled with Adam and accuracy, 61,706 parameters', () => {
  const m = lenet5(input({ shape: [28, 28, 1] }));
  assert.deepEqual(m.layers.map((l) => l.className), ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense', 'Dense']);
  const configs = m.layers.map((l) => l.getConfig());
  assert.deepEqual([configs[0].filters, configs[0].kernel_size, configs[0].padding, configs[0].activation], [6, [5, 5], 'same', 'relu']);
  assert.deepEqual([configs[1].pool_size, configs[1].strides], [[2, 2], [2, 2]]);
  assert.deepEqual([configs[2].filters, configs[2].kernel_size, configs[2].padding, configs[2].activation], [16, [5, 5], 'valid', 'relu']);
  assert.deepEqual([5, 6, 7].map((i) => [configs[i].units, configs[i].activation]), [[120, 'relu'], [84, 'relu'], [10, 'softmax']]);
  for (const i of [0, 2, 5, 6, 7]) assert.equal((configs[i].kernel_initializer as { class_name: string }).class_name, 'HeNormal');
  assert.equal(m.countParams(), 61706);
  const c = m.compiled!;
  assert.equal(c.loss, 'categoricalCrossentropy');
  assert.ok(c.accuracy);
  assert.equal(c.optimizer.constructor.name, 'AdamOptimizer');
});
