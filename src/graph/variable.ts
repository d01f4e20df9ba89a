/**
 * Variables own their value (a Tensor whose buffer never changes identity, so compiled plans can bind
 * it once). Like Keras and TensorFlow.js, a variable holds its initial value as soon as it is created;
 * like TensorFlow 1.x, `globalVariablesInitializer()` re-runs every initializer (drawing fresh random
 * numbers from `random.seed`'s generator), so `random.seed(s)` → build → init reproduces a run.
 */
import type { DType } from '../tensor/dtype.js';
import { Tensor, isTensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual, assertValidShape } from '../tensor/shape-util.js';
import { Operation, SymbolicTensor, uniqueName } from './symbolic.js';
import type { OpDef } from './op-def.js';

/** Produces an initial value of the given shape and dtype. */
export type Initializer = (shape: number[], dtype: DType) => Tensor;

export interface VariableOptions {
  name?: string;
  trainable?: boolean;
  /** Needed with an initializer function; taken from the tensor otherwise. */
  shape?: number[];
  dtype?: DType;
}

const allVariables: Variable[] = [];

export class Variable extends SymbolicTensor {
  readonly value: Tensor;
  readonly trainable: boolean;
  private readonly init: Initializer;

  constructor(node: Operation, value: Tensor, init: Initializer, trainable: boolean) {
    super(node, value);
    this.value = value;
    this.init = init;
    this.trainable = trainable;
  }

  /** Re-runs the initializer into the variable's buffer. */
  initialize(): void {
    this.assign(this.init(this.value.shape.slice(), this.dtype));
  }

  /** Copies `t` into the variable (same shape and dtype). */
  assign(t: Tensor): void {
    if (!isTensor(t)) throw new Error(`value: expected a Tensor, got ${String(t)}`);
    if (t.dtype !== this.dtype || !shapesEqual(t.shape, this.value.shape)) {
      throw new Error(`value: variable ${this.name} holds ${this.dtype} ${formatShape(this.value.shape)}, got ${t.dtype} ${formatShape(t.shape)}`);
    }
    this.value.data.set(t.data);
  }

  /** A copy of the current value. */
  read(): Tensor { return this.value.clone(); }
}

export function variable(initialValue: Tensor | Initializer, options: VariableOptions = {}): Variable {
  const trainable = options.trainable ?? true;
  let init: Initializer;
  let first: Tensor;
  if (isTensor(initialValue)) {
    const copy = initialValue.clone();
    init = () => copy;
    first = initialValue.clone();
  } else if (typeof initialValue === 'function') {
    if (options.shape === undefined) throw new Error('options.shape: required when the initial value is an initializer');
    assertValidShape(options.shape, 'options.shape');
    init = initialValue;
    first = initialValue(options.shape.slice(), options.dtype ?? 'float32');
    if (!shapesEqual(first.shape, options.shape)) {
      throw new Error(`initialValue: initializer returned shape ${formatShape(first.shape)}, expected ${formatShape(options.shape)}`);
    }
  } else {
    throw new Error(`initialValue: expected a Tensor or an initializer function, got ${String(initialValue)}`);
  }
  if (options.dtype !== undefined && first.dtype !== options.dtype) first = first.astype(options.dtype);
  const node = new Operation(uniqueName(options.name ?? 'Variable'), null, 'variable', [], null);
  const v = new Variable(node, first, init, trainable);
  allVariables.push(v);
  return v;
}

export function globalVariables(): Variable[] { return allVariables.slice(); }
export function trainableVariables(): Variable[] { return allVariables.filter((v) => v.trainable); }

/** Op that re-initializes a fixed list of variables; it has no output (Session.run returns null for it). */
const initVariablesOp: OpDef<{ variables: Variable[] }> = {
  name: 'init',
  infer: () => null,
  compute: (_inputs, _out, attrs) => { for (const v of attrs.variables) v.initialize(); },
};

/** tf.global_variables_initializer(): an Operation that initializes every variable created so far. */
export function globalVariablesInitializer(): Operation {
  return new Operation(uniqueName('init'), initVariablesOp, null, [], { variables: globalVariables() });
}

export function variablesInitializer(variables: Variable[]): Operation {
  return new Operation(uniqueName('init'), initVariablesOp, null, [], { variables: variables.slice() });
}
