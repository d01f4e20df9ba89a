/**
 * The public ops, with TensorFlow.js signatures. Each validates its options, then either computes at
 * once (all inputs are Tensors) or adds a node to the graph (any input is a graph tensor), using the
 * same op definition either way. Plain numbers are accepted where TensorFlow.js takes a scalar.
 */
import { Tensor, isTensor, tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { assertFitsTensor, assertSizeArg, describe, sizePairArg } from '../tensor/shape-util.js';
import type { OpDef } from '../graph/op-def.js';
import { SymbolicTensor, addTensorNode, constant, isSymbolic } from '../graph/symbolic.js';
import { runEager } from '../graph/eager.js';
import { normalizeAxis } from '../graph/shape-rules.js';
import type { Padding } from '../kernels/shape.js';
import { addOp, divOp, equalOp, mulOp, subOp } from '../ops/binary.js';
import { negOp, reluOp, sigmoidOp, tanhOp } from '../ops/unary.js';
import { softmaxOp } from '../ops/softmax.js';
import { matMulOp } from '../ops/matmul.js';
import { reshapeOp } from '../ops/reshape.js';
import { reduceOp } from '../ops/reduce.js';
import { argMaxOp, castOp, oneHotOp } from '../ops/misc.js';
import { conv2dOp } from '../ops/conv2d.js';
import { avgPoolOp, maxPoolOp } from '../ops/pool.js';
import '../ops/grads.js';

export type AnyTensor = Tensor | SymbolicTensor;
type TensorOrNumber = AnyTensor | number;

function checkInput(arg: string, x: unknown): asserts x is AnyTensor {
  if (!isTensor(x) && !isSymbolic(x)) throw new Error(`${arg}: expected a Tensor or a graph tensor, got ${describe(x)}`);
}

/**
 * Eager when every input is a Tensor, a graph node otherwise. Ops whose output can outgrow their inputs
 * (broadcasting, matMul, conv2d, oneHot) name in `blame` the argument to fault when the output could not be
 * allocated; the check runs on the inferred shape, before anything is allocated or added to the graph.
 */
function apply<T extends AnyTensor>(def: OpDef, inputs: AnyTensor[], attrs: unknown, blame?: string): T {
  if (blame !== undefined) {
    const spec = def.infer(inputs, attrs);
    if (spec !== null) {
      const args = inputs.map((t) => `[${t.shape.map(String).join(', ')}]`).join(' and ');
      assertFitsTensor(spec.shape, blame, `the ${def.name} of ${args}: a result of shape`);
    }
  }
  if (inputs.some(isSymbolic)) {
    const sym = inputs.map((t) => (isSymbolic(t) ? t : constant(t)));
    return addTensorNode(def, sym, attrs) as T;
  }
  return runEager(def, inputs as Tensor[], attrs) as T;
}

/** Flags must be real booleans: a string like 'false' would otherwise read as true. */
function checkBoolean(arg: string, v: unknown): asserts v is boolean {
  if (typeof v !== 'boolean') throw new Error(`${arg}: expected true or false, got ${describe(v)}`);
}

function checkNumber(arg: string, v: unknown): asserts v is number {
  if (typeof v !== 'number') throw new Error(`${arg}: expected a number, got ${describe(v)}`);
}

function checkDType(arg: string, v: unknown): asserts v is DType {
  if (v !== 'float32' && v !== 'float64' && v !== 'int32') throw new Error(`${arg}: expected 'float32', 'float64' or 'int32', got ${describe(v)}`);
}

/** A number next to a tensor becomes a scalar of that tensor's dtype. */
function pair(a: TensorOrNumber, b: TensorOrNumber): [AnyTensor, AnyTensor] {
  if (typeof a === 'number' && typeof b === 'number') return [tensor(a), tensor(b)];
  if (typeof a === 'number') { checkInput('b', b); return [tensor(a, [], (b as AnyTensor).dtype), b as AnyTensor]; }
  if (typeof b === 'number') { checkInput('a', a); return [a, tensor(b, [], a.dtype)]; }
  checkInput('a', a);
  checkInput('b', b);
  return [a, b];
}

/** The result type follows the inputs: a graph tensor in, a graph tensor out; Tensors in, a Tensor out. */
export type Out<A> = A extends SymbolicTensor ? SymbolicTensor : A extends Tensor | number ? Tensor : AnyTensor;
export type Out2<A, B> = A extends SymbolicTensor ? SymbolicTensor : B extends SymbolicTensor ? SymbolicTensor
  : A extends Tensor | number ? (B extends Tensor | number ? Tensor : AnyTensor) : AnyTensor;

export function add<A extends TensorOrNumber, B extends TensorOrNumber>(a: A, b: B): Out2<A, B> { return apply(addOp, pair(a, b), null, 'b'); }
export function sub<A extends TensorOrNumber, B extends TensorOrNumber>(a: A, b: B): Out2<A, B> { return apply(subOp, pair(a, b), null, 'b'); }
export function mul<A extends TensorOrNumber, B extends TensorOrNumber>(a: A, b: B): Out2<A, B> { return apply(mulOp, pair(a, b), null, 'b'); }
export function div<A extends TensorOrNumber, B extends TensorOrNumber>(a: A, b: B): Out2<A, B> { return apply(divOp, pair(a, b), null, 'b'); }
/** 1 where a == b, else 0, as int32 (broadcasting). */
export function equal<A extends TensorOrNumber, B extends TensorOrNumber>(a: A, b: B): Out2<A, B> { return apply(equalOp, pair(a, b), null, 'b'); }

export function matMul<A extends AnyTensor, B extends AnyTensor>(a: A, b: B, transposeA = false, transposeB = false): Out2<A, B> {
  checkInput('a', a);
  checkInput('b', b);
  checkBoolean('transposeA', transposeA);
  checkBoolean('transposeB', transposeB);
  return apply(matMulOp, [a, b], { transposeA, transposeB }, 'b');
}

export function reshape<A extends AnyTensor>(x: A, shape: number[]): Out<A> {
  checkInput('x', x);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new Error(`shape: expected an array of non-negative integers (one may be -1), got ${describe(shape)}`);
  }
  return apply(reshapeOp, [x], { shape: shape.slice() });
}

