/**
 * Dense layer: x·kernel (+ bias), then the activation, on the last axis of inputs of rank >= 2, as in
 * Keras: (batch, …, features) → (batch, …, units), every position through the same kernel. Inputs of
 * rank > 2 are viewed as (rows, features) for the product and given their shape back.
 */
import type { DType } from '../tensor/dtype.js';
import { assertFitsTensor, assertSizeArg, formatShape } from '../tensor/shape-util.js';
import type { Dim } from '../graph/op-def.js';
import { Variable, Initializer, variable } from '../graph/variable.js';
import { add, matMul, reshape } from '../api/ops.js';
import { getInitializer } from '../train/initializers.js';
import { Layer, LayerArgs, LayerInput } from './layer.js';
import { ActivationName, activate, checkActivation } from './activations.js';
import { initializerConfig, weightArgs, type WeightArgs } from './config-util.js';

export interface DenseArgs extends LayerArgs, WeightArgs {
  units: number;
  activation?: ActivationName;
}

export class Dense extends Layer {
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  private readonly kernelInit: string | Initializer;
  private readonly biasInit: string | Initializer;
  kernel: Variable | null = null;
  bias: Variable | null = null;

  constructor(args: DenseArgs) {
    super('Dense', args, ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer']);
    assertSizeArg(args.units, 'units');
    this.units = args.units;
    this.activation = checkActivation(args.activation);
    ({ useBias: this.useBias, kernelInit: this.kernelInit, biasInit: this.biasInit } = weightArgs(args));
  }

  get className(): string { return 'Dense'; }

  computeOutputShape(inputShape: readonly Dim[]): Dim[] {
    const rank = inputShape.length;
    if (rank < 2) {
      throw new Error(`inputs: ${this.name} expects rank >= 2 (batch, …, features), got shape ${formatShape(inputShape)}`);
    }
    const features = inputShape[rank - 1];
    if (features === null) throw new Error(`inputs: ${this.name} needs a known feature (last) dimension, got ${formatShape(inputShape)}`);
    if (inputShape.slice(1, -1).some((d) => d === null)) {
      throw new Error(`inputs: ${this.name} needs known dimensions between the batch and the features, got shape ${formatShape(inputShape)}`);
    }
    if (this.kernel && this.kernel.shape[0] !== features) {
      throw new Error(`inputs: ${this.name} was built for ${this.kernel.shape[0]} features, got shape ${formatShape(inputShape)}`);
    }
    // the kernel is built from this shape: name units before a variable of 2^31+ elements is attempted
    assertFitsTensor([features, this.units], 'units', `${this.name}'s kernel (features, units) of shape`);
    return [...inputShape.slice(0, -1), this.units];
  }

  protected override build(inputShape: readonly Dim[], dtype: DType): void {
    this.kernel = variable(getInitializer('kernelInitializer', this.kernelInit), {
      name: `${this.name}/kernel`, shape: [inputShape[inputShape.length - 1] as number, this.units], dtype, trainable: this.trainable,
    });
    this.weights.push(this.kernel);
    if (this.useBias) {
      this.bias = variable(getInitializer('biasInitializer', this.biasInit), { name: `${this.name}/bias`, shape: [this.units], dtype, trainable: this.trainable });
      this.weights.push(this.bias);
    }
  }

  protected call(x: LayerInput): LayerInput {
    const outShape = this.computeOutputShape(x.shape);
    const rows = x.shape.length > 2 ? reshape(x, [-1, this.kernel!.shape[0] as number]) : x;
    let y: LayerInput = matMul(rows, this.use(this.kernel!, x));
    if (this.bias) y = add(y, this.use(this.bias, x));
    // Activations act on the last axis (softmax) or elementwise, so they apply before the shape returns.
    y = activate(this.activation, y);
    return x.shape.length > 2 ? reshape(y, [-1, ...(outShape.slice(1) as number[])]) : y;
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name, trainable: this.trainable, dtype: this.dtype ?? 'float32',
      units: this.units, activation: this.activation, use_bias: this.useBias,
      kernel_initializer: initializerConfig(this.kernelInit), bias_initializer: initializerConfig(this.biasInit),
      kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
    };
  }
}
