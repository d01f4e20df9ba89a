/** Conv2D layer: kernel (kh, kw, in, filters), optional bias (filters), then the activation. */
import type { DType } from '../tensor/dtype.js';
import { MAX_ELEMENTS, assertFitsTensor, assertSizeArg } from '../tensor/shape-util.js';
import type { Dim } from '../graph/op-def.js';
import { Variable, Initializer, variable } from '../graph/variable.js';
import { conv2dOp } from '../ops/conv2d.js';
import { add, conv2d } from '../api/ops.js';
import { getInitializer } from '../train/initializers.js';
import type { Padding } from '../kernels/shape.js';
import { Layer, LayerArgs, LayerInput } from './layer.js';
import { ActivationName, activate, checkActivation } from './activations.js';
import { initializerConfig, pairArg, paddingArg, weightArgs, type WeightArgs } from './config-util.js';

export interface Conv2DArgs extends LayerArgs, WeightArgs {
  filters: number;
  kernelSize: number | [number, number];
  strides?: number | [number, number];
  padding?: Padding;
  activation?: ActivationName;
}

export class Conv2D extends Layer {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInit: string | Initializer;
  private readonly biasInit: string | Initializer;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(args: Conv2DArgs) {
    super('Conv2D', args, ['filters', 'kernelSize', 'strides', 'padding', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer']);
    assertSizeArg(args.filters, 'filters');
    this.filters = args.filters;
    this.kernelSize = pairArg('kernelSize', args.kernelSize);
    if (this.kernelSize[0] * this.kernelSize[1] * this.filters > MAX_ELEMENTS) {
      throw new Error(`kernelSize: a ${this.kernelSize.join('×')} window over ${this.filters} filters would need more than the ${MAX_ELEMENTS} elements a kernel can hold`);
    }
    this.strides = pairArg('strides', args.strides ?? 1);
    this.padding = paddingArg(args.padding);
    this.activation = checkActivation(args.activation);
    ({ useBias: this.useBias, kernelInit: this.kernelInit, biasInit: this.biasInit } = weightArgs(args));
  }

  get className(): string { return 'Conv2D'; }

  computeOutputShape(inputShape: readonly Dim[]): Dim[] {
    const kernelShape = [this.kernelSize[0], this.kernelSize[1], inputShape[3] ?? null, this.filters];
    // name the layer's own options before a 2^31+ element kernel or output is attempted (nulls count as 1)
    assertFitsTensor(kernelShape, 'filters', `${this.name}'s kernel (kh, kw, in, filters) of shape`);
    const dtype = this.dtype ?? 'float32';
    const spec = conv2dOp.infer([{ shape: inputShape, dtype }, { shape: kernelShape, dtype }], { strides: this.strides, pad: this.padding });
    assertFitsTensor(spec!.shape, 'filters', `${this.name}'s output of shape`);
    return spec!.shape.slice();
  }

  protected override build(inputShape: readonly Dim[], dtype: DType): void {
    const inC = inputShape[3];
    if (inC === null) throw new Error(`inputs: ${this.name} needs a known channel dimension, got ${String(inC)}`);
    this.kernel = variable(getInitializer('kernelInitializer', this.kernelInit), {
      name: `${this.name}/kernel`, shape: [this.kernelSize[0], this.kernelSize[1], inC, this.filters], dtype, trainable: this.trainable,
    });
    this.weights.push(this.kernel);
    if (this.useBias) {
      this.bias = variable(getInitializer('biasInitializer', this.biasInit), { name: `${this.name}/bias`, shape: [this.filters], dtype, trainable: this.trainable });
      this.weights.push(this.bias);
    }
  }

  protected call(x: LayerInput): LayerInput {
    let y: LayerInput = conv2d(x, this.use(this.kernel!, x), this.strides, this.padding);
    if (this.bias) y = add(y, this.use(this.bias, x));
    return activate(this.activation, y);
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name, trainable: this.trainable, dtype: this.dtype ?? 'float32',
      filters: this.filters, kernel_size: this.kernelSize.slice(), strides: this.strides.slice(), padding: this.padding,
      data_format: 'channels_last', dilation_rate: [1, 1], activation: this.activation, use_bias: this.useBias,
      kernel_initializer: initializerConfig(this.kernelInit), bias_initializer: initializerConfig(this.biasInit),
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    };
  }
}
