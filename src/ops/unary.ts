/**
 * Elementwise activations and their gradient ops. The gradients are written in terms of the op's
 * output y (what the forward pass already holds): relu' = [y > 0], sigmoid' = y(1 − y), tanh' = 1 − y².
 */
import type { OpDef } from '../graph/op-def.js';
import { assertFloat } from '../graph/shape-rules.js';
import { formatShape } from '../tensor/shape-util.js';
import type { FloatArray } from '../tensor/dtype.js';
import { kernels } from '../kernels/backend.js';

function unaryOp(name: string, f: (a: ArrayLike<number>, o: { [i: number]: number; length: number }) => void, floatOnly = true): OpDef<null> {
  return {
    name,
    infer(inputs) {
      if (floatOnly) assertFloat('x', inputs[0]);
      return { shape: inputs[0].shape, dtype: inputs[0].dtype };
    },
    compute(inputs, out) { f(inputs[0].data, out!.data); },
  };
}

export const reluOp = unaryOp('Relu', (a, o) => kernels().relu(a as FloatArray, o as FloatArray));
export const sigmoidOp = unaryOp('Sigmoid', (a, o) => { for (let i = 0; i < o.length; i++) o[i] = 1 / (1 + Math.exp(-a[i])); });
export const tanhOp = unaryOp('Tanh', (a, o) => { for (let i = 0; i < o.length; i++) o[i] = Math.tanh(a[i]); });
export const negOp = unaryOp('Neg', (a, o) => { for (let i = 0; i < o.length; i++) o[i] = -a[i]; }, false);

/** (dy, y) → dx, elementwise; both inputs have the shape of y. */
function unaryGradOp(name: string, f: (dy: ArrayLike<number>, y: ArrayLike<number>, o: { [i: number]: number; length: number }) => void): OpDef<null> {
  return {
    name,
    infer(inputs) {
      const [dy, y] = inputs;
      if (dy.shape.length !== y.shape.length) throw new Error(`dy: ${name} expected the shape of y ${formatShape(y.shape)}, got ${formatShape(dy.shape)}`);
      return { shape: y.shape, dtype: y.dtype };
    },
    compute(inputs, out) { f(inputs[0].data, inputs[1].data, out!.data); },
  };
}

export const reluGradOp = unaryGradOp('ReluGrad', (dy, y, o) => kernels().reluGrad(dy as FloatArray, y as FloatArray, o as FloatArray));
export const sigmoidGradOp = unaryGradOp('SigmoidGrad', (dy, y, o) => { for (let i = 0; i < o.length; i++) o[i] = dy[i] * y[i] * (1 - y[i]); });
export const tanhGradOp = unaryGradOp('TanhGrad', (dy, y, o) => { for (let i = 0; i < o.length; i++) o[i] = dy[i] * (1 - y[i] * y[i]); });
