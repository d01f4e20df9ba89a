/** LeNet-5 in graph form (examples/4-lenet5.ts) learns MNIST: ~300 Adam steps on 2,000 images, > 90% on 1,000 others. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../src/api/ops.js';
import * as random from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { placeholder } from '../src/graph/symbolic.js';
import { globalVariablesInitializer } from '../src/graph/variable.js';
import { Session } from '../src/graph/session.js';
import { loadMnist } from '../src/data/mnist.js';
import { lenet5 } from '../examples/4-lenet5.js';

function rows(t: Tensor, start: number, count: number, shape?: number[]): Tensor {
  const rowSize = t.size / t.shape[0];
  return new Tensor(t.data.subarray(start * rowSize, (start + count) * rowSize) as typeof t.data, [count, ...(shape ?? t.shape.slice(1))]);
}

test('lenet5(x, y) has the spec\'s layers and returns [softmax output, train op, loss, accuracy]', () => {
  const x = placeholder('float32', [null, 28, 28, 1]);
  const y = placeholder('float32', [null, 10]);
  const [yPred, trainOp, loss, acc] = lenet5(x, y);
  assert.deepEqual(yPred.shape, [null, 10]);
  assert.equal(yPred.node.op?.name, 'Softmax');
  assert.deepEqual(loss.shape, []);
  assert.deepEqual(acc.shape, []);
  assert.equal(trainOp.op?.name, 'Adam');
  // the variables Adam updates, in order: conv 5×5×1×6, conv 5×5×6×16, dense 400→120→84→10, each with a bias
  const vars = (trainOp.attrs as { vars: { shape: number[] }[] }).vars.map((v) => v.shape);
  assert.deepEqual(vars, [[5, 5, 1, 6], [6], [5, 5, 6, 16], [16], [400, 120], [120], [120, 84], [84], [84, 10], [10]]);
});

test('LeNet-5 trained 300 steps (batch 32) on 2,000 MNIST images beats 90% on 1,000 held-out images', async () => {
  const mnist = await loadMnist();
  random.seed(0);
  const x = placeholder('float32', [null, 28, 28, 1]);
  const y = placeholder('int32', [null]);
  const [, trainOp, loss, acc] = lenet5(x, ops.oneHot(y, 10));
  const sess = new Session();
  sess.run(globalVariablesInitializer());
  const n = 2000, batch = 32;
  const xTrain = rows(mnist.xTrain, 0, n, [28, 28, 1]);
  const yTrain = rows(mnist.yTrain, 0, n);
  let step = 0;
  while (step < 300) {
    const p = random.permutation(n);
    for (let i = 0; i + batch <= n && step < 300; i += batch, step++) {
      const xb = new Tensor(new Float32Array(batch * 784), [batch, 28, 28, 1]);
      const yb = new Tensor(new Int32Array(batch), [batch]);
      for (let k = 0; k < batch; k++) {
        const j = p.data[i + k];
        xb.data.set(xTrain.data.subarray(j * 784, (j + 1) * 784), k * 784);
        yb.data[k] = yTrain.data[j];
      }
      sess.run(trainOp, [[x, xb], [y, yb]]);
    }
  }
  const [lossV, accV] = sess.run([loss, acc], [[x, rows(mnist.xValid, 0, 1000, [28, 28, 1])], [y, rows(mnist.yValid, 0, 1000)]]);
  const heldOut = accV!.data[0];
  console.log(`held-out accuracy after 300 steps: ${heldOut}, loss ${lossV!.data[0]}`);
  assert.ok(heldOut > 0.9, `held-out accuracy ${heldOut}`);
});
