/**
 * Port of the spec's 2-main.py: conv_backward on the first 10 images. dA_prev and db depend only on the
 * random W and dZ, so with NumPy's generator they print exactly the spec's numbers; dW also depends on the images.
 */
import * as cn from '../src/index.js';

cn.setPrintOptions({ legacy: '2.2' }); // print as the NumPy of the spec's era
cn.random.seed(0);
const lib = await cn.loadMnist();
const X_train = lib.xTrain;
const [, h, w] = X_train.shape;
const X_train_c = cn.sliceRows(X_train, 0, 10).reshape([-1, h, w, 1]).astype('float64');

const W = cn.random.randn(3, 3, 1, 2);
const b = cn.random.randn(1, 1, 1, 2);

const dZ = cn.random.randn(10, h - 2, w - 2, 2);
console.log(cn.formatTuple(cn.convBackward(dZ, X_train_c, W, b, 'valid').map((t) => t.repr())));
