/**
 * Port of the spec's 5-main.py: LeNet-5 (layers form) on MNIST, batch 32, validation on xValid,
 * Keras' progress bar, then the predictions for the validation set and the first image saved as a PNG
 * titled "label : prediction" (matplotlib's imshow + title, shown by plt.show() in the spec).
 * Usage: node dist/examples/5-main.js [--epochs 5] [--out DIR (default out/examples)]
 */
import * as random from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { argMax } from '../src/api/ops.js';
import { loadMnist } from '../src/data/mnist.js';
import { imshowTitled, intFlag, outputDir } from './util.js';
import { input } from '../src/models/index.js';
import { toCategorical } from '../src/utils/index.js';
import { lenet5 } from './5-lenet5.js';

async function main(): Promise<void> {
  const epochs = intFlag('epochs', 5);

  random.seed(0);
  const lib = await loadMnist();
  const xTrain = lib.xTrain;
  const [, h, w] = xTrain.shape;
  const xTrainC = xTrain.reshape([-1, h, w, 1]);
  const yTrain = lib.yTrain;
  const yTrainOh = toCategorical(yTrain, 10);
  const xValid = lib.xValid;
  const xValidC = xValid.reshape([-1, h, w, 1]);
  const yValid = lib.yValid;
  const yValidOh = toCategorical(yValid, 10);

  const X = input({ shape: [h, w, 1] });
  const model = lenet5(X);
  const batchSize = 32;
  await model.fit(xTrainC, yTrainOh, { batchSize, epochs, validationData: [xValidC, yValidOh] });

  const yPred = model.predict(xValidC);
  console.log(yPred.toString());
  const predicted = argMax(yPred, 1) as Tensor;
  console.log(imshowTitled(outputDir('5-main'), 'X_valid_0', xValid, 0, yValid.data[0], predicted.data[0]));
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
