/**
 * Base of the layer objects (graph form, TensorFlow 1.x tf.layers / Keras semantics): `apply(t)` builds the
 * layer's variables on first use (their shapes come from the input) and adds its ops. Applied to a plain
 * Tensor the layer computes eagerly with the variables' current values.
 */
import type { DType } from '../tensor/dtype.js';
import { Tensor, isTensor } from '../tensor/tensor.js';
import { describe, formatShape, shapesEqual } from '../tensor/shape-util.js';
import type { Dim } from '../graph/op-def.js';
import { SymbolicTensor, isSymbolic, uniqueName } from '../graph/symbolic.js';
import { Variable } from '../graph/variable.js';
import { checkOptions } from '../utils/check-options.js';

export type LayerInput = Tensor | SymbolicTensor;

/** 'MaxPooling2D' → 'max_pooling2d', Keras' rule for default layer names. */
export function snakeCase(className: string): string {
  // Keras' to_snake_case: split before a capital followed by lower case or digits, then between lower and upper
  return className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

export interface LayerArgs {
  name?: string; trainable?: boolean; dtype?: DType;
  /** Keras' input shape without the batch dim; only read by models (the first layer of a sequential). */
  inputShape?: Dim[];
  /** Keras' input shape with the batch dim (usually null first); wins over inputShape. */
  batchInputShape?: Dim[];
}

/** Which layer produced a graph tensor, and from which input: models walk this back to collect their layers. */
export const producedBy = new WeakMap<SymbolicTensor, { layer: Layer; input: SymbolicTensor }>();

/** The options every layer accepts, besides its own. */
export const LAYER_ARG_NAMES = ['name', 'trainable', 'dtype', 'inputShape', 'batchInputShape'] as const;

export abstract class Layer {
  readonly name: string;
  readonly trainable: boolean;
  protected dtype: DType | null;
  protected built = false;
  /** Weights in Keras' order (kernel, bias). */
  readonly weights: Variable[] = [];
  /** The declared (batch) input shape, if the layer was given one (`inputShape` / `batchInputShape`). */
  readonly batchInputShape: Dim[] | null;

  /** `ownArgs`: the option names this layer accepts besides the common ones; any other key is an Error naming it. */
  constructor(className: string, args: LayerArgs, ownArgs: readonly string[] = []) {
    checkOptions('args', args, [...ownArgs, ...LAYER_ARG_NAMES]);
    if (args === undefined) throw new Error(`args: ${className} expects an object of options, got undefined`);
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === '')) {
      throw new Error(`name: expected a non-empty string, got ${describe(args.name)}`);
    }
    this.name = uniqueName(args.name ?? snakeCase(className));
    this.trainable = args.trainable ?? true;
    this.dtype = args.dtype ?? null;
    const given = args.batchInputShape ?? args.inputShape;
    const declared = args.batchInputShape ?? (Array.isArray(args.inputShape) ? [null, ...args.inputShape] : given ?? null);
    if (declared !== null && (!Array.isArray(declared) || declared.some((d) => d !== null && !(Number.isInteger(d) && d >= 1)))) {
      throw new Error(`inputShape: expected an array of positive integers (or null), got ${describe(args.batchInputShape ?? args.inputShape)}`);
    }
    this.batchInputShape = declared === null ? null : declared.slice();
  }

  /** Keras' class name, e.g. 'Conv2D'. */
  abstract get className(): string;
  /** Output shape for an input shape (null dims allowed); throws like apply would. */
  abstract computeOutputShape(inputShape: readonly Dim[]): Dim[];
  /** Keras' layer config, snake_case keys. */
  abstract getConfig(): Record<string, unknown>;
  /** Creates the variables for an input spec. */
  protected build(_inputShape: readonly Dim[], _dtype: DType): void {}
  protected abstract call(x: LayerInput): LayerInput;

  apply(x: SymbolicTensor): SymbolicTensor;
  apply(x: Tensor): Tensor;
  apply(x: LayerInput): LayerInput;
  apply(x: LayerInput): LayerInput {
    if (!isTensor(x) && !isSymbolic(x)) throw new Error(`inputs: ${this.name} expected a Tensor or a graph tensor, got ${describe(x)}`);
    this.computeOutputShape(x.shape); // validates before any variable exists
    if (!this.built) {
      const dtype = this.dtype ?? x.dtype;
      this.dtype = dtype;
      this.build(x.shape, dtype);
      this.built = true;
    }
    const y = this.call(x);
    if (isSymbolic(x) && isSymbolic(y)) producedBy.set(y, { layer: this, input: x });
    return y;
  }

  /** The variable itself in a graph, its current value when computing eagerly. */
  protected use(w: Variable, x: LayerInput): Variable | Tensor {
    return isSymbolic(x) ? w : w.value;
  }

  countParams(): number { return this.weights.reduce((n, w) => n + w.value.size, 0); }

  /** Copies of the current weight values. */
  getWeights(): Tensor[] { return this.weights.map((w) => w.read()); }

  setWeights(values: Tensor[]): void {
    if (!Array.isArray(values) || values.length !== this.weights.length) {
      throw new Error(`weights: ${this.name} expects ${this.weights.length} tensors, got ${describe(values)}`);
    }
    values.forEach((t, i) => {
      const w = this.weights[i];
      if (!isTensor(t) || !shapesEqual(t.shape, w.value.shape)) {
        throw new Error(`weights: ${this.name} weight ${i} (${w.name}) expects shape ${formatShape(w.value.shape)}, got ${describe(t)}`);
      }
      w.assign(t.dtype === w.dtype ? t : t.astype(w.dtype));
    });
  }
}
