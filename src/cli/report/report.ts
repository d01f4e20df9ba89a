/**
 * Builds a run's report from a trained model and its test data: computes the test metrics, draws the
 * pictures and charts, writes each as a file (PNG, SVG) into the output directory and the whole as
 * report.html beside them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tensor } from '../../tensor/tensor.js';
import type { LayersModel } from '../../models/model.js';
import { summaryLines } from '../../models/summary.js';
import { encodePng } from '../../io/png.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { accuracyOf, argmaxRows, confusionMatrix, perClassStats, worstMistakes } from '../analysis.js';
import { classCount } from '../data.js';
import { lineChart } from './svg-chart.js';
import { confusionPicture, digitImage, featureMapPictures, filterPictures, mistakesPicture, sampleDigits, type Picture } from './pictures.js';
import { pngDataUri } from './images.js';
import { reportHtml } from './html.js';

export interface ReportInput {
  model: LayersModel;
  /** Test images as the model takes them, and their class indices. */
  xTest: Tensor;
  yTest: Tensor;
  /** The same labels as the model's loss wants them (one-hot or indices). */
  yTestForModel: Tensor;
  history: Record<string, number[]>;
  settings: [string, string][];
  timings: [string, string][];
  batchSize: number;
}

export interface ReportResult { path: string; testAccuracy: number; testLoss: number; files: string[] }

const TRAIN_COLOUR = '#1f77b4';
const VALID_COLOUR = '#ff7f0e';
const FEATURE_DIGITS = 4;
const MISTAKES = 25;

export async function writeReport(outDir: string, r: ReportInput): Promise<ReportResult> {
  const started = performance.now();
  const { model, xTest, yTest } = r;
  const truth = yTest.data as Int32Array;
  const [testLoss, testAccFromModel] = model.evaluate(xTest, r.yTestForModel, { batchSize: r.batchSize });
  const probs = model.predict(xTest, { batchSize: r.batchSize });
  const cm = confusionMatrix(truth, argmaxRows(probs), classCount(model));
  const testAccuracy = testAccFromModel ?? accuracyOf(cm);
  const mistakes = worstMistakes(probs, truth, MISTAKES);

  const charts = [
    { file: 'loss.svg', title: 'Loss', svg: lineChart(curves(r.history, 'loss'), { title: 'Loss (cross-entropy)', yLabel: 'loss' }) },
  ];
  if (r.history.acc) charts.push({ file: 'accuracy.svg', title: 'Accuracy', svg: lineChart(curves(r.history, 'acc'), { title: 'Accuracy', yLabel: 'accuracy' }) });

  const filters = filterPictures(model);
  const maps = featureMapPictures(model, xTest, sampleDigits(truth, FEATURE_DIGITS));
  const confusion = confusionPicture(cm);
  const mistakesPic = mistakesPicture(xTest, mistakes);
  const pictures: Picture[] = [...filters, ...maps.pictures, confusion, ...(mistakesPic ? [mistakesPic] : [])];

  const files: string[] = [];
  fs.mkdirSync(outDir, { recursive: true });
  for (const p of pictures) {
    await writeFileAtomic(path.join(outDir, p.file), encodePng(p.image));
    files.push(p.file);
  }
  for (const c of charts) {
    await writeFileAtomic(path.join(outDir, c.file), new TextEncoder().encode(c.svg));
    files.push(c.file);
  }
  const reportMs = performance.now() - started;
  const html = reportHtml({
    title: `convnet: ${model.name} trained on ${r.settings.find(([k]) => k === 'data')?.[1] ?? 'MNIST'}`,
    test: { loss: testLoss, accuracy: testAccuracy, count: xTest.shape[0] },
    charts,
    filters,
    featureMaps: { pictures: maps.pictures, labels: maps.digits.map((i) => truth[i]) },
    confusion: { matrix: cm, stats: perClassStats(cm), picture: confusion },
    mistakes: { items: mistakes.map((m) => ({ mistake: m, uri: pngDataUri(digitImage(xTest, m.index)) })), picture: mistakesPic },
    summary: summaryLines(model),
    settings: r.settings,
    timings: [...r.timings, ['test evaluation and report', `${(reportMs / 1000).toFixed(2)} s`]],
  });
  const reportPath = path.join(outDir, 'report.html');
  await writeFileAtomic(reportPath, new TextEncoder().encode(html));
  files.push('report.html');
  return { path: reportPath, testAccuracy, testLoss, files };
}

function curves(history: Record<string, number[]>, key: string) {
  return [
    { name: 'train', values: history[key] ?? [], color: TRAIN_COLOUR },
    { name: 'validation', values: history[`val_${key}`] ?? [], color: VALID_COLOUR },
  ];
}
