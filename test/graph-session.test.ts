/** Session.run: feeds and their errors, build-time shape inference errors, plan reuse, copies, heap bound. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import * as ops from '../src/api/ops.js';
import { tensor, zeros, Tensor } from '../src/tensor/tensor.js';
import { placeholder } from '../src/graph/symbolic.js';
import { variable, globalVariablesInitializer } from '../src/graph/variable.js';
import { Session } from '../src/graph/session.js';
import { softmaxCrossEntropy } from '../src/train/losses.js';
import * as train from '../src/train/index.js';
import * as layers from '../src/layers/index.js';
import { seed } from '../src/tensor/random.js';

test('run computes fetches from Map or pair feeds; one fetch gives a Tensor, an array gives an array', () => {
  const a = placeholder('float32', [null, 2]);
  const b = placeholder('float32', [2]);
  const c = ops.add(a, b);
  const s = ops.sum(c);
  const sess = new Session();
  const A = tensor([[1, 2], [3, 4]]);
  const B = tensor([10, 20]);
  const one = sess.run(c, new Map([[a, A], [b, B]]));
  assert.deepEqual(one!.toArray(), [[11, 22], [13, 24]]);
  const [cv, sv] = sess.run([c, s], [[a, A], [b, B]]);
  assert.deepEqual(cv!.toArray(), [[11, 22], [13, 24]]);
  assert.equal(sv!.data[0], 70);
});

test('feed errors name the placeholder: missing, wrong dtype (int32 or float64 into float32), wrong shape', () => {
  const x = placeholder('float32', [null, 3], 'images');
  const y = placeholder('int32', [null], 'labels');
  const loss = ops.add(ops.sum(x), ops.sum(ops.cast(y, 'float32')));
  const sess = new Session();
  const X = zeros([2, 3]);
  const Y = zeros([2], 'int32');
  assert.throws(() => sess.run(loss, new Map([[x, X]])), /feeds: placeholder 'labels' \(int32 \[null\]\) needs a value/);
  assert.throws(() => sess.run(loss, new Map<any, Tensor>([[x, zeros([2, 3], 'int32')], [y, Y]])),
    /feeds: placeholder 'images' expects dtype float32, was fed int32 \[2, 3\]/);
  assert.throws(() => sess.run(loss, new Map<any, Tensor>([[x, zeros([2, 3], 'float64')], [y, Y]])),
    /placeholder 'images' expects dtype float32, was fed float64 \[2, 3\] \(convert it with \.astype\('float32'\)\)/);
  assert.throws(() => sess.run(loss, new Map<any, Tensor>([[x, zeros([2, 4])], [y, Y]])),
    /feeds: placeholder 'images' expects shape \[null, 3\], was fed \[2, 4\]/);
  assert.throws(() => sess.run(loss, new Map<any, Tensor>([[x, zeros([3])], [y, Y]])), /expects shape \[null, 3\], was fed \[3\]/);
  assert.throws(() => sess.run(loss, new Map<any, Tensor>([[loss, X]])), /feeds: only placeholders can be fed/);
  assert.throws(() => sess.run(42 as never), /fetches: expected graph tensors/);
  assert.ok(sess.run(loss, new Map<any, Tensor>([[x, X], [y, Y]])));
});

test('shape inference errors are thrown when the node is built, naming both shapes', () => {
  const a = placeholder('float32', [null, 400]);
  const w = placeholder('float32', [120, 84]);
  assert.throws(() => ops.matMul(a, w), /b: matMul inner dimensions differ: a \[null, 400\] has 400 columns, b \[120, 84\] has 120 rows/);
  assert.throws(() => ops.add(placeholder('float32', [null, 3]), placeholder('float32', [4])),
    /b: add cannot broadcast shapes a \[null, 3\] and b \[4\]/);
  assert.throws(() => ops.conv2d(placeholder('float32', [null, 28, 28, 1]), placeholder('float32', [5, 5, 3, 6]), 1, 'same'),
    /filter: conv2d expects filter in-channels 3 to equal x channels 1: x \[null, 28, 28, 1\], filter \[5, 5, 3, 6\]/);
  assert.throws(() => ops.add(placeholder('float32', [2]), placeholder('float64', [2])), /b: add needs both inputs of one dtype/);
  assert.throws(() => ops.reshape(placeholder('float32', [2, 3]), [4, 2]), /shape: cannot reshape x \[2, 3\] \(6 elements\) into \[4, 2\]/);
  assert.throws(() => softmaxCrossEntropy(placeholder('float32', [null, 10]), placeholder('float32', [null, 9])),
    /logits: softmaxCrossEntropy expects onehotLabels and logits of one shape/);
  assert.throws(() => ops.conv2d(placeholder('float32', [1, 4, 4, 1]), placeholder('float32', [2, 2, 1, 1]), 1, 'full' as never), /pad: expected 'same' or 'valid'/);
  // mismatches hidden behind null dims are caught when the plan is compiled with the fed shapes
  const p = placeholder('float32', [null, 3]);
  const q = placeholder('float32', [null, 3]);
  const r = ops.add(p, q);
  assert.throws(() => new Session().run(r, [[p, zeros([2, 3])], [q, zeros([5, 3])]]), /cannot broadcast shapes a \[2, 3\] and b \[5, 3\].*node 'Add/);
});

test('each (fetches, feed shapes) compiles one plan, reused by later runs', () => {
  const x = placeholder('float32', [null, 2]);
  const y = ops.relu(x);
  const sess = new Session();
  sess.run(y, [[x, zeros([4, 2])]]);
  const first = sess.lastPlan;
  for (let i = 0; i < 5; i++) sess.run(y, [[x, tensor([[i, -i], [1, 2], [3, 4], [5, 6]])]]);
  assert.equal(sess.compiledPlans, 1);
  assert.equal(sess.lastPlan, first);
  assert.equal(first!.runs, 6);
  assert.deepEqual(sess.run(y, [[x, tensor([[-1, 7]])]])!.toArray(), [[0, 7]]); // new batch size: a new plan
  assert.equal(sess.compiledPlans, 2);
  sess.run(y, [[x, zeros([4, 2])]]);
  assert.equal(sess.lastPlan, first);
  assert.equal(sess.compiledPlans, 2);
});

test('fetched tensors are copies: later runs do not change them, the train op gives null', () => {
  const x = placeholder('float32', [2]);
  const w = variable(tensor([1, 1]), { name: 'copy_test_w' });
  const y = ops.mul(x, w);
  const loss = ops.sum(y);
  const step = train.sgd(0.5).minimize(loss, [w]);
  const sess = new Session();
  const y1 = sess.run(y, [[x, tensor([2, 3])]])!;
  const [y2, nothing] = sess.run([y, step], [[x, tensor([4, 5])]]);
  assert.deepEqual(Array.from(y1.data), [2, 3]);
  assert.deepEqual(Array.from(y2!.data), [4, 5]); // fetched before the update in the same run
  assert.equal(nothing, null);
  assert.deepEqual(Array.from(w.value.data), [1 - 0.5 * 4, 1 - 0.5 * 5]);
  const fed = tensor([7, 8]);
  const back = sess.run(x, [[x, fed]])!;
  assert.notEqual(back.data, fed.data);
  assert.deepEqual(Array.from(back.data), [7, 8]);
});

test('training steps of a small conv net leave the heap where it was (buffers reused)', () => {
  seed(3);
  const x = placeholder('float32', [null, 8, 8, 1]);
  const y = placeholder('int32', [null]);
  let h = layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }).apply(x);
  h = layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(h);
  h = layers.flatten().apply(h);
  const logits = layers.dense({ units: 3 }).apply(h);
  const loss = softmaxCrossEntropy(ops.oneHot(y, 3), logits);
  const trainOp = train.adam().minimize(loss);
  const sess = new Session();
  sess.run(globalVariablesInitializer());
  const X = tensor(Float32Array.from({ length: 16 * 64 }, (_, i) => Math.sin(i)), [16, 8, 8, 1]);
  const Y = tensor(Int32Array.from({ length: 16 }, (_, i) => i % 3), [16], 'int32');
  const feeds = new Map<any, Tensor>([[x, X], [y, Y]]);
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  for (let i = 0; i < 20; i++) sess.run(trainOp, feeds); // warm up: plan, JIT, kernel scratch
  const start = sess.compiledPlans;
  // A leak grows the heap in every window of steps; V8's optimising compiler, which works in the
  // background and later on a busy machine, adds its code and feedback once, in one window or
  // another (one window alone read 284-504 KB under load). So: the least growth of three windows.
  const growths: number[] = [];
  for (let window = 0; window < 3; window++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) sess.run(trainOp, feeds);
    gc();
    growths.push(process.memoryUsage().heapUsed - before);
  }
  assert.equal(sess.compiledPlans, start);
  console.log(`heap growth over three windows of 200 steps: ${growths.join(', ')} bytes`);
  const least = Math.min(...growths);
  assert.ok(least < 128 * 1024, `heap grew by at least ${least} bytes in every window of 200 steps: ${growths.join(', ')}`);
  const before2 = sess.run(loss, feeds)!.data[0];
  for (let i = 0; i < 50; i++) sess.run(trainOp, feeds);
  assert.ok(sess.run(loss, feeds)!.data[0] < before2, 'the loss goes down');
});
