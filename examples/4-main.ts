/**
 * Port of the spec's 4-main.py: LeNet-5 (graph form) on MNIST, batch 32, reshuffled every epoch.
 * Usage: node dist/examples/4-main.js [--epochs 5] [--out DIR (default out/examples)]
 * The per-epoch cost/accuracy over the full training and validation sets is evaluated in chunks of
 * 1,000 images (TensorFlow fed all 50,000 at once) and averaged, which gives the same numbers.
 */
import * as ops from '../src/api/ops.js';
import * as random from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { sliceRows as rows, takeRows as take } from '../src/tensor/indexing.js';
import { placeholder, type SymbolicTensor } from '../src/graph/symbolic.js';
import { globalVariablesInitializer } from '../src/graph/variable.js';
import { Session } from '../src/graph/session.js';
import { loadMnist } from '../src/data/mnist.js';
import { imshowTitled, intFlag, outputDir } from './util.js';
import { lenet5 } from './4-lenet5.js';

/** sess.run((loss, acc), feed_dict={x: X, y: Y}) over the whole set, in chunks, weighted by chunk size. */
function evaluate(sess: Session, fetches: SymbolicTensor[], x: SymbolicTensor, y: SymbolicTensor, X: Tensor, Y: Tensor, chunk = 1000): number[] {
  const totals = fetches.map(() => 0);
  for (let i = 0; i < X.shape[0]; i += chunk) {
    const xb = rows(X, i, chunk);
    const values = sess.run(fetches, [[x, xb], [y, rows(Y, i, chunk)]]);
    values.forEach((v, k) => { totals[k] += v!.data[0] * xb.shape[0]; });
  }
  return totals.map((t) => t / X.shape[0]);
}

async function main(): Promise<void> {
  const epochs = intFlag('epochs', 5);

  random.seed(0);
  const lib = await loadMnist();
  const xTrain = lib.xTrain, yTrain = lib.yTrain;
  const xValid = lib.xValid, yValid = lib.yValid;
  const [m, h, w] = xTrain.shape;
  const xTrainC = xTrain.reshape([-1, h, w, 1]);
  const xValidC = xValid.reshape([-1, h, w, 1]);
  const x = placeholder('float32', [null, h, w, 1]);
  const y = placeholder('int32', [null]);
  const yOh = ops.oneHot(y, 10);
  const [yPred, trainOp, loss, acc] = lenet5(x, yOh);
  const batchSize = 32;
  const init = globalVariablesInitializer();
  const sess = new Session();
  sess.run(init);
  const report = (epoch: number) => {
    const [cost, accuracy] = evaluate(sess, [loss, acc], x, y, xTrainC, yTrain);
    const [costValid, accuracyValid] = evaluate(sess, [loss, acc], x, y, xValidC, yValid);
    console.log(`After ${epoch} epochs: ${cost} cost, ${accuracy} accuracy, ${costValid} validation cost, ${accuracyValid} validation accuracy`);
  };
  for (let epoch = 0; epoch < epochs; epoch++) {
    report(epoch);
    const p = random.permutation(m);
    const xShuffle = take(xTrainC, p);
    const yShuffle = take(yTrain, p);
    for (let i = 0; i < m; i += batchSize) {
      const xBatch = rows(xShuffle, i, batchSize);
      const yBatch = rows(yShuffle, i, batchSize);
      sess.run(trainOp, [[x, xBatch], [y, yBatch]]);
    }
  }
  report(epochs);
  const first = sess.run(yPred, [[x, rows(xValidC, 0, 1)], [y, rows(yValid, 0, 1)]])!;
  console.log(rows(first, 0, 1).reshape([10]).toString());
  const predicted = (ops.argMax(first, 1) as Tensor).data[0];
  console.log(imshowTitled(outputDir('4-main'), 'X_valid_0', xValid, 0, yValid.data[0], predicted));
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
