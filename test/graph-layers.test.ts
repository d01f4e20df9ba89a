/** Graph-form layers: Keras names, configs, output shapes, weights, eager and graph application. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as layers from '../src/layers/index.js';
import { tensor, Tensor } from '../src/tensor/tensor.js';
import { placeholder } from '../src/graph/symbolic.js';
import { Session } from '../src/graph/session.js';
import * as random from '../src/tensor/random.js';

test('layers get Keras-style unique names: conv2d, conv2d_1, …; explicit names are kept', () => {
  const a = layers.conv2d({ filters: 2, kernelSize: 3 });
  const b = layers.conv2d({ filters: 2, kernelSize: 3 });
  assert.match(a.name, /^conv2d(_\d+)?$/);
  const n = (s: string) => (s === 'conv2d' ? 0 : Number(s.split('_').pop()));
  assert.equal(n(b.name), n(a.name) + 1);
  assert.match(layers.maxPooling2d().name, /^max_pooling2d(_\d+)?$/);
  assert.match(layers.averagePooling2d().name, /^average_pooling2d(_\d+)?$/);
  assert.match(layers.flatten().name, /^flatten(_\d+)?$/);
  assert.match(layers.dense({ units: 3 }).name, /^dense(_\d+)?$/);
  assert.equal(layers.dense({ units: 3, name: 'logits' }).name, 'logits');
});

test('computeOutputShape and apply on a placeholder create variables shaped from the input', () => {
  const x = placeholder('float32', [null, 28, 28, 1]);
  const conv = layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' });
  assert.deepEqual(conv.computeOutputShape([null, 28, 28, 1]), [null, 28, 28, 6]);
  const c = conv.apply(x);
  assert.deepEqual(c.shape, [null, 28, 28, 6]);
  assert.deepEqual(conv.getWeights().map((w) => w.shape), [[5, 5, 1, 6], [6]]);
  assert.equal(conv.kernel!.name, `${conv.name}/kernel`);
  const pool = layers.maxPooling2d({ poolSize: [2, 2], strides: 2 });
  const p = pool.apply(c);
  assert.deepEqual(p.shape, [null, 14, 14, 6]);
  const valid = layers.conv2d({ filters: 16, kernelSize: [5, 5], strides: [1, 1] }).apply(p);
  assert.deepEqual(valid.shape, [null, 10, 10, 16]);
  const f = layers.flatten().apply(layers.averagePooling2d({ poolSize: 2 }).apply(valid));
  assert.deepEqual(f.shape, [null, 400]);
  const dense = layers.dense({ units: 120, activation: 'relu', kernelInitializer: 'heNormal' });
  assert.deepEqual(dense.apply(f).shape, [null, 120]);
  assert.equal(dense.countParams(), 400 * 120 + 120);
  assert.throws(() => dense.apply(placeholder('float32', [null, 300])), /inputs: dense.* was built for 400 features, got shape \[null, 300\]/);
  assert.throws(() => layers.dense({ units: 3 }).apply(placeholder('float32', [null])), /inputs: dense.* expects rank >= 2 \(batch, …, features\), got shape \[null\]/);
  assert.throws(() => layers.dense({ units: 3 }).apply(placeholder('float32', [null, null, 4])), /needs known dimensions between the batch and the features, got shape \[null, null, 4\]/);
  assert.throws(() => layers.dense({ units: 3 }).apply(placeholder('float32', [null, 4, null])), /needs a known feature \(last\) dimension/);
  assert.throws(() => layers.conv2d({ filters: 0, kernelSize: 3 }), /filters: expected a positive integer, got number 0/);
  assert.throws(() => layers.conv2d({ filters: 1, kernelSize: [3] as never }), /kernelSize: expected a positive integer or a pair/);
  assert.throws(() => layers.conv2d({ filters: 1, kernelSize: 3, activation: 'gelu' as never }), /activation: expected one of linear, relu/);
  assert.throws(() => layers.maxPooling2d({ padding: 'full' as never }), /padding: expected 'same' or 'valid'/);
});

test('getConfig uses Keras snake_case keys', () => {
  const conv = layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' });
  const c = conv.getConfig();
  assert.equal(c.name, conv.name);
  assert.equal(c.filters, 6);
  assert.deepEqual(c.kernel_size, [5, 5]);
  assert.deepEqual(c.strides, [1, 1]);
  assert.equal(c.padding, 'same');
  assert.equal(c.activation, 'relu');
  assert.equal(c.use_bias, true);
  assert.deepEqual(c.kernel_initializer, { class_name: 'HeNormal', config: { seed: null } });
  assert.deepEqual(c.bias_initializer, { class_name: 'Zeros', config: {} });
  const p = layers.maxPooling2d({ poolSize: 2, strides: 2 }).getConfig();
  assert.deepEqual([p.pool_size, p.strides, p.padding], [[2, 2], [2, 2], 'valid']);
  const d = layers.dense({ units: 10, activation: 'softmax' }).getConfig();
  assert.deepEqual([d.units, d.activation, d.use_bias], [10, 'softmax', true]);
  assert.deepEqual(d.kernel_initializer, { class_name: 'GlorotUniform', config: { seed: null } });
});

test('setWeights then eager apply computes x·W + b with the activation; the graph gives the same', () => {
  const dense = layers.dense({ units: 2, activation: 'relu' });
  const x = tensor([[1, 2, 3], [-1, 0, 1]]);
  dense.apply(x); // builds
  dense.setWeights([tensor([[1, 0], [0, 1], [1, -1]]), tensor([0.5, -10])]);
  const eager = dense.apply(x) as Tensor;
  assert.deepEqual(eager.toArray(), [[4.5, 0], [0.5, 0]]);
  const ph = placeholder('float32', [null, 3]);
  const viaGraph = new Session().run(dense.apply(ph), [[ph, x]])!;
  assert.deepEqual(viaGraph.toArray(), eager.toArray());
  assert.throws(() => dense.setWeights([tensor([1])]), /weights: dense.* expects 2 tensors/);
  assert.throws(() => dense.setWeights([tensor([1]), tensor([1, 2])]), /weight 0 .* expects shape \[3, 2\], got Tensor float32 \[1\]/);
});

test('dense on rank-3 inputs applies one kernel at every position (Keras): eagerly, in a graph, per row', () => {
  random.seed(5);
  const dense = layers.dense({ units: 3, activation: 'softmax' });
  const ph = placeholder('float32', [null, 4, 5]);
  const y = dense.apply(ph);
  assert.deepEqual(y.shape, [null, 4, 3]);
  assert.deepEqual(dense.getWeights().map((w) => w.shape), [[5, 3], [3]]);
  dense.setWeights([(random.randn(5, 3) as Tensor).astype('float32'), tensor([0.1, -0.2, 0.3]).astype('float32')]);
  const x = (random.randn(2, 4, 5) as Tensor).astype('float32');
  const eager = dense.apply(x) as Tensor;
  assert.deepEqual(eager.shape, [2, 4, 3]);
  const [w, b] = dense.getWeights().map((t) => t.data);
  for (let r = 0; r < 8; r++) {
    // softmax(x[r]·W + b) for row r of the (8, 5) view
    const z = [0, 1, 2].map((j) => b[j] + [0, 1, 2, 3, 4].reduce((s, k) => s + x.data[r * 5 + k] * w[k * 3 + j], 0));
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const sum = e.reduce((s, v) => s + v, 0);
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(eager.data[r * 3 + j] - e[j] / sum) < 1e-6, `row ${r} unit ${j}: ${eager.data[r * 3 + j]} vs ${e[j] / sum}`);
  }
  const viaGraph = new Session().run(y, [[ph, x]])!;
  assert.deepEqual(viaGraph.shape, [2, 4, 3]);
  for (let i = 0; i < viaGraph.size; i++) assert.ok(Math.abs(viaGraph.data[i] - eager.data[i]) < 1e-6);
  assert.throws(() => dense.apply(placeholder('float32', [null, 4, 6])), /was built for 5 features, got shape \[null, 4, 6\]/);
});

test('initialization is reproducible from random.seed', () => {
  const build = () => {
    random.seed(7);
    const l = layers.conv2d({ filters: 3, kernelSize: 3, kernelInitializer: 'heNormal' });
    l.apply(placeholder('float32', [null, 5, 5, 2]));
    return l.getWeights()[0];
  };
  assert.deepEqual(build().data, build().data);
});
