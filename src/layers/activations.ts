/** Activation names accepted by layers and the ops that implement them. */
import { relu, sigmoid, softmax, tanh } from '../api/ops.js';
import { describe } from '../tensor/shape-util.js';
import type { LayerInput } from './layer.js';

export type ActivationName = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';
const names: ActivationName[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

export function checkActivation(a: unknown): ActivationName {
  const v = a ?? 'linear';
  if (!names.includes(v as ActivationName)) throw new Error(`activation: expected one of ${names.join(', ')}, got ${describe(a)}`);
  return v as ActivationName;
}

export function activate(name: ActivationName, x: LayerInput): LayerInput {
  switch (name) {
    case 'linear': return x;
    case 'relu': return relu(x);
    case 'sigmoid': return sigmoid(x);
    case 'tanh': return tanh(x);
    case 'softmax': return softmax(x);
  }
}
