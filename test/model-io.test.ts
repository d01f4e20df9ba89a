/** Model files: save → load round trips, optimizer-state resume, checkpoints, and refusal of bad files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as random from '../src/tensor/random.js';
import * as layers from '../src/layers/index.js';
import { input, model, sequential, loadLayersModel, LayersModel } from '../src/models/index.js';
import { modelCheckpoint } from '../src/models/callbacks.js';
import { globalVariables } from '../src/graph/variable.js';
import { xorData } from './models-helpers.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convnet-model-io-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => path.join(tmp, `m${dirs++}`);

function convModel(): LayersModel {
  const X = input({ shape: [10, 10, 1] });
  let a = layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' }).apply(X);
  a = layers.maxPooling2d({ poolSize: 2 }).apply(a);
  a = layers.averagePooling2d({ poolSize: 2, strides: 1 }).apply(a);
  a = layers.flatten().apply(a);
  a = layers.dense({ units: 4, activation: 'softmax' }).apply(a);
  return model({ inputs: X, outputs: a });
}

function denseModel(): LayersModel {
  const m = sequential({ layers: [layers.dense({ units: 8, activation: 'relu', inputShape: [2] }), layers.dense({ units: 2, activation: 'softmax' })] });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

test('functional and sequential models save and load back to identical predictions', async () => {
  random.seed(1);
  const x = random.rand(5, 10, 10, 1).astype('float32');
  const m = convModel();
  const dir = freshDir();
  await m.save(dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin'], 'no temporary files left');
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  assert.equal(json.format, 'layers-model');
  assert.equal(json.convertedBy, null);
  assert.equal(json.modelTopology.class_name, 'Model');
  assert.deepEqual(json.modelTopology.config.layers[0].config.batch_input_shape, [null, 10, 10, 1]);
  assert.equal(json.weightsManifest[0].weights[0].name, `${m.layers[0].name}/kernel`);
  assert.equal(fs.statSync(path.join(dir, 'weights.bin')).size, 4 * m.countParams());
  const loaded = await loadLayersModel(path.join(dir, 'model.json'));
  assert.deepEqual(Array.from(loaded.predict(x).data), Array.from(m.predict(x).data));
  assert.deepEqual(loaded.layers.map((l) => l.className), ['Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'Flatten', 'Dense']);

  const { x: xs } = xorData(20);
  const s = denseModel();
  const sdir = freshDir();
  await s.save(sdir);
  const sl = await loadLayersModel(sdir);
  assert.equal(sl.className, 'Sequential');
  assert.deepEqual(Array.from(sl.predict(xs).data), Array.from(s.predict(xs).data));
  assert.ok(sl.compiled !== null, 'trainingConfig compiles the loaded model');
});

test('optimizer state saved with the model resumes training exactly', async () => {
  random.seed(2);
  const { x, y } = xorData(60);
  const init = denseModel().getWeights();
  // uninterrupted: 2 epochs
  const a = denseModel();
  a.setWeights(init);
  random.seed(10);
  await a.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  const rngAfterEpoch1 = random.getState();
  await a.fit(x, y, { epochs: 2, initialEpoch: 1, batchSize: 8, verbose: 0 });
  // interrupted: 1 epoch, save with optimizer, load, 1 more epoch
  const b = denseModel();
  b.setWeights(init);
  random.seed(10);
  await b.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  const dir = freshDir();
  await b.save(dir, { includeOptimizer: true });
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'optimizer.bin', 'weights.bin']);
  const c = await loadLayersModel(dir);
  random.setState(rngAfterEpoch1);
  await c.fit(x, y, { epochs: 2, initialEpoch: 1, batchSize: 8, verbose: 0 });
  const wa = a.getWeights(), wc = c.getWeights();
  wa.forEach((w, i) => assert.deepEqual(Array.from(wc[i].data), Array.from(w.data)));
  // without the optimizer state Adam restarts (step 1), and the weights differ
  const d = await loadLayersModel(await (async () => { const dd = freshDir(); await b.save(dd); return dd; })());
  random.setState(rngAfterEpoch1);
  await d.fit(x, y, { epochs: 2, initialEpoch: 1, batchSize: 8, verbose: 0 });
  assert.notDeepEqual(Array.from(d.getWeights()[0].data), Array.from(wa[0].data));
});

test('modelCheckpoint saves every epoch, or only improvements with saveBestOnly', async () => {
  random.seed(3);
  const { x, y } = xorData(40);
  const m = denseModel();
  const dir = freshDir();
  const every = modelCheckpoint(path.join(dir, 'e{epoch}'));
  const best = modelCheckpoint(path.join(dir, 'best'), { saveBestOnly: true, monitor: 'loss' });
  const h = await m.fit(x, y, { epochs: 3, verbose: 0, callbacks: [every, best] });
  assert.deepEqual(every.saved, ['e1', 'e2', 'e3'].map((d) => path.join(dir, d)));
  const improvements = h.history.loss.filter((l, i) => h.history.loss.slice(0, i).every((p) => l < p)).length;
  assert.equal(best.saved.length, improvements);
  const last = await loadLayersModel(path.join(dir, 'e3'));
  assert.deepEqual(Array.from(last.predict(x).data), Array.from(m.predict(x).data));
});

test('modelCheckpoint refuses an unwritable directory before the first epoch, not after it', async () => {
  random.seed(8);
  const { x, y } = xorData(40);
  const parent = freshDir();
  fs.mkdirSync(parent, { recursive: true });
  const file = path.join(parent, 'plain-file');
  fs.writeFileSync(file, 'x');
  let epochsStarted = 0;
  const counter = { onEpochBegin: () => { epochsStarted++; } };
  for (const target of [path.join(file, 'ckpt'), path.join(file, 'e{epoch}')]) {
    await assert.rejects(
      denseModel().fit(x, y, { epochs: 2, verbose: 0, callbacks: [counter, modelCheckpoint(target)] }),
      /^Error: dir: cannot write to .*plain-file.*ENOTDIR/,
    );
  }
  assert.equal(epochsStarted, 0);
  assert.deepEqual(fs.readdirSync(parent), ['plain-file'], 'the probe leaves nothing behind');
});

/** Saves a model, lets `edit` change its JSON (and weights) in place, and returns the directory. */
async function saveEdited(edit: (json: any, dir: string) => void): Promise<string> {
  random.seed(4);
  const dir = freshDir();
  await convModel().save(dir);
  const file = path.join(dir, 'model.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  edit(json, dir);
  fs.writeFileSync(file, JSON.stringify(json));
  return dir;
}

/** The load of an edited model (to assert its rejection). */
async function loadEdited(edit: (json: any, dir: string) => void): Promise<Promise<unknown>> {
  return loadLayersModel(await saveEdited(edit));
}

test('a model.json is data: unknown classes, activations, initializers and bad weights are Errors', async () => {
  await assert.rejects(loadEdited((j) => { j.modelTopology.config.layers[2].class_name = 'Lambda'; }),
    /^Error: modelTopology: unknown layer class "Lambda" \(layer 'max_pooling2d\S*'\); supported: InputLayer, Conv2D/);
  await assert.rejects(loadEdited((j) => { j.modelTopology.config.layers[5].config.activation = 'myActivation'; }),
    /^Error: modelTopology: layer 'dense\S*' has unknown activation "myActivation"/);
  await assert.rejects(loadEdited((j) => { j.modelTopology.config.layers[1].config.kernel_initializer = { class_name: 'MyInit', config: {} }; }),
    /^Error: modelTopology: layer 'conv2d\S*' kernel_initializer has unknown initializer "MyInit"/);
  await assert.rejects(loadEdited((j) => { j.modelTopology.class_name = 'MyModel'; }), /^Error: modelTopology: unknown model class "MyModel"/);
  await assert.rejects(loadEdited((j) => { j.format = 'graph-model'; }), /^Error: format: .* is a "graph-model" model/);
  await assert.rejects(loadEdited((_j, dir) => { fs.appendFileSync(path.join(dir, 'weights.bin'), new Uint8Array(4)); }),
    /^Error: weightsManifest: group 0 \(weights\.bin\) has \d+ bytes, the manifest describes \d+/);
  await assert.rejects(loadEdited((j) => { j.weightsManifest[0].weights[0].shape = [3, 3, 1, 2]; }),
    /^Error: weightsManifest: group 0 \(weights\.bin\) has \d+ bytes/);
  await assert.rejects(loadEdited((j) => { j.weightsManifest[0].weights[0].name = 'other/kernel'; }),
    /^Error: weightsManifest: weight 'conv2d\S*\/kernel' of layer 'conv2d\S*' \(Conv2D\) is missing from the file/);
  await assert.rejects(loadEdited((j) => { j.weightsManifest[0].paths = ['../escape.bin']; }), /^Error: weightsManifest: group 0 has an unsafe path/);
  await assert.rejects(loadLayersModel(path.join(tmp, 'nothing-here')), /^Error: path: cannot read the model file/);
});

/** Like loadEdited, but asserts the refusal came before any layer was built: no variable was created. */
async function rejectsBeforeBuilding(edit: (json: any, dir: string) => void, pattern: RegExp, label: string): Promise<void> {
  const dir = await saveEdited(edit);
  const before = globalVariables().length;
  await assert.rejects(loadLayersModel(dir), pattern, label);
  assert.equal(globalVariables().length, before, `${label}: variables were created before the refusal`);
}

test('a model.json is data: custom objects, extra or missing weights and a bad training config are refused before building', async () => {
  const dense = (j: any) => j.modelTopology.config.layers.find((l: any) => l.class_name === 'Dense');
  await rejectsBeforeBuilding((j) => { Object.assign(dense(j), { module: 'my_package.layers', registered_name: 'MyDense' }); },
    /^Error: modelTopology: layer 'dense\S*' is a custom object \(class "Dense", module "my_package.layers", registered_name "MyDense"\)/, 'Keras 3 custom object');
  await rejectsBeforeBuilding((j) => { dense(j).registered_name = 'Custom>Dense'; }, /^Error: modelTopology: layer 'dense\S*' is a custom object/, 'registered_name only');
  await rejectsBeforeBuilding((j) => { dense(j).config.activation = { class_name: 'function', config: 'lambda x: x', module: 'builtins' }; },
    /^Error: modelTopology: layer 'dense\S*' has unknown activation Object object/, 'a function as activation');
  await rejectsBeforeBuilding((j) => { j.modelTopology.config.layers[1].class_name = 'constructor'; }, /^Error: modelTopology: unknown layer class "constructor"/, 'prototype key as class');
  await rejectsBeforeBuilding((j, dir) => {
    j.weightsManifest[0].weights.push({ name: 'evil/kernel', shape: [1], dtype: 'float32' });
    fs.appendFileSync(path.join(dir, 'weights.bin'), new Uint8Array(4));
  }, /^Error: weightsManifest: weights 'evil\/kernel' match no layer of the model/, 'an extra weight (bytes consistent)');
  await rejectsBeforeBuilding((j, dir) => {
    const last = j.weightsManifest[0].weights.pop();
    const bytes = fs.readFileSync(path.join(dir, 'weights.bin'));
    fs.writeFileSync(path.join(dir, 'weights.bin'), bytes.subarray(0, bytes.length - 4 * last.shape.reduce((p: number, d: number) => p * d, 1)));
  }, /^Error: weightsManifest: weight 'dense\S*\/bias' of layer 'dense\S*' \(Dense\) is missing from the file/, 'a missing weight (bytes consistent)');
  await rejectsBeforeBuilding((j, dir) => { fs.appendFileSync(path.join(dir, 'weights.bin'), new Uint8Array(4)); }, /^Error: weightsManifest: group 0/, 'bytes differ');
  await rejectsBeforeBuilding((j) => { j.trainingConfig = { loss: 'my_loss', metrics: [], optimizer_config: { class_name: 'Adam', config: {} } }; }, /^Error: loss: expected one of/, 'custom loss');
  await rejectsBeforeBuilding((j) => { j.trainingConfig = { loss: 'categorical_crossentropy', metrics: ['f1'], optimizer_config: { class_name: 'Adam', config: {} } }; }, /^Error: metrics:/, 'custom metric');
  await rejectsBeforeBuilding((j) => { j.trainingConfig = { loss: 'categorical_crossentropy', optimizer_config: { class_name: 'MyOpt', config: {} } }; }, /^Error: trainingConfig: unknown optimizer "MyOpt"/, 'custom optimizer');
  // Keras 3's markers on its own layers are fine.
  random.seed(4);
  const dir = freshDir();
  const m = convModel();
  await m.save(dir);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  for (const l of json.modelTopology.config.layers) Object.assign(l, { module: 'keras.layers', registered_name: null });
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
  assert.equal((await loadLayersModel(dir)).countParams(), m.countParams());
});

test('save writes atomically: a failed save leaves the previous model intact', async () => {
  random.seed(5);
  const dir = freshDir();
  const m = convModel();
  await m.save(dir);
  const before = fs.readFileSync(path.join(dir, 'model.json'));
  // a directory where weights.bin should go makes the rename fail
  const blocked = freshDir();
  fs.mkdirSync(path.join(blocked, 'weights.bin'), { recursive: true });
  await assert.rejects(m.save(blocked), (e: Error) => e.message.startsWith(`dir: cannot save the model to ${blocked}: `));
  assert.deepEqual(fs.readdirSync(blocked), ['weights.bin'], 'no temporary file and no model.json');
  assert.deepEqual(fs.readFileSync(path.join(dir, 'model.json')), before);
  await assert.rejects(m.save(freshDir(), { includeOptimizer: true }), /^Error: includeOptimizer: \S+ is not compiled/);
  await assert.rejects(m.save(freshDir(), { includeOptimiser: true } as never), /^Error: options: unknown option 'includeOptimiser' \(did you mean 'includeOptimizer'\?\)/);
});

test('save and load name the store they cannot use here', async () => {
  random.seed(6);
  const m = convModel();
  // Under Node there is no IndexedDB and no page to download from; saving to a URL is not a thing.
  await assert.rejects(m.save('indexeddb://m'), /^Error: dir: 'indexeddb:\/\/' needs a browser's IndexedDB/);
  await assert.rejects(m.save('downloads://m'), /^Error: dir: 'downloads:\/\/' needs a page/);
  await assert.rejects(m.save('https://example.com/m'), /^Error: dir: saving to a URL is not supported/);
  await assert.rejects(loadLayersModel('downloads://m'), /^Error: path: 'downloads:\/\/' is for saving/);
  await assert.rejects(loadLayersModel(''), /^Error: path: expected a directory, a model.json path or URL/);
  // A directory under a regular file cannot exist: the error names dir and says why.
  const parent = freshDir();
  fs.mkdirSync(parent, { recursive: true });
  const file = path.join(parent, 'plain-file');
  fs.writeFileSync(file, 'x');
  await assert.rejects(m.save(path.join(file, 'sub')), /^Error: dir: cannot save the model to .*plain-file\/sub: .*ENOTDIR/);
});

test('loadLayersModel fetches model.json and its weights over http', async () => {
  random.seed(7);
  const dir = freshDir();
  const m = convModel();
  await m.save(dir);
  const http = await import('node:http');
  const server = http.createServer((req, res) => {
    const file = path.join(dir, path.basename(req.url ?? ''));
    if (!fs.existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as { port: number };
    const back = await loadLayersModel(`http://127.0.0.1:${port}/model.json`);
    const x = random.randn(2, 10, 10, 1).astype('float32');
    assert.deepEqual(back.predict(x).data, m.predict(x).data);
    await assert.rejects(loadLayersModel(`http://127.0.0.1:${port}/missing.json`), /^Error: path: cannot fetch .*missing.json: HTTP 404/);
  } finally {
    server.close();
  }
});