function unary<T>(def: OpDef, x: AnyTensor): T {
  checkInput('x', x);
  return apply<AnyTensor>(def, [x], null) as T;
}
export function relu<A extends AnyTensor>(x: A): Out<A> { return unary(reluOp, x); }
export function sigmoid<A extends AnyTensor>(x: A): Out<A> { return unary(sigmoidOp, x); }
export function tanh<A extends AnyTensor>(x: A): Out<A> { return unary(tanhOp, x); }
export function neg<A extends AnyTensor>(x: A): Out<A> { return unary(negOp, x); }

/** Softmax over the last axis (TensorFlow.js only supports dim = -1 too). */
export function softmax<A extends AnyTensor>(logits: A, dim = -1): Out<A> {
  checkInput('logits', logits);
  if (dim !== -1 && dim !== logits.shape.length - 1) throw new Error(`dim: only the last axis (-1) is supported, got ${dim}`);
  return apply(softmaxOp, [logits], null);
}

function padding(pad: unknown): Padding {
  if (pad !== 'same' && pad !== 'valid') throw new Error(`pad: expected 'same' or 'valid', got ${describe(pad)}`);
  return pad;
}

/** conv2d(x NHWC, filter (kh, kw, inC, outC), strides, pad). */
export function conv2d<A extends AnyTensor, F extends AnyTensor>(x: A, filter: F, strides: number | [number, number], pad: Padding): Out2<A, F> {
  checkInput('x', x);
  checkInput('filter', filter);
  return apply(conv2dOp, [x, filter], { strides: sizePairArg(strides, 'strides'), pad: padding(pad) }, 'filter');
}

export function maxPool<A extends AnyTensor>(x: A, filterSize: number | [number, number], strides: number | [number, number], pad: Padding): Out<A> {
  checkInput('x', x);
  return apply(maxPoolOp, [x], { filterSize: sizePairArg(filterSize, 'filterSize'), strides: sizePairArg(strides, 'strides'), pad: padding(pad) });
}

export function avgPool<A extends AnyTensor>(x: A, filterSize: number | [number, number], strides: number | [number, number], pad: Padding): Out<A> {
  checkInput('x', x);
  return apply(avgPoolOp, [x], { filterSize: sizePairArg(filterSize, 'filterSize'), strides: sizePairArg(strides, 'strides'), pad: padding(pad) });
}

/** Index of the maximum along `axis` (default 0, as TensorFlow.js), int32. */
export function argMax<A extends AnyTensor>(x: A, axis = 0): Out<A> {
  checkInput('x', x);
  if (x.shape.length === 0) throw new Error('x: argMax needs rank >= 1, got a scalar');
  return apply(argMaxOp, [x], { axis: normalizeAxis('axis', axis, x.shape.length) });
}

export function cast<A extends AnyTensor>(x: A, dtype: DType): Out<A> {
  checkInput('x', x);
  checkDType('dtype', dtype);
  return apply(castOp, [x], { dtype });
}

function reduction<T>(x: AnyTensor, axis: number | number[] | null | undefined, keepDims: boolean, mean: boolean): T {
  checkInput('x', x);
  checkBoolean('keepDims', keepDims);
  let axes: number[] | null = null;
  if (axis !== undefined && axis !== null) {
    const list = typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(list)) throw new Error(`axis: expected a number or an array of numbers, got ${describe(axis)}`);
    axes = [...new Set(list.map((a) => normalizeAxis('axis', a, x.shape.length)))].sort((p, q) => p - q);
  }
  return apply<AnyTensor>(reduceOp, [x], { axes, keepDims, mean }) as T;
}

/** Sum over `axis` (all axes by default). */
export function sum<A extends AnyTensor>(x: A, axis?: number | number[] | null, keepDims = false): Out<A> {
  return reduction(x, axis, keepDims, false);
}

/** Mean over `axis` (all axes by default). */
export function mean<A extends AnyTensor>(x: A, axis?: number | number[] | null, keepDims = false): Out<A> {
  return reduction(x, axis, keepDims, true);
}

/** int32 indices → one-hot along a new last axis (float32 by default, as tf.one_hot). */
export function oneHot<A extends AnyTensor>(indices: A, depth: number, onValue = 1, offValue = 0, dtype: DType = 'float32'): Out<A> {
  checkInput('indices', indices);
  assertSizeArg(depth, 'depth');
  checkNumber('onValue', onValue);
  checkNumber('offValue', offValue);
  checkDType('dtype', dtype);
  return apply(oneHotOp, [indices], { depth, onValue, offValue, dtype }, 'depth');
}
