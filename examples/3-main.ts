/**
 * Port of the spec's 3-main.py: pool_backward (max, 3×3, stride 3) on the first 10 images and their negatives.
 * Every element equal to its window's max receives the gradient, so the output is the spec's exactly.
 */
import * as cn from '../src/index.js';

cn.setPrintOptions({ legacy: '2.2' }); // print as the NumPy of the spec's era
cn.random.seed(0);
const lib = await cn.loadMnist();
const X_train = lib.xTrain;
const [, h, w] = X_train.shape;
const X_train_a = cn.sliceRows(X_train, 0, 10).reshape([-1, h, w, 1]).astype('float64');
const X_train_b = cn.sub(1, X_train_a);
const X_train_c = cn.concat([X_train_a, X_train_b], 3);

const dA = cn.random.randn(10, Math.floor(h / 3), Math.floor(w / 3), 2);
console.log(cn.poolBackward(dA, X_train_c, [3, 3], [3, 3]).toString());
