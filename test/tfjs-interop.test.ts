/**
 * Interoperability with TensorFlow.js (devDependency, CPU backend) both ways, through IO handlers that
 * read and write the same files as model.save / loadLayersModel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as random from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import * as layers from '../src/layers/index.js';
import { input, model, loadLayersModel } from '../src/models/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convnet-tfjs-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** tf.io handler reading our files: model.json's topology and manifest, weights.bin's bytes. */
function fileReader(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
      const bin = fs.readFileSync(path.join(dir, 'weights.bin'));
      const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.length);
      return { modelTopology: json.modelTopology, weightSpecs, weightData, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy };
    },
  };
}

/** tf.io handler writing model.json + weights.bin as model.save does. */
function fileWriter(dir: string): tf.io.IOHandler {
  return {
    save: async (art: tf.io.ModelArtifacts) => {
      fs.mkdirSync(dir, { recursive: true });
      const json = {
        format: art.format, generatedBy: art.generatedBy, convertedBy: art.convertedBy ?? null,
        modelTopology: art.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }],
      };
      fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
      fs.writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(art.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    },
  };
}

function tfPredict(m: tf.LayersModel, x: Tensor): Float32Array {
  return tf.tidy(() => (m.predict(tf.tensor(x.data as Float32Array, x.shape)) as tf.Tensor).dataSync() as Float32Array);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

test('a LeNet-like model we save loads in TensorFlow.js and predicts the same (1e-5)', async () => {
  await tf.setBackend('cpu');
  random.seed(21);
  const X = input({ shape: [16, 16, 1] });
  let a = layers.conv2d({ filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }).apply(X);
  a = layers.maxPooling2d({ poolSize: 2, strides: 2 }).apply(a);
  a = layers.conv2d({ filters: 8, kernelSize: 3, padding: 'valid', activation: 'relu', kernelInitializer: 'heNormal' }).apply(a);
  a = layers.averagePooling2d({ poolSize: 2, strides: 2 }).apply(a);
  a = layers.flatten().apply(a);
  a = layers.dense({ units: 12, activation: 'relu', kernelInitializer: 'heNormal' }).apply(a);
  a = layers.dense({ units: 10, activation: 'softmax', kernelInitializer: 'heNormal' }).apply(a);
  const ours = model({ inputs: X, outputs: a });
  // bias non-zero, so a wrong bias mapping cannot go unnoticed
  ours.setWeights(ours.getWeights().map((w) => { const c = w.clone(); if (w.rank === 1) c.data.forEach((_, i) => { c.data[i] = 0.05 * ((i % 5) - 2); }); return c; }));
  const dir = path.join(tmp, 'ours');
  await ours.save(dir);
  const theirs = await tf.loadLayersModel(fileReader(dir));
  assert.equal(theirs.countParams(), ours.countParams());
  const x = random.rand(6, 16, 16, 1).astype('float32');
  const d = maxDiff(ours.predict(x).data, tfPredict(theirs, x));
  assert.ok(d < 1e-5, `max difference ${d}`);
  theirs.dispose();
});

test('a dense layer on rank-3 inputs saves and loads both ways with TensorFlow.js (1e-5)', async () => {
  await tf.setBackend('cpu');
  random.seed(23);
  const X = input({ shape: [5, 4] });
  let a = layers.dense({ units: 3, activation: 'relu' }).apply(X);
  a = layers.dense({ units: 2, activation: 'softmax' }).apply(a);
  const ours = model({ inputs: X, outputs: a });
  const dir = path.join(tmp, 'dense3');
  await ours.save(dir);
  const theirs = await tf.loadLayersModel(fileReader(dir));
  const x = random.randn(7, 5, 4).astype('float32');
  const mine = ours.predict(x);
  assert.deepEqual(mine.shape, [7, 5, 2]);
  assert.ok(maxDiff(mine.data, tfPredict(theirs, x)) < 1e-5);
  const again = path.join(tmp, 'dense3-theirs');
  await theirs.save(fileWriter(again));
  assert.ok(maxDiff((await loadLayersModel(again)).predict(x).data, mine.data) < 1e-6);
  theirs.dispose();
});

test('a LeNet-like model TensorFlow.js builds and saves loads here and predicts the same (1e-5)', async () => {
  await tf.setBackend('cpu');
  // seeded initializers, so the run is the same every time
  const he = (seed: number) => tf.initializers.heNormal({ seed });
  const glorot = (seed: number) => tf.initializers.glorotUniform({ seed });
  const rn = (seed: number) => tf.initializers.randomNormal({ seed, stddev: 0.1 });
  const s = tf.sequential();
  s.add(tf.layers.conv2d({ inputShape: [16, 16, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: he(1), biasInitializer: rn(2) }));
  s.add(tf.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
  s.add(tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'valid', activation: 'relu', kernelInitializer: glorot(3), biasInitializer: rn(4) }));
  s.add(tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }));
  s.add(tf.layers.flatten());
  s.add(tf.layers.dense({ units: 12, activation: 'relu', kernelInitializer: glorot(5), biasInitializer: rn(6) }));
  s.add(tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: glorot(7) }));
  const dir = path.join(tmp, 'theirs');
  await s.save(fileWriter(dir));
  const ours = await loadLayersModel(dir);
  assert.equal(ours.countParams(), s.countParams());
  random.seed(22);
  const x = random.rand(6, 16, 16, 1).astype('float32');
  const d = maxDiff(ours.predict(x).data, tfPredict(s, x));
  assert.ok(d < 1e-5, `max difference ${d}`);
  // and what we read, we write back in a form TensorFlow.js reads again
  const again = path.join(tmp, 'again');
  await ours.save(again);
  const back = await tf.loadLayersModel(fileReader(again));
  assert.ok(maxDiff(tfPredict(back, x), tfPredict(s, x)) < 1e-6);
  s.dispose();
  back.dispose();
});

test('a TensorFlow.js functional model (tf.model) loads here too', async () => {
  await tf.setBackend('cpu');
  const inp = tf.input({ shape: [6] });
  const h = tf.layers.dense({ units: 5, activation: 'tanh', kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }), biasInitializer: 'ones' }).apply(inp) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }) }).apply(h) as tf.SymbolicTensor;
  const m = tf.model({ inputs: inp, outputs: out });
  const dir = path.join(tmp, 'functional');
  await m.save(fileWriter(dir));
  const ours = await loadLayersModel(dir);
  assert.equal(ours.className, 'Model');
  random.seed(23);
  const x = random.rand(4, 6).astype('float32');
  assert.ok(maxDiff(ours.predict(x).data, tfPredict(m, x)) < 1e-5);
  m.dispose();
});
