/** Dense layer on (batch, features) inputs: x·kernel (+ bias), then the activation. */
import type { DType } from '../tensor/dtype.js';
import { assertFitsTensor, assertSizeArg, formatShape } from '../tensor/shape-util.js';
import type { Dim } from '../graph/op-def.js';
import { Variable, Initializer, variable } from '../graph/variable.js';
import { add, matMul } from '../api/ops.js';
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
    if (inputShape.length !== 2) {
      throw new Error(`inputs: ${this.name} expects rank 2 (batch, features), got shape ${formatShape(inputShape)}; flatten it first`);
    }
    if (inputShape[1] === null) throw new Error(`inputs: ${this.name} needs a known feature dimension, got ${formatShape(inputShape)}`);
    if (this.kernel && this.kernel.shape[0] !== inputShape[1]) {
      throw new Error(`inputs: ${this.name} was built for ${this.kernel.shape[0]} features, got shape ${formatShape(inputShape)}`);
    }
    // the kernel is built from this shape: name units before a variable of 2^31+ elements is attempted
    assertFitsTensor([inputShape[1], this.units], 'units', `${this.name}'s kernel (features, units) of shape`);
    return [inputShape[0], this.units];
  }

  protected override build(inputShape: readonly Dim[], dtype: DType): void {
    this.kernel = variable(getInitializer('kernelInitializer', this.kernelInit), {
      name: `${this.name}/kernel`, shape: [inputShape[1] as number, this.units], dtype, trainable: this.trainable,
    });
    this.weights.push(this.kernel);
    if (this.useBias) {
      this.bias = variable(getInitializer('biasInitializer', this.biasInit), { name: `${this.name}/bias`, shape: [this.units], dtype, trainable: this.trainable });
      this.weights.push(this.bias);
    }
  }

  protected call(x: LayerInput): LayerInput {
    let y: LayerInput = matMul(x, this.use(this.kernel!, x));
    if (this.bias) y = add(y, this.use(this.bias, x));
    return activate(this.activation, y);
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
