/**
 * The LeNet-5 peer in TensorFlow.js ops (He-normal weights, Adam): what the Node bench (bench/lenet-graph.ts)
 * and the browser bench (web/src/bench-worker.ts) time against ours. `tf` is passed in because the browser
 * loads TensorFlow.js lazily, after choosing its backend.
 */
import type * as TF from '@tensorflow/tfjs';

export interface TfjsLenet {
  logitsOf: (x: TF.Tensor4D) => TF.Tensor;
  optimizer: TF.Optimizer;
  /** Frees the weights and the optimizer's state (several backends may be timed in one process). */
  dispose(): void;
}

export function tfjsLenet(tf: typeof TF): TfjsLenet {
  const he = (shape: number[], fanIn: number) => tf.variable(tf.truncatedNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', 1));
  const w1 = he([5, 5, 1, 6], 25), b1 = tf.variable(tf.zeros([6]));
  const w2 = he([5, 5, 6, 16], 150), b2 = tf.variable(tf.zeros([16]));
  const w3 = he([400, 120], 400), b3 = tf.variable(tf.zeros([120]));
  const w4 = he([120, 84], 120), b4 = tf.variable(tf.zeros([84]));
  const w5 = he([84, 10], 84), b5 = tf.variable(tf.zeros([10]));
  const logitsOf = (x: TF.Tensor4D): TF.Tensor => {
    let a: TF.Tensor = tf.relu(tf.add(tf.conv2d(x, w1 as TF.Tensor4D, 1, 'same'), b1));
    a = tf.maxPool(a as TF.Tensor4D, 2, 2, 'valid');
    a = tf.relu(tf.add(tf.conv2d(a as TF.Tensor4D, w2 as TF.Tensor4D, 1, 'valid'), b2));
    a = tf.maxPool(a as TF.Tensor4D, 2, 2, 'valid');
    a = tf.reshape(a, [-1, 400]);
    a = tf.relu(tf.add(tf.matMul(a as TF.Tensor2D, w3), b3));
    a = tf.relu(tf.add(tf.matMul(a as TF.Tensor2D, w4), b4));
    return tf.add(tf.matMul(a as TF.Tensor2D, w5), b5);
  };
  const optimizer = tf.train.adam();
  const dispose = () => {
    tf.dispose([w1, b1, w2, b2, w3, b3, w4, b4, w5, b5]);
    optimizer.dispose();
  };
  return { logitsOf, optimizer, dispose };
}
