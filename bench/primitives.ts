/**
 * The spec's primitives, ours (plain TypeScript kernels) against TensorFlow.js's CPU backend, float32,
 * plus our float64 timings. Run: node dist/bench/primitives.js   (BENCH_SCALE=0.1 for a quick run:
 * scales the batch sizes of the big workloads).
 */
import * as os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { Tensor } from '../src/tensor/tensor.js';
import { convForward } from '../src/ops/primitives/conv-forward.js';
import { poolForward } from '../src/ops/primitives/pool-forward.js';
import { convBackward } from '../src/ops/primitives/conv-backward.js';
import { filledRandom, fmtMs, formatTable, timeIt } from './util.js';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const REPS = Number(process.env.BENCH_REPS ?? '3');
const batch = (n: number) => Math.max(1, Math.round(n * SCALE));

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
const rand = (ctor: Ctor, shape: number[], seed: number) => new Tensor(filledRandom(new ctor(size(shape)), seed), shape);

/** In-place relu: the activation may return its argument. */
const reluInPlace = (z: Tensor): Tensor => {
  const d = z.data;
  for (let i = 0; i < d.length; i++) if (d[i] < 0) d[i] = 0;
  return z;
};

interface Workload {
  name: string;
  ours: (ctor: Ctor) => () => unknown;   // builds inputs, returns the timed closure
  tfjs: () => () => unknown;
}

function convForwardWorkload(name: string, x: number[], w: number[], padding: 'same' | 'valid'): Workload {
  return {
    name,
    ours: (ctor) => {
      const a = rand(ctor, x, 1), W = rand(ctor, w, 2), b = rand(ctor, [1, 1, 1, w[3]], 3);
      return () => convForward(a, W, b, reluInPlace, padding);
    },
    tfjs: () => {
      const a = tf.tensor4d(filledRandom(new Float32Array(size(x)), 1), x as never);
      const W = tf.tensor4d(filledRandom(new Float32Array(size(w)), 2), w as never);
      const b = tf.tensor1d(filledRandom(new Float32Array(w[3]), 3));
      return () => tf.tidy(() => { tf.relu(tf.add(tf.conv2d(a, W, 1, padding), b)).dataSync(); });
    },
  };
}

function maxPoolWorkload(name: string, x: number[]): Workload {
  return {
    name,
    ours: (ctor) => { const a = rand(ctor, x, 4); return () => poolForward(a, [2, 2], [2, 2], 'max'); },
    tfjs: () => {
      const a = tf.tensor4d(filledRandom(new Float32Array(size(x)), 4), x as never);
      return () => tf.tidy(() => { tf.maxPool(a, 2, 2, 'valid').dataSync(); });
    },
  };
}

/** Both backprops and the bias gradient (what convBackward returns); forward too when withForward. */
function convTrainWorkload(name: string, x: number[], w: number[], padding: 'same' | 'valid', withForward: boolean): Workload {
  const outShape = (): number[] => {
    const oh = padding === 'same' ? x[1] : x[1] - w[0] + 1;
    const ow = padding === 'same' ? x[2] : x[2] - w[1] + 1;
    return [x[0], oh, ow, w[3]];
  };
  return {
    name,
    ours: (ctor) => {
      const a = rand(ctor, x, 5), W = rand(ctor, w, 6), b = rand(ctor, [1, 1, 1, w[3]], 7);
      const dZ = rand(ctor, outShape(), 8);
      return () => {
        if (withForward) convForward(a, W, b, reluInPlace, padding);
        return convBackward(dZ, a, W, b, padding);
      };
    },
    tfjs: () => {
      const a = tf.tensor4d(filledRandom(new Float32Array(size(x)), 5), x as never);
      const W = tf.tensor4d(filledRandom(new Float32Array(size(w)), 6), w as never);
      const b = tf.tensor1d(filledRandom(new Float32Array(w[3]), 7));
      const dZ = tf.tensor4d(filledRandom(new Float32Array(size(outShape())), 8), outShape() as never);
      const attrs = { strides: [1, 1], pad: padding, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined };
      return () => tf.tidy(() => {
        if (withForward) tf.relu(tf.add(tf.conv2d(a, W, 1, padding), b)).dataSync();
        const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy: dZ, filter: W }, { ...attrs, inputShape: x } as never) as tf.Tensor;
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: a, dy: dZ }, { ...attrs, filterShape: w } as never) as tf.Tensor;
        const db = tf.sum(dZ, [0, 1, 2]);
        dx.dataSync(); dw.dataSync(); db.dataSync();
      });
    },
  };
}

const WORKLOADS: Workload[] = [
  convForwardWorkload(`0-main conv 3x3x1x2 valid + relu, ${batch(50000)}x28x28x1`, [batch(50000), 28, 28, 1], [3, 3, 1, 2], 'valid'),
  maxPoolWorkload(`1-main max pool 2x2/2, ${batch(50000)}x28x28x2`, [batch(50000), 28, 28, 2]),
  convTrainWorkload(`2-main conv backward 3x3x1x2 valid, ${batch(1000)}x28x28x1`, [batch(1000), 28, 28, 1], [3, 3, 1, 2], 'valid', false),
  convTrainWorkload('LeNet conv1 5x5x1x6 same, 32x28x28x1: fwd+bwd', [32, 28, 28, 1], [5, 5, 1, 6], 'same', true),
  convTrainWorkload('LeNet conv2 5x5x6x16 valid, 32x14x14x6: fwd+bwd', [32, 14, 14, 6], [5, 5, 6, 16], 'valid', true),
];

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
  const only = process.env.BENCH_ONLY;
  const rows: string[][] = [];
  const rows64: string[][] = [];
  for (const wl of WORKLOADS) {
    if (only && !wl.name.includes(only)) continue;
    const ours = await timeIt(wl.ours(Float32Array), REPS);
    const theirs = await timeIt(wl.tfjs(), REPS);
    rows.push([wl.name, fmtMs(ours.medianMs), fmtMs(theirs.medianMs), (theirs.medianMs / ours.medianMs).toFixed(2) + 'x',
      `${ours.reps}/${theirs.reps}`]);
    console.log(`  done: ${wl.name}`);
    const ours64 = await timeIt(wl.ours(Float64Array), REPS);
    rows64.push([wl.name, fmtMs(ours64.medianMs), (ours64.medianMs / ours.medianMs).toFixed(2) + 'x']);
  }
  console.log(`\nfloat32: median of up to ${REPS} runs after 1 warm-up (fewer when a run is long), ms, one thread;` +
    ` tfjs ${tf.version.tfjs} backend cpu; os load average at the end ${os.loadavg()[0].toFixed(1)}`);
  console.log(formatTable(['workload', 'ours ms', 'tfjs-cpu ms', 'tfjs/ours', 'runs ours/tfjs'], rows));
  console.log('\nfloat64, ours only');
  console.log(formatTable(['workload', 'ours ms', 'vs ours f32'], rows64));
}

await main();
console.log(`RSS at the end: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
