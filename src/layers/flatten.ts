/** Flatten: (batch, d1, d2, …) → (batch, d1·d2·…); the non-batch dims must be known. */
import { formatShape } from '../tensor/shape-util.js';
import type { Dim } from '../graph/op-def.js';
import { reshape } from '../api/ops.js';
import { Layer, LayerArgs, LayerInput } from './layer.js';

export class Flatten extends Layer {
  constructor(args: LayerArgs = {}) { super('Flatten', args); }
  get className(): string { return 'Flatten'; }

  computeOutputShape(inputShape: readonly Dim[]): Dim[] {
    if (inputShape.length < 1) throw new Error(`inputs: ${this.name} expects rank >= 1, got a scalar`);
    const rest = inputShape.slice(1);
    if (rest.some((d) => d === null)) throw new Error(`inputs: ${this.name} needs known non-batch dims, got ${formatShape(inputShape)}`);
    return [inputShape[0], (rest as number[]).reduce((p, d) => p * d, 1)];
  }

  protected call(x: LayerInput): LayerInput {
    const [, features] = this.computeOutputShape(x.shape);
    return reshape(x, [-1, features as number]);
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable, dtype: this.dtype ?? 'float32', data_format: 'channels_last' };
  }
}
