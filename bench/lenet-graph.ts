/**
 * LeNet-5 training step (batch 32, float32, MNIST batches): our graph engine against TensorFlow.js's CPU
 * backend and its WASM backend, training the same model (same layers, he-normal init, Adam, softmax
 * cross-entropy) in the same run. Prints examples/second, the projected time of one 50,000-image epoch,
 * and the ratios. Run: node dist/bench/lenet-graph.js   (BENCH_STEPS=n timed steps per engine, default 30)
 */
import * as tf from '@tensorflow/tfjs';
import * as ops from '../src/api/ops.js';
import * as random from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { placeholder } from '../src/graph/symbolic.js';
import { globalVariablesInitializer } from '../src/graph/variable.js';
import { Session } from '../src/graph/session.js';
import { loadMnist } from '../src/data/mnist.js';
import { lenet5 } from '../examples/4-lenet5.js';
import { formatTable } from './util.js';
import { getBackend, setBackend, wasmAvailable, type BackendName } from '../src/kernels/backend.js';
import { allocatedBytes } from '../src/wasm/heap.js';

const BATCH = 32;
const EPOCH = 50000;
const STEPS = Number(process.env.BENCH_STEPS ?? '30');
const WARMUP = 5;

interface Result { engine: string; msPerStep: number | null; note: string }

/** `count` batches of 32 consecutive MNIST training images (float32 NHWC) and int32 labels. */
async function mnistBatches(count: number): Promise<{ x: Float32Array; y: Int32Array }[]> {
  const m = await loadMnist();
  const out = [];
  for (let b = 0; b < count; b++) {
    const start = (b * BATCH) % (m.xTrain.shape[0] - BATCH);
    out.push({
      x: (m.xTrain.data as Float32Array).slice(start * 784, (start + BATCH) * 784),
      y: (m.yTrain.data as Int32Array).slice(start, start + BATCH),
    });
  }
  return out;
}

/** Memory seen around the timed steps of the last engine timed with `timeSteps` (flat = no leak). */
let memory = { heapBefore: 0, heapAfter: 0, rssMB: 0 };

function timeSteps(step: (i: number) => void): number {
  for (let i = 0; i < WARMUP; i++) step(i);
  const heapBefore = wasmAvailable() ? allocatedBytes() : 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < STEPS; i++) step(WARMUP + i);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / STEPS;
  memory = { heapBefore, heapAfter: wasmAvailable() ? allocatedBytes() : 0, rssMB: process.memoryUsage().rss / 2 ** 20 };
  return ms;
}

function benchOurs(batches: { x: Float32Array; y: Int32Array }[], backend: BackendName): Result {
  setBackend(backend);
  random.seed(0);
  const x = placeholder('float32', [null, 28, 28, 1]);
  const y = placeholder('int32', [null]);
  const [, trainOp] = lenet5(x, ops.oneHot(y, 10));
  const sess = new Session();
  sess.run(globalVariablesInitializer());
  const feeds = batches.map((b) => [[x, new Tensor(b.x, [BATCH, 28, 28, 1])], [y, new Tensor(b.y, [BATCH])]] as const);
  const ms = timeSteps((i) => sess.run(trainOp, feeds[i % feeds.length] as never));
  const label = backend === 'wasm' ? 'WebAssembly SIMD kernels' : 'TypeScript kernels';
  if (backend === 'wasm') {
    console.log(`${label}: wasm heap ${memory.heapBefore} bytes after warm-up, ${memory.heapAfter} after ${STEPS} steps; RSS ${memory.rssMB.toFixed(0)} MB`);
  }
  return { engine: `convnet graph (${label})`, msPerStep: ms, note: '' };
}

/** The same LeNet-5 in TensorFlow.js core ops, trained by tf.train.adam().minimize. */
function benchTfjs(batches: { x: Float32Array; y: Int32Array }[], label: string): Result {
  const he = (shape: number[], fanIn: number) => tf.variable(tf.truncatedNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', 1));
  const w1 = he([5, 5, 1, 6], 25), b1 = tf.variable(tf.zeros([6]));
  const w2 = he([5, 5, 6, 16], 150), b2 = tf.variable(tf.zeros([16]));
  const w3 = he([400, 120], 400), b3 = tf.variable(tf.zeros([120]));
  const w4 = he([120, 84], 120), b4 = tf.variable(tf.zeros([84]));
  const w5 = he([84, 10], 84), b5 = tf.variable(tf.zeros([10]));
  const optimizer = tf.train.adam();
  const xs = batches.map((b) => tf.tensor4d(b.x, [BATCH, 28, 28, 1]));
  const ys = batches.map((b) => tf.oneHot(tf.tensor1d(b.y, 'int32'), 10).toFloat());
  const step = (i: number) => {
    const x = xs[i % xs.length], y = ys[i % ys.length];
    const cost = optimizer.minimize(() => {
      let a: tf.Tensor = tf.relu(tf.add(tf.conv2d(x, w1 as tf.Tensor4D, 1, 'same'), b1));
      a = tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid');
      a = tf.relu(tf.add(tf.conv2d(a as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'valid'), b2));
      a = tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid');
      a = tf.reshape(a, [-1, 400]);
      a = tf.relu(tf.add(tf.matMul(a as tf.Tensor2D, w3), b3));
      a = tf.relu(tf.add(tf.matMul(a as tf.Tensor2D, w4), b4));
      const logits = tf.add(tf.matMul(a as tf.Tensor2D, w5), b5);
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    }, true);
    cost!.dataSync();
    cost!.dispose();
  };
  try {
    const ms = timeSteps(step);
    return { engine: label, msPerStep: ms, note: '' };
  } catch (e) {
    return { engine: label, msPerStep: null, note: `failed: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    tf.dispose([w1, b1, w2, b2, w3, b3, w4, b4, w5, b5, ...xs, ...ys]);
    optimizer.dispose();
  }
}

export async function runLenetGraphBench(): Promise<Result[]> {
  const batches = await mnistBatches(16);
  const initial = getBackend();
  // the default backend first: the ratios are against it
  const results: Result[] = [benchOurs(batches, initial)];
  if (initial === 'wasm') results.push(benchOurs(batches, 'reference'));
  else if (wasmAvailable()) results.push(benchOurs(batches, 'wasm'));
  setBackend(initial);
  await tf.setBackend('cpu');
  results.push(benchTfjs(batches, 'TensorFlow.js cpu'));
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    const ok = await tf.setBackend('wasm');
    if (!ok) throw new Error('setBackend("wasm") returned false');
    results.push(benchTfjs(batches, 'TensorFlow.js wasm'));
  } catch (e) {
    results.push({ engine: 'TensorFlow.js wasm', msPerStep: null, note: `unavailable: ${(e as Error).message.split('\n')[0]}` });
  }
  const ours = results[0].msPerStep!;
  const rows = results.map((r) => r.msPerStep === null
    ? [r.engine, '-', '-', '-', r.note]
    : [r.engine, r.msPerStep.toFixed(1), (BATCH * 1000 / r.msPerStep).toFixed(0),
      `${(EPOCH / BATCH * r.msPerStep / 1000).toFixed(0)} s`, `${(r.msPerStep / ours).toFixed(2)}× ours`]);
  console.log(`LeNet-5 training step, batch ${BATCH}, float32, MNIST (${STEPS} timed steps after ${WARMUP} warm-up)`);
  console.log(formatTable(['engine', 'ms/step', 'examples/s', 'epoch (50k, projected)', 'time vs ours'], rows));
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runLenetGraphBench().catch((e) => { console.error(e); process.exitCode = 1; });
}
