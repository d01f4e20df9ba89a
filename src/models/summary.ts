/**
 * Keras 2.2's model.summary() table for chains of layers:
 *   _________________________________________________________________
 *   Layer (type)                 Output Shape              Param #
 *   =================================================================
 *   conv2d (Conv2D)              (None, 28, 28, 6)         156
 *   ...
 *   Total params: 61,706
 * Columns end at 45%, 85% and 100% of 65 characters; a functional model lists its InputLayer first.
 */
import type { Dim } from '../graph/op-def.js';
import type { Placeholder } from '../graph/symbolic.js';
import type { Layer } from '../layers/layer.js';

interface Summarisable {
  readonly className: string;
  readonly layers: Layer[];
  readonly input: Placeholder;
}

/** Python's str of a shape tuple: (None, 28, 28, 6), and (None, 120). */
export function shapeTuple(shape: readonly Dim[]): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** Keras' print_row: each field cut to its column, the last character before a column made a space. */
function row(fields: string[], positions: number[]): string {
  let line = '';
  fields.forEach((field, i) => {
    if (i > 0) line = line.slice(0, -1) + ' ';
    line += field;
    line = line.slice(0, positions[i]);
    line += ' '.repeat(Math.max(0, positions[i] - line.length));
  });
  return line;
}

const withCommas = (n: number) => n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export function summaryLines(model: Summarisable, lineLength = 65, positions: number[] = [0.45, 0.85, 1]): string[] {
  const cols = positions[positions.length - 1] <= 1 ? positions.map((p) => Math.floor(lineLength * p)) : positions;
  const lines = ['_'.repeat(lineLength), row(['Layer (type)', 'Output Shape', 'Param #'], cols), '='.repeat(lineLength)];
  const entries: [string, Dim[], number][] = [];
  const input = model.input;
  if (model.className !== 'Sequential') entries.push([`${input.name} (InputLayer)`, input.shape, 0]);
  let shape: Dim[] = input.shape.slice();
  let trainable = 0, total = 0;
  for (const layer of model.layers) {
    shape = layer.computeOutputShape(shape);
    const params = layer.countParams();
    total += params;
    if (layer.trainable) trainable += params;
    entries.push([`${layer.name} (${layer.className})`, shape, params]);
  }
  entries.forEach(([name, s, params], i) => {
    lines.push(row([name, shapeTuple(s), String(params)], cols));
    lines.push((i === entries.length - 1 ? '=' : '_').repeat(lineLength));
  });
  lines.push(`Total params: ${withCommas(total)}`, `Trainable params: ${withCommas(trainable)}`, `Non-trainable params: ${withCommas(total - trainable)}`, '_'.repeat(lineLength));
  return lines;
}

