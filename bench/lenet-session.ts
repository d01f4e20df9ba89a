/**
 * The spec's task-4 LeNet-5 as a graph Session, seeded, variables initialised: what the LeNet benches time.
 * `feeds(x, y, n)` wraps a batch of n images (28×28×1, float32) and labels (int32) for sess.run; without
 * labels (null) it feeds the images only, which is all inference needs.
 */
import * as ops from '../src/api/ops.js';
import * as random from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { placeholder } from '../src/graph/symbolic.js';
import { globalVariablesInitializer } from '../src/graph/variable.js';
import { Session } from '../src/graph/session.js';
import { lenet5 } from '../examples/4-lenet5.js';

export function lenetSession() {
  random.seed(0);
  const x = placeholder('float32', [null, 28, 28, 1]);
  const y = placeholder('int32', [null]);
  const [yPred, trainOp] = lenet5(x, ops.oneHot(y, 10));
  const sess = new Session();
  sess.run(globalVariablesInitializer());
  const feeds = (images: Float32Array, labels: Int32Array | null, n: number) => {
    const xFeed = [x, new Tensor(images, [n, 28, 28, 1])];
    return (labels ? [xFeed, [y, new Tensor(labels, [n])]] : [xFeed]) as never;
  };
  return { sess, yPred, trainOp, feeds };
}
