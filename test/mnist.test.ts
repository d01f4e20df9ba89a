import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadMnist } from '../src/data/mnist.js';

test('loadMnist: shapes, dtypes, value ranges, labels, and a cached second call', async () => {
  const t0 = performance.now();
  const m = await loadMnist();
  const firstMs = performance.now() - t0;
  assert.deepEqual(m.xTrain.shape, [50000, 28, 28]);
  assert.deepEqual(m.xValid.shape, [10000, 28, 28]);
  assert.deepEqual(m.xTest.shape, [10000, 28, 28]);
  assert.deepEqual(m.yTrain.shape, [50000]);
  assert.deepEqual(m.yValid.shape, [10000]);
  assert.deepEqual(m.yTest.shape, [10000]);
  for (const x of [m.xTrain, m.xValid, m.xTest]) assert.equal(x.dtype, 'float32');
  for (const y of [m.yTrain, m.yValid, m.yTest]) assert.equal(y.dtype, 'int32');

  // The well-known first labels: a 5 opens the training set, a 7 the test set.
  assert.equal(m.yTrain.data[0], 5);
  assert.equal(m.yTest.data[0], 7);

  // Pixels are bytes / 256 (mnist.pkl.gz's scaling, as the spec's MNIST.npz): within [0, 255/256], both ends reached.
  for (const x of [m.xTrain, m.xValid, m.xTest]) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let i = 0; i < x.data.length; i++) {
      const v = x.data[i];
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    assert.equal(min, 0);
    assert.equal(max, 255 / 256);
    const mean = sum / x.data.length;
    assert.ok(mean > 0.11 && mean < 0.15, `mean pixel ${mean}`); // MNIST's mean intensity is about 0.13
  }
  for (let i = 0; i < 5000; i++) {
    const k = m.xTrain.data[i * 157] * 256;
    assert.ok(k === Math.round(k), `pixel ${i * 157} = ${m.xTrain.data[i * 157]} is not k/256`);
  }

  // Label histograms: digits 0-9 only, each between 8% and 12.5% of every split.
  for (const y of [m.yTrain, m.yValid, m.yTest]) {
    const counts = new Array(10).fill(0);
    for (const v of y.data) {
      assert.ok(v >= 0 && v <= 9, `label ${v}`);
      counts[v]++;
    }
    for (const c of counts) assert.ok(c > 0.08 * y.size && c < 0.125 * y.size, `histogram ${counts}`);
  }

  // The same object back means nothing was read or parsed again.
  assert.equal(await loadMnist(), m, 'second call returns the cached object');
  // Alone it takes 0.4-0.8 s here; the bound is loose because the whole suite shares 2 cores.
  assert.ok(firstMs < 4000, `first load took ${firstMs.toFixed(0)} ms`);
  console.log(`loadMnist: first call ${firstMs.toFixed(0)} ms`);
});
