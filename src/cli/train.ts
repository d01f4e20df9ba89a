/**
 * `convnet train`: trains LeNet-5 (or a given model.json) on MNIST (or an .npz), checkpointing after
 * every epoch so `--resume DIR` can continue it, then writes the model, history.json and report.html.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { seed as seedRandom } from '../tensor/random.js';
import type { LayersModel } from '../models/model.js';
import { lenet5 } from '../models/zoo.js';
import { loadLayersModel } from '../io/model-load.js';
import { probeWritableDirSync, writeFileAtomic } from '../io/atomic-write.js';
import { Command, ParsedArgs, UsageError, intOption, stringOption } from './args.js';
import { imagesForModel, labelsForModel, limitDataset, loadDataset } from './data.js';
import { LoopState, RunSettings, hasCheckpoint, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { initialState, trainLoop } from './train-loop.js';
import { writeReport } from './report/report.js';

export const EXIT_INTERRUPTED = 130;

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train LeNet-5 (or a model.json) on MNIST or an .npz; writes the model, history.json and report.html.',
  usage: '[options]',
  positionals: { min: 0, max: 0, names: 'no arguments' },
  options: {
    model: { type: 'string', value: 'PATH', help: 'start from this model (model.json or its directory) instead of LeNet-5' },
    data: { type: 'string', value: 'FILE.npz', help: "train on this .npz (the spec's X_train/Y_train/... or Keras's x_train/y_train/...) instead of MNIST" },
    epochs: { type: 'string', value: 'N', help: 'number of epochs (default 5)' },
    'batch-size': { type: 'string', value: 'N', help: 'samples per optimizer step (default 32)' },
    out: { type: 'string', value: 'DIR', help: 'output directory (default runs/<timestamp>)' },
    limit: { type: 'string', value: 'N', help: 'use only the first N training, validation and test images (quick runs)' },
    seed: { type: 'string', value: 'N', help: 'random seed for the initial weights and the shuffles (default 0)' },
    resume: { type: 'string', value: 'DIR', help: 'continue the run in DIR from its last checkpoint (--epochs may raise its epoch count)' },
  },
  details: [
    'After every epoch a checkpoint (weights, optimizer state, position, random state) is written to DIR/checkpoints;',
    'Ctrl-C stops after the current batch and writes one too (exit code 130). `convnet train --resume DIR` then ends',
    'with exactly the weights an uninterrupted run would have. Open DIR/report.html in a browser to see the run.',
  ].join('\n'),
  run: runTrain,
};

const DEFAULTS = { epochs: 5, batchSize: 32, seed: 0 };

function timestampDir(): string {
  const stamp = new Date().toISOString().replace(/\..*$/, '').replace(/:/g, '-');
  let dir = path.join('runs', stamp);
  for (let k = 2; fs.existsSync(dir); k++) dir = path.join('runs', `${stamp}-${k}`);
  return dir;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** Settings from the command line for a new run. */
function newSettings(v: ParsedArgs['values']): RunSettings {
  const model = stringOption(v, 'model');
  const data = stringOption(v, 'data');
  return {
    model: model === undefined ? null : path.resolve(model),
    data: data === undefined ? null : path.resolve(data),
    epochs: intOption(v, 'epochs', 0) ?? DEFAULTS.epochs,
    batchSize: intOption(v, 'batch-size', 1) ?? DEFAULTS.batchSize,
    limit: intOption(v, 'limit', 1) ?? null,
    seed: intOption(v, 'seed', 0) ?? DEFAULTS.seed,
  };
}

/** A resumed run keeps its settings; options given again must agree, except --epochs, which may grow. */
function resumedSettings(saved: RunSettings, v: ParsedArgs['values'], state: LoopState): RunSettings {
  const given = newSettings(v);
  const check = (option: string, key: keyof RunSettings) => {
    if (v[option] !== undefined && given[key] !== saved[key]) {
      throw new UsageError(`--${option}: the run being resumed used ${saved[key] ?? '(none)'}; a resumed run keeps its settings (only --epochs may change)`);
    }
  };
  check('model', 'model'); check('data', 'data'); check('batch-size', 'batchSize'); check('limit', 'limit'); check('seed', 'seed');
  if (v.out !== undefined) throw new UsageError('--out: a resumed run writes into the directory given to --resume');
  const epochs = v.epochs === undefined ? saved.epochs : given.epochs;
  const done = state.epoch;
  if (epochs < done) throw new UsageError(`--epochs: the run already completed ${done} epochs, got ${epochs}`);
  return { ...saved, epochs };
}

