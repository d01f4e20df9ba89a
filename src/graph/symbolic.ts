/**
 * The symbolic graph: an Operation applies an OpDef to input SymbolicTensors and produces at most one
 * output SymbolicTensor. Placeholders, variables and constants are Operations without inputs whose value
 * comes from a feed, the variable's own storage, or the constant tensor.
 */
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertFitsTensor, describe, formatShape } from '../tensor/shape-util.js';
import type { Dim, OpDef, TensorSpec } from './op-def.js';

export type SourceKind = 'placeholder' | 'variable' | 'const';

let nextId = 0;
const usedNames = new Map<string, number>();

/** 'dense' → 'dense', then 'dense_1', 'dense_2', … like TensorFlow / Keras. */
export function uniqueName(base: string): string {
  const n = usedNames.get(base);
  usedNames.set(base, (n ?? 0) + 1);
  return n === undefined ? base : `${base}_${n}`;
}

export class Operation {
  readonly id = nextId++;
  readonly name: string;
  readonly op: OpDef | null;            // null for sources
  readonly source: SourceKind | null;   // non-null for sources
  readonly inputs: readonly SymbolicTensor[];
  readonly attrs: unknown;
  output: SymbolicTensor | null = null;

  constructor(name: string, op: OpDef | null, source: SourceKind | null, inputs: readonly SymbolicTensor[], attrs: unknown) {
    this.name = name;
    this.op = op;
    this.source = source;
    this.inputs = inputs;
    this.attrs = attrs;
  }

  toString(): string { return `Operation ${this.name}`; }
}

export class SymbolicTensor implements TensorSpec {
  readonly id = nextId++;
  readonly shape: Dim[];
  readonly dtype: DType;
  readonly node: Operation;

  constructor(node: Operation, spec: TensorSpec) {
    this.node = node;
    this.shape = spec.shape.slice();
    this.dtype = spec.dtype;
    node.output = this;
  }

  get rank(): number { return this.shape.length; }
  get name(): string { return this.node.name; }

  toString(): string { return `SymbolicTensor ${this.name} ${this.dtype} ${formatShape(this.shape)}`; }
}

/** Value-less input of a graph; given to Session.run as a feed. */
export class Placeholder extends SymbolicTensor {}

/** A constant folded into the graph (numbers mixed with graph tensors, e.g. mul(x, 2)). */
export class Constant extends SymbolicTensor {
  readonly value: Tensor;
  constructor(node: Operation, value: Tensor) {
    super(node, value);
    this.value = value;
  }
}

export function isSymbolic(x: unknown): x is SymbolicTensor {
  return x instanceof SymbolicTensor;
}

/** Adds an op node; `infer` checks the inputs now (shapes may contain null). */
export function addNode(def: OpDef, inputs: readonly SymbolicTensor[], attrs: unknown, name?: string): SymbolicTensor | Operation {
  const spec = def.infer(inputs, attrs);
  const node = new Operation(uniqueName(name ?? def.name), def, null, inputs, attrs);
  if (spec === null) return node;
  return new SymbolicTensor(node, spec);
}

/** addNode for ops that always have an output. */
export function addTensorNode(def: OpDef, inputs: readonly SymbolicTensor[], attrs: unknown, name?: string): SymbolicTensor {
  const r = addNode(def, inputs, attrs, name);
  if (!(r instanceof SymbolicTensor)) throw new Error(`${def.name}: internal error, op has no output`);
  return r;
}

export function placeholder(dtype: DType, shape: readonly Dim[], name?: string): Placeholder {
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') {
    throw new Error(`dtype: expected 'float32', 'float64' or 'int32', got ${String(dtype)}`);
  }
  if (!Array.isArray(shape) || shape.some((d) => d !== null && !(Number.isInteger(d) && d >= 0))) {
    throw new Error(`shape: expected an array of non-negative integers or null, got ${Array.isArray(shape) ? formatShape(shape) : String(shape)}`);
  }
  if (name !== undefined && (typeof name !== 'string' || name === '')) throw new Error(`name: expected a non-empty string, got ${describe(name)}`);
  // a feed of this shape could never be allocated (even with every null dim at 1): say so now, not at run time
  assertFitsTensor(shape, 'shape');
  const node = new Operation(uniqueName(name ?? 'Placeholder'), null, 'placeholder', [], null);
  return new Placeholder(node, { shape, dtype });
}

export function constant(value: Tensor, name?: string): Constant {
  const node = new Operation(uniqueName(name ?? 'Const'), null, 'const', [], null);
  return new Constant(node, value);
}
