/** `convnet inspect MODEL`: the model's summary table and statistics of every weight. */
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape-util.js';
import { summaryLines } from '../models/summary.js';
import type { Command, ParsedArgs } from './args.js';
import { loadModelArg } from './model-arg.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: "Print a model's summary and per-weight statistics (shape, mean, std, min, max).",
  usage: 'MODEL [options]',
  positionals: { min: 1, max: 1, names: 'MODEL (a run directory or a model.json)' },
  options: {
    json: { type: 'boolean', help: 'print the statistics as JSON' },
  },
  run: runInspect,
};

export interface WeightStats { name: string; shape: number[]; count: number; mean: number; std: number; min: number; max: number }

/** Mean and (population) standard deviation in float64, whatever the tensor's dtype. */
export function weightStats(name: string, t: Tensor): WeightStats {
  const d = t.data;
  let sum = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < d.length; i++) { sum += d[i]; if (d[i] < min) min = d[i]; if (d[i] > max) max = d[i]; }
  const mean = d.length ? sum / d.length : NaN;
  let sq = 0;
  for (let i = 0; i < d.length; i++) sq += (d[i] - mean) ** 2;
  return { name, shape: t.shape.slice(), count: d.length, mean, std: d.length ? Math.sqrt(sq / d.length) : NaN, min, max };
}

const num = (v: number) => (Number.isFinite(v) ? (v >= 0 ? ' ' : '') + v.toExponential(4) : String(v));

async function runInspect(args: ParsedArgs): Promise<number> {
  const model = await loadModelArg(args.positionals[0]);
  const names = model.weightFileNames();
  const stats = model.weights.map((w) => weightStats(names.get(w)!, w.value));
  if (args.values.json) {
    console.log(JSON.stringify({ name: model.name, params: model.countParams(), weights: stats }, null, 1));
    return 0;
  }
  for (const line of summaryLines(model)) console.log(line);
  console.log('');
  const nameWidth = Math.max(6, ...stats.map((s) => s.name.length)) + 2;
  const shapeWidth = Math.max(5, ...stats.map((s) => formatShape(s.shape).length)) + 2;
  console.log('weight'.padEnd(nameWidth) + 'shape'.padEnd(shapeWidth) + ['mean', 'std', 'min', 'max'].map((h) => h.padStart(12)).join(' '));
  for (const s of stats) {
    console.log(s.name.padEnd(nameWidth) + formatShape(s.shape).padEnd(shapeWidth) + [s.mean, s.std, s.min, s.max].map((v) => num(v).padStart(12)).join(' '));
  }
  return 0;
}