async function buildModel(settings: RunSettings): Promise<LayersModel> {
  seedRandom(settings.seed);
  if (settings.model === null) return lenet5();
  if (!fs.existsSync(settings.model)) throw new Error(`--model: no such file or directory ${settings.model}`);
  const model = await loadLayersModel(settings.model);
  if (model.compiled === null) model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

async function runTrain(args: ParsedArgs): Promise<number> {
  const v = args.values;
  const t0 = performance.now();
  let model: LayersModel, settings: RunSettings, state: LoopState, outDir: string;
  const resume = stringOption(v, 'resume');
  if (resume !== undefined) {
    const ck = await readCheckpoint(resume);
    settings = resumedSettings(ck.file.settings, v, ck.file.state);
    model = ck.model;
    state = ck.file.state;
    outDir = resume;
    console.log(`Resuming ${outDir} at ${state.batch > 0 ? `batch ${state.batch + 1} of ` : ''}epoch ${state.epoch + 1}/${settings.epochs}`);
  } else {
    settings = newSettings(v);
    outDir = stringOption(v, 'out') ?? timestampDir();
    if (hasCheckpoint(outDir)) throw new Error(`--out: ${outDir} already holds a training run; continue it with --resume ${outDir}, or choose another --out`);
    if (settings.data !== null && !fs.existsSync(settings.data)) throw new Error(`--data: no such file ${settings.data}`);
    model = await buildModel(settings);
    state = initialState();
  }
  // A read-only or full output directory fails here, before the data is loaded and long before the first
  // epoch ends. The probe is the size of a checkpoint: weights plus Adam's two moments, float32.
  probeWritableDirSync(outDir, model.countParams() * 4 * 3, resume !== undefined ? '--resume' : '--out');
  const tModel = performance.now();

  const data = limitDataset(await loadDataset(settings.data ?? undefined), settings.limit ?? undefined);
  const x = imagesForModel(model, data.xTrain, '--data');
  const y = labelsForModel(model, data.yTrain, '--data');
  const xVal = imagesForModel(model, data.xValid, '--data');
  const yVal = labelsForModel(model, data.yValid, '--data');
  const xTest = imagesForModel(model, data.xTest, '--data');
  const yTestForModel = labelsForModel(model, data.yTest, '--data');
  if (x.shape[0] === 0) throw new Error('--data: no training images');
  const tData = performance.now();

  if (resume === undefined) await writeCheckpoint(outDir, model, settings, state);
  console.log(`Training ${model.name} (${model.countParams().toLocaleString('en-US')} parameters) on ${x.shape[0]} images of ${data.source}, validating on ${xVal.shape[0]}; writing to ${outDir}`);

  let stopping = false;
  const onSigint = () => {
    if (stopping) process.exit(EXIT_INTERRUPTED); // a second Ctrl-C: the last written checkpoint stays valid
    stopping = true;
    process.stderr.write('\nInterrupted: finishing the current batch and writing a checkpoint (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  let outcome: 'done' | 'stopped';
  const tTrain = performance.now();
  try {
    outcome = await trainLoop(model, { x, y, xVal, yVal }, state, {
      batchSize: settings.batchSize,
      epochs: settings.epochs,
      progress: true,
      checkpoint: async (s) => { await writeCheckpoint(outDir, model, settings, s); },
      stopRequested: () => stopping,
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  const trainMs = performance.now() - tTrain;
  if (outcome === 'stopped') {
    const where = state.batch > 0 ? `epoch ${state.epoch + 1}, batch ${state.batch}` : `epoch ${state.epoch}`;
    process.stderr.write(`Stopped after ${where}; checkpoint written. Continue with: convnet train --resume ${outDir}\n`);
    return EXIT_INTERRUPTED;
  }

  await model.save(outDir);
  const history = { epoch: state.history.loss?.map((_, i) => i) ?? [], history: state.history, epochSeconds: state.epochSeconds, settings };
  await writeFileAtomic(path.join(outDir, 'history.json'), new TextEncoder().encode(JSON.stringify(history, null, 1) + '\n'));
  const report = await writeReport(outDir, {
    model, xTest, yTest: data.yTest, yTestForModel, history: state.history, batchSize: settings.batchSize,
    settings: [
      ['model', settings.model ?? 'LeNet-5 (built in)'],
      ['data', settings.data ?? 'MNIST'],
      ['training / validation / test images', `${x.shape[0]} / ${xVal.shape[0]} / ${xTest.shape[0]}`],
      ['epochs', String(settings.epochs)],
      ['batch size', String(settings.batchSize)],
      ['optimizer', describeOptimizer(model)],
      ['seed', String(settings.seed)],
      ['limit', settings.limit === null ? 'none' : String(settings.limit)],
      ['output directory', path.resolve(outDir)],
      ['resumed', resume !== undefined ? 'yes' : 'no'],
    ],
    timings: [
      [resume !== undefined ? 'loading the checkpoint' : 'building the model', seconds(tModel - t0)],
      ['loading the data', seconds(tData - tModel)],
      ['training (this process)', seconds(trainMs)],
      ...state.epochSeconds.map((s, i) => [`epoch ${i + 1}`, `${s.toFixed(2)} s`] as [string, string]),
    ],
  });
  console.log(`Test accuracy: ${(report.testAccuracy * 100).toFixed(2)}% (loss ${report.testLoss.toFixed(4)}, ${xTest.shape[0]} test images)`);
  console.log(`Model: ${path.join(outDir, 'model.json')}`);
  console.log(`Report: ${report.path}`);
  return 0;
}

function describeOptimizer(model: LayersModel): string {
  const opt = model.compiled?.optimizer as unknown as { constructor: { name: string }; learningRate?: number } | undefined;
  if (!opt) return 'none';
  const name = opt.constructor.name.replace(/Optimizer$/, '');
  return opt.learningRate !== undefined ? `${name} (learning rate ${opt.learningRate})` : name;
}
