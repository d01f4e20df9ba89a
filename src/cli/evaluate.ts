/** `convnet evaluate MODEL [--data FILE.npz]`: loss, accuracy, per-class precision/recall, confusion matrix on the test images. */
import * as fs from 'node:fs';
import type { Command, ParsedArgs } from './args.js';
import { intOption, stringOption } from './args.js';
import { classCount, imagesForModel, labelsForModel, limitDataset, loadDataset } from './data.js';
import { accuracyOf, argmaxRows, confusionMatrix, confusionText, perClassStats } from './analysis.js';
import { loadModelArg } from './model-arg.js';

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'Evaluate a model on the test images: loss, accuracy, per-class precision/recall, confusion matrix.',
  usage: 'MODEL [options]',
  positionals: { min: 1, max: 1, names: 'MODEL (a run directory or a model.json)' },
  options: {
    data: { type: 'string', value: 'FILE.npz', help: 'evaluate on the test split of this .npz instead of MNIST' },
    limit: { type: 'string', value: 'N', help: 'use only the first N test images' },
    'batch-size': { type: 'string', value: 'N', help: 'images per batch (default 256)' },
    json: { type: 'boolean', help: 'print the results as JSON' },
  },
  run: runEvaluate,
};

async function runEvaluate(args: ParsedArgs): Promise<number> {
  const v = args.values;
  const dataPath = stringOption(v, 'data');
  const limit = intOption(v, 'limit', 1);
  const batchSize = intOption(v, 'batch-size', 1) ?? 256;
  if (dataPath !== undefined && !fs.existsSync(dataPath)) throw new Error(`--data: no such file ${dataPath}`);
  const model = await loadModelArg(args.positionals[0]);
  if (model.compiled === null) model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const data = limitDataset(await loadDataset(dataPath), limit);
  const x = imagesForModel(model, data.xTest, dataPath ? '--data' : 'MODEL');
  const yForModel = labelsForModel(model, data.yTest, dataPath ? '--data' : 'MODEL');
  const [loss] = model.evaluate(x, yForModel, { batchSize });
  const cm = confusionMatrix(data.yTest.data, argmaxRows(model.predict(x, { batchSize })), classCount(model));
  const accuracy = accuracyOf(cm);
  const stats = perClassStats(cm);
  if (v.json) {
    console.log(JSON.stringify({ data: data.source, images: x.shape[0], loss, accuracy, classes: stats, confusionMatrix: cm }, null, 1));
    return 0;
  }
  const pct = (p: number) => (Number.isFinite(p) ? `${(p * 100).toFixed(2)}%` : '-');
  console.log(`${data.source} test images: ${x.shape[0]}`);
  console.log(`loss: ${loss.toFixed(4)}`);
  console.log(`accuracy: ${pct(accuracy)}`);
  console.log('');
  console.log('class  precision  recall  support');
  for (const s of stats) console.log(`${String(s.label).padStart(5)}  ${pct(s.precision).padStart(9)}  ${pct(s.recall).padStart(6)}  ${String(s.support).padStart(7)}`);
  console.log('');
  console.log('confusion matrix (rows: true class, columns: predicted):');
  for (const line of confusionText(cm)) console.log(line);
  return 0;
}
