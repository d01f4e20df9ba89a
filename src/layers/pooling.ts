/** MaxPooling2D / AveragePooling2D layers (strides default to the pool size, as Keras). */
import type { Dim } from '../graph/op-def.js';
import { maxPoolOp } from '../ops/pool.js';
import { avgPool, maxPool } from '../api/ops.js';
import type { Padding } from '../kernels/shape.js';
import { Layer, LayerArgs, LayerInput } from './layer.js';
import { pairArg, paddingArg } from './config-util.js';

export interface Pooling2DArgs extends LayerArgs {
  poolSize?: number | [number, number];
  strides?: number | [number, number] | null;
  padding?: Padding;
}

abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(className: string, args: Pooling2DArgs) {
    super(className, args, ['poolSize', 'strides', 'padding']);
    this.poolSize = pairArg('poolSize', args.poolSize ?? 2);
    this.strides = args.strides == null ? this.poolSize : pairArg('strides', args.strides);
    this.padding = paddingArg(args.padding);
  }

  computeOutputShape(inputShape: readonly Dim[]): Dim[] {
    // max and average pooling share their geometry
    const spec = maxPoolOp.infer([{ shape: inputShape, dtype: this.dtype ?? 'float32' }],
      { filterSize: this.poolSize, strides: this.strides, pad: this.padding });
    return spec!.shape.slice();
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name, trainable: this.trainable, dtype: this.dtype ?? 'float32',
      pool_size: this.poolSize.slice(), padding: this.padding, strides: this.strides.slice(), data_format: 'channels_last',
    };
  }
}

export class MaxPooling2D extends Pooling2D {
  constructor(args: Pooling2DArgs = {}) { super('MaxPooling2D', args); }
  get className(): string { return 'MaxPooling2D'; }
  protected call(x: LayerInput): LayerInput { return maxPool(x, this.poolSize, this.strides, this.padding); }
}

export class AveragePooling2D extends Pooling2D {
  constructor(args: Pooling2DArgs = {}) { super('AveragePooling2D', args); }
  get className(): string { return 'AveragePooling2D'; }
  protected call(x: LayerInput): LayerInput { return avgPool(x, this.poolSize, this.strides, this.padding); }
}
