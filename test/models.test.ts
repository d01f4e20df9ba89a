/** Keras-style models: training, callbacks, progress output, summary and argument errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as random from '../src/tensor/random.js';
import { Tensor, tensor } from '../src/tensor/tensor.js';
import * as layers from '../src/layers/index.js';
import { input, model, sequential, loadLayersModel, LayersModel } from '../src/models/index.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { earlyStopping } from '../src/models/callbacks.js';
import { formatBar, formatValue } from '../src/models/progress.js';
import { toCategorical } from '../src/utils/index.js';
import { xorData, captureStdout, accuracy } from './models-helpers.js';

function xorModel(loss: 'sparseCategoricalCrossentropy' | 'categoricalCrossentropy' = 'sparseCategoricalCrossentropy'): LayersModel {
  const m = sequential({ layers: [
    layers.dense({ units: 16, activation: 'tanh', inputShape: [2] }),
    layers.dense({ units: 2, activation: 'softmax' }),
  ] });
  m.compile({ optimizer: 'adam', loss, metrics: ['accuracy'] });
  return m;
}

function lenetLike(): LayersModel {
  const X = input({ shape: [28, 28, 1] });
  let a = layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }).apply(X);
  a = layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(a);
  a = layers.conv2d({ filters: 16, kernelSize: 5, padding: 'valid', activation: 'relu', kernelInitializer: 'heNormal' }).apply(a);
  a = layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(a);
  a = layers.flatten().apply(a);
  a = layers.dense({ units: 120, activation: 'relu', kernelInitializer: 'heNormal' }).apply(a);
  a = layers.dense({ units: 84, activation: 'relu', kernelInitializer: 'heNormal' }).apply(a);
  a = layers.dense({ units: 10, activation: 'softmax', kernelInitializer: 'heNormal' }).apply(a);
  return model({ inputs: X, outputs: a });
}

test('an XOR-like task is learned by a small dense model (sparse labels, Adam)', async () => {
  random.seed(3);
  const { x, y } = xorData(512);
  const m = sequential({ layers: [
    layers.dense({ units: 16, activation: 'tanh', inputShape: [2] }),
    layers.dense({ units: 2, activation: 'softmax' }),
  ] });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const before = m.evaluate(x, y)[1];
  const h = await m.fit(x, y, { epochs: 60, batchSize: 16, verbose: 0 });
  assert.equal(h.history.loss.length, 60);
  assert.ok(h.history.loss[59] < 0.7 * h.history.loss[0], `loss ${h.history.loss[0]} → ${h.history.loss[59]}`);
  const [, acc] = m.evaluate(x, y);
  assert.ok(acc > 0.9 && acc > before, `accuracy ${before} → ${acc}`);
  assert.ok(Math.abs(accuracy(m.predict(x), y) - acc) < 1e-9);
});

test('a model with a dense layer on rank-3 features trains, and saves and loads with the same predictions', async () => {
  random.seed(6);
  // Each sample: 6 positions × 3 features; the label is whether feature 0 summed over positions is positive.
  const n = 256;
  const x = (random.randn(n, 6, 3) as Tensor).astype('float32');
  const y = tensor(Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let p = 0; p < 6; p++) s += x.data[(i * 6 + p) * 3];
    return s > 0 ? 1 : 0;
  }), [n], 'int32');
  const X = input({ shape: [6, 3] });
  let a = layers.dense({ units: 4, activation: 'relu' }).apply(X);
  assert.deepEqual(a.shape, [null, 6, 4]);
  a = layers.flatten().apply(a);
  a = layers.dense({ units: 2, activation: 'softmax' }).apply(a);
  const m = model({ inputs: X, outputs: a });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const h = await m.fit(x, y, { epochs: 60, batchSize: 32, verbose: 0 });
  assert.ok(h.history.loss[59] < 0.5 * h.history.loss[0], `loss ${h.history.loss[0]} → ${h.history.loss[59]}`);
  assert.ok(m.evaluate(x, y)[1] > 0.8, `accuracy ${m.evaluate(x, y)[1]}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convnet-dense3-'));
  try {
    await m.save(dir);
    const back = await loadLayersModel(dir);
    assert.deepEqual(Array.from(back.predict(x).data), Array.from(m.predict(x).data));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('categorical labels (toCategorical) and SGD train too; a non-softmax output uses the clipped cross-entropy', async () => {
  random.seed(4);
  const { x, y } = xorData(256);
  const yOh = toCategorical(y, 2);
  const m = sequential({ layers: [layers.dense({ units: 16, activation: 'tanh', inputShape: [2] }), layers.dense({ units: 2, activation: 'sigmoid' })] });
  m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['acc'] });
  const h = await m.fit(x, yOh, { epochs: 15, batchSize: 8, verbose: 0 });
  assert.ok(h.history.loss[14] < h.history.loss[0], `loss ${h.history.loss[0]} → ${h.history.loss[14]}`);
  // the epoch loss is the sample-weighted mean of the batch losses, computed before each update
  const [loss] = m.evaluate(x, yOh);
  assert.ok(Number.isFinite(loss) && loss < h.history.loss[0]);
});

test('toCategorical: float32 one-hot rows, trailing axis of 1 dropped, errors name the argument', () => {
  const t = toCategorical(tensor([2, 0, 1], [3, 1], 'int32'), 3);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.shape, [3, 3]);
  assert.deepEqual(Array.from(t.data), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
  assert.deepEqual(toCategorical(tensor([1, 3], [2], 'int32')).shape, [2, 4]);
  assert.throws(() => toCategorical(tensor([1, 5], [2], 'int32'), 3), /^Error: y: class index 5 does not fit numClasses 3/);
  assert.throws(() => toCategorical(tensor([0.5], [1])), /^Error: y: expected non-negative integer/);
});

test('summary prints Keras 2.2\'s table; LeNet-5 has 61,706 parameters', () => {
  const m = lenetLike();
  const lines: string[] = [];
  m.summary(undefined, undefined, (l) => lines.push(l));
  assert.equal(m.countParams(), 61706);
  assert.equal(lines[0], '_'.repeat(65));
  assert.equal(lines[1], 'Layer (type)                 Output Shape              Param #   ');
  assert.equal(lines[2], '='.repeat(65));
  const rows = lines.filter((l) => /\(None/.test(l));
  assert.equal(rows.length, 9);
  assert.match(rows[1], /^conv2d\S* \(Conv2D\) +\(None, 28, 28, 6\) +156 +$/);
  assert.match(rows[3], /\(None, 10, 10, 16\) +2416 /);
  assert.match(rows[5], /\(None, 400\) +0 /);
  assert.match(rows[8], /\(None, 10\) +850 /);
  assert.ok(lines.includes('Total params: 61,706'));
  assert.ok(lines.includes('Trainable params: 61,706'));
  assert.ok(lines.includes('Non-trainable params: 0'));
  assert.ok(lines.every((l) => l.length <= 65));
});

test('callbacks fire in order with logs; History holds loss, acc, val_loss, val_acc', async () => {
  random.seed(5);
  const { x, y } = xorData(50);
  const m = xorModel();
  const events: string[] = [];
  const epochLogs: Record<string, number>[] = [];
  const h = await m.fit(x, y, {
    epochs: 2, batchSize: 20, verbose: 0, validationData: [x, y],
    callbacks: [{
      onTrainBegin: () => { events.push('trainBegin'); },
      onEpochBegin: (e) => { events.push(`epochBegin ${e}`); },
      onBatchEnd: async (b, logs) => { await Promise.resolve(); events.push(`batchEnd ${b} size ${logs.size}`); assert.ok(Number.isFinite(logs.loss) && logs.acc >= 0 && logs.acc <= 1); },
      onEpochEnd: (e, logs) => { events.push(`epochEnd ${e}`); epochLogs.push(logs); },
      onTrainEnd: () => { events.push('trainEnd'); },
    }],
  });
  assert.deepEqual(events, [
    'trainBegin', 'epochBegin 0', 'batchEnd 0 size 20', 'batchEnd 1 size 20', 'batchEnd 2 size 10', 'epochEnd 0',
    'epochBegin 1', 'batchEnd 0 size 20', 'batchEnd 1 size 20', 'batchEnd 2 size 10', 'epochEnd 1', 'trainEnd',
  ]);
  assert.deepEqual(Object.keys(epochLogs[0]).sort(), ['acc', 'loss', 'val_acc', 'val_loss']);
  assert.deepEqual(h.history.val_loss, epochLogs.map((l) => l.val_loss));
  assert.deepEqual(h.epoch, [0, 1]);
  // val_loss is the loss on the validation data after the epoch
  const [vl, va] = m.evaluate(x, y, { batchSize: 7 });
  assert.ok(Math.abs(vl - h.history.val_loss[1]) < 1e-6 && Math.abs(va - h.history.val_acc[1]) < 1e-9);
});

test('earlyStopping stops when the monitored value stops improving, and can restore the best weights', async () => {
  random.seed(6);
  const { x, y } = xorData(64);
  const m = xorModel();
  // no epoch improves loss by 10, so training stops after 1 + patience epochs
  const stop = earlyStopping({ monitor: 'loss', minDelta: 10, patience: 2 });
  const h = await m.fit(x, y, { epochs: 20, verbose: 0, callbacks: [stop] });
  assert.equal(h.epoch.length, 3);
  assert.equal(stop.stoppedEpoch, 2);
  // restoreBestWeights: the weights after the best epoch come back
  const m2 = xorModel();
  let bestWeights: Tensor[] = [];
  let best = -Infinity;
  const watch = { onEpochEnd: (_e: number, logs: Record<string, number>) => { if (logs.acc > best) { best = logs.acc; bestWeights = m2.getWeights(); } } };
  const stop2 = earlyStopping({ monitor: 'acc', patience: 0, restoreBestWeights: true });
  await m2.fit(x, y, { epochs: 50, verbose: 0, callbacks: [watch, stop2] });
  assert.ok(stop2.stoppedEpoch > 0);
  m2.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.data), Array.from(bestWeights[i].data)));
  assert.throws(() => earlyStopping({ patients: 3 } as never), /^Error: args: unknown option 'patients' \(did you mean 'patience'\?\)/);
});

test('the same seed gives the same training run (shuffling draws from the NumPy generator)', async () => {
  const run = async () => {
    random.seed(11);
    const { x, y } = xorData(100);
    const m = xorModel();
    await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
    return m.getWeights().flatMap((w) => Array.from(w.data));
  };
  assert.deepEqual(await run(), await run());
});

test('predict is batched into one output and agrees with any batch size; evaluate too', () => {
  random.seed(7);
  const m = lenetLike();
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const x = random.rand(70, 28, 28, 1).astype('float32');
  const p32 = m.predict(x);
  const p7 = m.predict(x, { batchSize: 7 });
  const p70 = m.predict(x, { batchSize: 70 });
  assert.deepEqual(p32.shape, [70, 10]);
  for (let i = 0; i < p32.size; i++) {
    assert.ok(Math.abs(p32.data[i] - p7.data[i]) < 1e-6 && Math.abs(p32.data[i] - p70.data[i]) < 1e-6);
  }
  // float64 inputs are converted batch by batch
  const p64 = m.predict(x.astype('float64'));
  assert.deepEqual(Array.from(p64.data), Array.from(p32.data));
  const y = toCategorical(tensor(Array.from({ length: 70 }, (_, i) => i % 10), [70], 'int32'), 10);
  const [l1, a1] = m.evaluate(x, y, { batchSize: 9 });
  const [l2, a2] = m.evaluate(x, y, { batchSize: 70 });
  assert.ok(Math.abs(l1 - l2) < 1e-5 && Math.abs(a1 - a2) < 1e-6, `${l1} ${l2} ${a1} ${a2}`);
});

test('progress, verbose 1 without a terminal: "Epoch i/n" then one Keras line per epoch', async () => {
  random.seed(8);
  const { x, y } = xorData(100);
  const m = xorModel();
  const out = await captureStdout(() => m.fit(x, y, { epochs: 3, batchSize: 10, validationData: [x, y] }));
  assert.ok(!out.includes('\r'), 'no in-place redraws in a log');
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], 'Train on 100 samples, validate on 100 samples');
  assert.equal(lines.length, 1 + 2 * 3);
  for (let e = 0; e < 3; e++) {
    assert.equal(lines[1 + 2 * e], `Epoch ${e + 1}/3`);
    assert.match(lines[2 + 2 * e], /^100\/100 \[={30}\] - \d+s \d+(us|ms|s)\/step - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - val_acc: \d\.\d{4}$/);
  }
  assert.equal(await captureStdout(() => m.fit(x, y, { epochs: 2, verbose: 0 })), '');
  const v2 = (await captureStdout(() => m.fit(x, y, { epochs: 2, verbose: 2 }))).trimEnd().split('\n');
  assert.equal(v2.length, 1 + 2 * 2);
  assert.match(v2[2], /^ - \d+s - loss: \d\.\d{4} - acc: \d\.\d{4}$/);
});

test('progress formatting follows Keras\' Progbar', () => {
  assert.equal(formatBar(320, 50000), '  320/50000 [..............................]');
  assert.equal(formatBar(25000, 50000), '25000/50000 [==============>...............]');
  assert.equal(formatBar(50000, 50000), '50000/50000 [==============================]');
  assert.equal(formatValue(0.19468), '0.1947');
  assert.equal(formatValue(0.000123456), '1.2346e-04');
});

test('compile errors name the option and list the valid ones', () => {
  const m = sequential({ layers: [layers.dense({ units: 2, activation: 'softmax', inputShape: [2] })] });
  assert.throws(() => m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metric: ['accuracy'] } as never),
    /^Error: args: unknown option 'metric' \(did you mean 'metrics'\?\); valid options are optimizer, loss, metrics$/);
  assert.throws(() => m.compile({ optimizer: 'adagrad', loss: 'categoricalCrossentropy' } as never), /^Error: optimizer: expected 'adam', 'sgd'/);
  assert.throws(() => m.compile({ optimizer: 'adam', loss: 'mse' } as never), /^Error: loss: expected one of categoricalCrossentropy, /);
  assert.throws(() => m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['precision'] } as never), /^Error: metrics: expected an array of 'accuracy' or 'acc'/);
});

test('fit errors come before any training step', async () => {
  random.seed(9);
  const { x, y } = xorData(40);
  const notCompiled = sequential({ layers: [layers.dense({ units: 2, activation: 'softmax', inputShape: [2] })] });
  await assert.rejects(notCompiled.fit(x, y, { verbose: 0 }), /^Error: model: \S+ must be compiled/);
  const m = xorModel();
  const before = m.getWeights().flatMap((w) => Array.from(w.data));
  const cases: [unknown, unknown, unknown, RegExp][] = [
    [x, y, { batchsize: 8 }, /^Error: args: unknown option 'batchsize' \(did you mean 'batchSize'\?\); valid options are batchSize, epochs, /],
    [x, y, { epochs: 1.5 }, /^Error: epochs: expected an integer >= 0, got number 1\.5/],
    [x, y, { verbose: 3 }, /^Error: verbose: expected 0, 1 or 2/],
    [x, y, { validationSplit: 1 }, /^Error: validationSplit: expected a number in \[0, 1\)/],
    [x, tensor(new Int32Array(39), [39], 'int32'), {}, /^Error: y: expected as many labels as samples \(40\), got 39/],
    [x, toCategorical(y, 2), {}, /^Error: y: sparseCategoricalCrossentropy expects class indices of shape \[40\] or \[40, 1\], got \[40, 2\]; these look one-hot/],
    [x, tensor(new Int32Array(40).fill(2), [40], 'int32'), {}, /^Error: y: sparseCategoricalCrossentropy expects integer class indices in \[0, 1\], got 2 at index 0/],
    [x.reshape([40, 2, 1]), y, {}, /^Error: x: the model expects samples of shape \[null, 2\], got \[40, 2, 1\]/],
    [x, y, { validationData: [x.reshape([20, 4]), y] }, /^Error: validationData\[0\]: the model expects samples of shape \[null, 2\], got \[20, 4\]/],
    [x, y, { validationData: [x, toCategorical(y, 2)] }, /^Error: validationData\[1\]: sparseCategoricalCrossentropy expects class indices/],
    [x, y, { validationData: [x] }, /^Error: validationData: expected \[xValid, yValid\]/],
    [x, y, { callbacks: [{ onEpochFinish: () => {} }] }, /^Error: callbacks: unknown hook 'onEpochFinish'/],
  ];
  for (const [xs, ys, args, re] of cases) {
    await assert.rejects(m.fit(xs as Tensor, ys as Tensor, { verbose: 0, ...(args as object) }), re);
  }
  assert.deepEqual(m.getWeights().flatMap((w) => Array.from(w.data)), before, 'no step ran');
  const cat = xorModel('categoricalCrossentropy');
  await assert.rejects(cat.fit(x, y, { verbose: 0 }),
    /^Error: y: categoricalCrossentropy expects one-hot labels of shape \[40, 2\], got int32 \[40\]; one-hot encode them with cn\.utils\.toCategorical\(y, 2\)/);
});

test('model() and sequential() argument errors', () => {
  const X = input({ shape: [4] });
  const stray = input({ shape: [4] });
  const y = layers.dense({ units: 2 }).apply(stray);
  assert.throws(() => model({ inputs: X, outputs: y }), /^Error: outputs: \S+ was not produced by a layer on a path from the input/);
  assert.throws(() => model({ inputs: X, output: y } as never), /^Error: args: unknown option 'output' \(did you mean 'outputs'\?\)/);
  assert.throws(() => input({ shape: [0, 3] }), /^Error: shape: expected an array of positive integers/);
  const s = sequential({ layers: [layers.dense({ units: 2 })] });
  assert.throws(() => s.summary(), /^Error: inputShape: the first layer of \S+ \(dense\S*\) needs inputShape/);
  // Keras' deferred build: predict builds from the data's shape
  assert.deepEqual(s.predict(tensor(new Float32Array(6), [2, 3])).shape, [2, 2]);
});

test('progress on a terminal: the bar is redrawn in place (\\r), throttled, and each epoch ends with the full line', async () => {
  const { ProgressLogger } = await import('../src/models/progress.js');
  let text = '';
  const sink = { isTTY: true, write: (s: string) => { text += s; } };
  const p = new ProgressLogger(1, 1, 1000, sink);
  p.onEpochBegin(0);
  const started = performance.now();
  for (let b = 0; b < 99; b++) {
    while (performance.now() - started < (b + 1) * 3) { /* 3 ms per batch: ~300 ms in all */ }
    p.onBatchEnd(b, { batch: b, size: 10, loss: 0.5, acc: 0.75 });
  }
  p.onBatchEnd(99, { batch: 99, size: 10, loss: 0.5, acc: 0.75 });
  p.onEpochEnd(0, { loss: 0.5, acc: 0.75 });
  const redraws = text.split('\r').length - 1;
  // at most ~10 redraws a second: about 3 intermediate ones in 300 ms, plus the final line
  assert.ok(redraws >= 2 && redraws <= 6, `${redraws} redraws`);
  assert.match(text, /\r {0,3}\d+\/1000 \[=*>\.*\] - ETA: \d+s - loss: 0\.5000 - acc: 0\.7500/);
  assert.match(text, /\r1000\/1000 \[={30}\] - \d+s \d+(us|ms)\/step - loss: 0\.5000 - acc: 0\.7500 *\n$/);
  assert.ok(text.startsWith('Epoch 1/1\n'));
});

