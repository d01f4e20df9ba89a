/** Adam against a two-step example worked by hand; SGD; initializers' statistics and reproducibility. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../src/api/ops.js';
import { tensor } from '../src/tensor/tensor.js';
import { variable, globalVariablesInitializer } from '../src/graph/variable.js';
import { Session } from '../src/graph/session.js';
import * as train from '../src/train/index.js';
import { heNormal, glorotUniform, computeFans, getInitializer } from '../src/train/initializers.js';
import { seed } from '../src/tensor/random.js';

test('Adam: two steps on loss = w0² + 3·w1², lr 0.1, worked by hand', () => {
  // Step 1 (t = 1): g = (2, −12); m = 0.1·g; v = 0.001·g²; lr_1 = 0.1·√0.001/0.1 = √0.001
  //   update = lr_1·m/(√v + ε) = √0.001 · 0.1·g / (√0.001·|g| + 1e-8) ≈ 0.1·sign(g)
  // Step 2 (t = 2) for w0 = 0.9: g = 1.8, m = 0.9·0.2 + 0.1·1.8 = 0.36, v = 0.999·0.004 + 0.001·3.24 = 0.007236,
  //   lr_2 = 0.1·√(1 − 0.999²)/(1 − 0.9²) = 0.02353167253…, update = lr_2·0.36/√0.007236 = 0.0995877…
  const w = variable(tensor(new Float64Array([1, -2])), { name: 'adam_w' });
  const loss = ops.sum(ops.mul(ops.mul(w, w), tensor(new Float64Array([1, 3]))));
  const step = train.adam({ learningRate: 0.1 }).minimize(loss, [w]);
  const sess = new Session();
  sess.run(step);
  const g1 = [2, -12];
  const expected1 = g1.map((g, i) => [1, -2][i] - Math.sqrt(0.001) * 0.1 * g / (Math.sqrt(0.001) * Math.abs(g) + 1e-8));
  assert.ok(Math.abs(w.value.data[0] - expected1[0]) < 1e-15 && Math.abs(w.value.data[1] - expected1[1]) < 1e-15);
  assert.ok(Math.abs(w.value.data[0] - 0.9) < 1e-7);
  sess.run(step);
  const lr2 = 0.1 * Math.sqrt(1 - 0.999 ** 2) / (1 - 0.9 ** 2);
  assert.ok(Math.abs(lr2 - 0.0235316725327) < 1e-12);
  assert.ok(Math.abs(w.value.data[0] - (0.9000000158113858 - lr2 * 0.36 / Math.sqrt(0.007236))) < 1e-7);
  assert.ok(Math.abs(w.value.data[0] - 0.8004122550985358) < 1e-12, `w0 = ${w.value.data[0]}`);
  assert.ok(Math.abs(w.value.data[1] - -1.8001664901480179) < 1e-12, `w1 = ${w.value.data[1]}`);
});

test('Adam defaults are TensorFlow\'s; positional TensorFlow.js form; bad hyperparameters are rejected', () => {
  const a = train.adam();
  assert.deepEqual([a.learningRate, a.beta1, a.beta2, a.epsilon], [0.001, 0.9, 0.999, 1e-8]);
  assert.equal(train.adam(0.01).learningRate, 0.01);
  assert.throws(() => train.adam({ beta1: 1 }), /beta1: expected a number in \[0, 1\)/);
  assert.throws(() => train.sgd(-1), /learningRate: expected a positive number/);
});

test('globalVariablesInitializer resets Adam\'s moments and step with the weights', () => {
  const w = variable(tensor(new Float64Array([3])), { name: 'reset_w' });
  const step = train.adam({ learningRate: 0.5 }).minimize(ops.sum(ops.mul(w, w)), [w]);
  const sess = new Session();
  sess.run(step);
  const after1 = w.value.data[0];
  sess.run(step);
  sess.run(globalVariablesInitializer());
  assert.equal(w.value.data[0], 3);
  sess.run(step);
  assert.equal(w.value.data[0], after1);
});

test('SGD: w −= lr·g', () => {
  const w = variable(tensor(new Float64Array([1, 2])), { name: 'sgd_w' });
  const step = train.sgd(0.25).minimize(ops.sum(ops.mul(w, w)), [w]);
  new Session().run(step);
  assert.deepEqual(Array.from(w.value.data), [1 - 0.25 * 2, 2 - 0.25 * 4]);
});

test('minimize errors: non-scalar loss, no path to any variable', () => {
  const w = variable(tensor([1, 2]), { name: 'err_w' });
  assert.throws(() => train.adam().minimize(ops.mul(w, w), [w]), /loss: expected a scalar, got shape \[2\]/);
  const u = variable(tensor([1]), { name: 'err_u' });
  assert.throws(() => train.adam().minimize(ops.sum(ops.mul(w, w)), [u]), /loss: no gradients for any variable \(err_u\)/);
});

test('heNormal: truncated at 2σ, standard deviation √(2/fan_in) after truncation (Keras); glorotUniform within √(6/(in+out)); seeded reproducibly', () => {
  assert.deepEqual(computeFans([5, 5, 1, 6]), { fanIn: 25, fanOut: 150 });
  assert.deepEqual(computeFans([400, 120]), { fanIn: 400, fanOut: 120 });
  seed(0);
  const a = heNormal()([50, 400], 'float32');
  seed(0);
  const b = heNormal()([50, 400], 'float32');
  assert.deepEqual(a.data, b.data);
  assert.equal(a.dtype, 'float32');
  const target = Math.sqrt(2 / 50);
  // the normal drawn from has σ = target / 0.8796: truncating it at ±2σ leaves standard deviation `target`
  const sigma = target / 0.87962566103423978;
  let sum = 0, sq = 0, max = 0;
  for (const v of a.data) { sum += v; sq += v * v; max = Math.max(max, Math.abs(v)); }
  const std = Math.sqrt(sq / a.size - (sum / a.size) ** 2);
  assert.ok(max <= 2 * sigma + 1e-6, `max |w| ${max} within 2σ = ${2 * sigma}`);
  assert.ok(max > 1.9 * sigma, `max |w| ${max} reaches near 2σ = ${2 * sigma}`);
  assert.ok(Math.abs(std / target - 1) < 0.02, `std / √(2/fan_in) = ${std / target}`);
  const g = glorotUniform()([30, 70], 'float64');
  const limit = Math.sqrt(6 / 100);
  assert.ok(g.data.every((v) => Math.abs(v) <= limit));
  assert.throws(() => getInitializer('kernelInitializer', 'lecun' as never), /kernelInitializer: expected one of/);
});

test('adam names an unknown option (a typo would otherwise train at the default rate)', () => {
  assert.throws(() => train.adam({ learningrate: 0.1 } as never), /^Error: config: unknown option 'learningrate' \(did you mean 'learningRate'\?\)/);
  assert.equal(train.adam({ learningRate: 0.1 }).learningRate, 0.1);
  assert.equal(train.adam(0.2).learningRate, 0.2);
});
