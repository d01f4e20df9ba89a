/**
 * `convnet predict MODEL IMAGE...`: classifies pictures of digits (PNG or JPEG, any size, dark ink on
 * light paper or the other way round) after MNIST's preprocessing; prints the label and the top-3
 * probabilities per image, or JSON with --json.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape-util.js';
import { encodePng } from '../io/png.js';
import { Command, ParsedArgs, UsageError, intOption, stringOption } from './args.js';
import { readGrayImage } from './image-input.js';
import { mnistStyle } from './preprocess.js';
import { loadModelArg } from './model-arg.js';
import { sampleShape } from './data.js';

export const predictCommand: Command = {
  name: 'predict',
  summary: 'Classify PNG/JPEG images of digits with a trained model; prints the label and top-3 probabilities.',
  usage: 'MODEL IMAGE... [options]',
  positionals: { min: 2, max: Infinity, names: 'MODEL (a run directory or a model.json) and at least one IMAGE' },
  options: {
    json: { type: 'boolean', help: 'print a JSON array: [{file, label, top: [{label, probability}]}]' },
    top: { type: 'string', value: 'K', help: 'how many of the most probable classes to show (default 3)' },
    'save-input': { type: 'string', value: 'DIR', help: 'also write each image as the network sees it (28×28 PNG) into DIR' },
  },
  details: [
    "Each image goes through MNIST's preprocessing: grayscale, inverted when the background is light, cropped to",
    'the ink, scaled to fit 20×20 (aspect kept), centred by its centre of mass in a 28×28 field.',
  ].join('\n'),
  run: runPredict,
};

export interface Prediction { file: string; label: number; top: { label: number; probability: number }[]; inverted: boolean }

async function runPredict(args: ParsedArgs): Promise<number> {
  const [modelPath, ...files] = args.positionals;
  const k = intOption(args.values, 'top', 1) ?? 3;
  const saveDir = stringOption(args.values, 'save-input');
  for (const f of files) if (!fs.existsSync(f)) throw new Error(`IMAGE: no such file ${f}`);
  const model = await loadModelArg(modelPath);
  const [h, w, c] = sampleShape(model);
  if (sampleShape(model).length !== 3 || c !== 1 || h !== w) {
    throw new Error(`MODEL: predict feeds square grayscale images (size, size, 1); this model takes ${formatShape(sampleShape(model))}`);
  }
  const inputs = files.map((f) => {
    const p = mnistStyle(readGrayImage(f), { size: h });
    if (saveDir !== undefined) {
      fs.mkdirSync(saveDir, { recursive: true });
      const bytes = Uint8Array.from(p.pixels, (v) => Math.round(v * 256));
      fs.writeFileSync(path.join(saveDir, `${path.parse(f).name}.png`), encodePng({ width: w, height: h, channels: 1, data: bytes }));
    }
    return p;
  });
  const x = new Float32Array(files.length * h * w);
  inputs.forEach((p, i) => x.set(p.pixels, i * h * w));
  const probs = model.predict(new Tensor(x, [files.length, h, w, 1]));
  const classes = probs.shape[1];
  if (k > classes) throw new UsageError(`--top: the model has ${classes} classes, got ${k}`);
  const results: Prediction[] = files.map((file, i) => {
    const row = Array.from(probs.data.subarray(i * classes, (i + 1) * classes));
    const top = row.map((probability, label) => ({ label, probability })).sort((a, b) => b.probability - a.probability || a.label - b.label).slice(0, k);
    return { file, label: top[0].label, top, inverted: inputs[i].inverted };
  });
  if (args.values.json) {
    console.log(JSON.stringify(results, null, 1));
    return 0;
  }
  const width = Math.max(...files.map((f) => f.length));
  for (const r of results) {
    const top = r.top.map((t) => `${t.label}: ${(t.probability * 100).toFixed(1)}%`).join('  ');
    console.log(`${r.file.padEnd(width)}  ${r.label}   (${top})`);
  }
  return 0;
}
