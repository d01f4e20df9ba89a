/** Port of the spec's 1-main.py: 2×2 max pooling, stride 2, over the images and their negatives. */
import * as cn from '../src/index.js';
import { imshow, outputDir, pyShape } from './util.js';

cn.random.seed(0);
const lib = await cn.loadMnist();
const X_train = lib.xTrain;
const [, h, w] = X_train.shape;
const X_train_a = X_train.reshape([-1, h, w, 1]);
const X_train_b = cn.sub(1, X_train_a);
const X_train_c = cn.concat([X_train_a, X_train_b], 3);

const dir = outputDir('1-main');
console.log(pyShape(X_train_c.shape));
console.log(`saved ${imshow(dir, 'X_train_c_0_channel0.png', X_train_c, 0, 0)}`);
console.log(`saved ${imshow(dir, 'X_train_c_0_channel1.png', X_train_c, 0, 1)}`);
const A = cn.poolForward(X_train_c, [2, 2], [2, 2]);
console.log(pyShape(A.shape));
console.log(`saved ${imshow(dir, 'A_0_channel0.png', A, 0, 0)}`);
console.log(`saved ${imshow(dir, 'A_0_channel1.png', A, 0, 1)}`);