test('fit yields to the event loop between batches, so timers run during training', async () => {
  random.seed(12);
  const { x, y } = xorData(8000);
  const m = xorModel();
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 5);
  const started = performance.now();
  await m.fit(x, y, { epochs: 4, batchSize: 4, verbose: 0 });
  const elapsed = performance.now() - started;
  clearInterval(timer);
  assert.ok(elapsed > 200, `the run is long enough to tell (${elapsed.toFixed(0)} ms)`);
  // without yielding the interval could not fire at all until fit resolved; with a yield every 50 ms it fires often
  assert.ok(ticks >= Math.floor(elapsed / 100), `${ticks} timer ticks in ${elapsed.toFixed(0)} ms`);
});

test('a Sequential without inputShape builds from the data given to fit (Keras\' deferred build)', async () => {
  random.seed(13);
  const { x, y } = xorData(32);
  const m = sequential({ layers: [layers.dense({ units: 4, activation: 'relu' })] });
  m.add(layers.dense({ units: 2, activation: 'softmax' }));
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  const h = await m.fit(x, y, { epochs: 1, verbose: 0 });
  assert.deepEqual(Object.keys(h.history), ['loss']);
  assert.deepEqual(m.input.shape, [null, 2]);
  assert.equal(m.countParams(), 2 * 4 + 4 + 4 * 2 + 2);
});
