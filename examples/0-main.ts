/**
 * Port of the spec's 0-main.py: conv_forward over all 50,000 MNIST training images with a random 3×3×1×2 kernel.
 * NumPy promotes the float32 images times float64 weights to float64, so we compute in float64 too.
 */
import * as cn from '../src/index.js';
import { imshow, outputDir, pyShape } from './util.js';

cn.random.seed(0);
const lib = await cn.loadMnist();
const X_train = lib.xTrain;
const [, h, w] = X_train.shape;
const X_train_c = X_train.reshape([-1, h, w, 1]).astype('float64');

const W = cn.random.randn(3, 3, 1, 2);
const b = cn.random.randn(1, 1, 1, 2);

const relu = (Z: cn.Tensor): cn.Tensor => cn.relu(Z);

const dir = outputDir('0-main');
console.log(`saved ${imshow(dir, 'X_train_0.png', X_train, 0)}`);
const A = cn.convForward(X_train_c, W, b, relu, 'valid');
console.log(pyShape(A.shape));
console.log(`saved ${imshow(dir, 'A_0_channel0.png', A, 0, 0)}`);
console.log(`saved ${imshow(dir, 'A_0_channel1.png', A, 0, 1)}`);
