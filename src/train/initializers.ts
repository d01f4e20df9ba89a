/**
 * Weight initializers (Keras names and rules), drawing from the library's NumPy-compatible generator so
 * `random.seed(s)` makes runs reproduce. Fans follow Keras: dense kernel (in, out); conv kernel
 * (kh, kw, in, out) has fan_in = kh·kw·in and fan_out = kh·kw·out.
 */
import type { DType } from '../tensor/dtype.js';
import { Tensor, zeros as zerosTensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape-util.js';
import { truncatedNormal, uniform } from '../tensor/random.js';
import type { Initializer } from '../graph/variable.js';

export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  let receptive = 1;
  for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i];
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

function floatDType(dtype: DType): 'float32' | 'float64' {
  if (dtype === 'int32') throw new Error('dtype: random initializers need a float dtype, got int32');
  return dtype;
}

export const zeros = (): Initializer => (shape, dtype) => zerosTensor(shape, dtype);
export const ones = (): Initializer => (shape, dtype) => { const t = zerosTensor(shape, dtype); t.data.fill(1); return t; };

/**
 * The standard deviation of a standard normal truncated to ±2σ. Keras (since 2.2) and TensorFlow 1.x's
 * VarianceScaling divide σ by it, so the weights' standard deviation *after* truncation is √(scale / n);
 * tf.contrib.layers.variance_scaling_initializer (the spec's he_normal) gets nearly the same by
 * scaling the variance by 1.3 (≈ 1 / 0.8796²). TensorFlow.js keeps the undivided σ.
 */
export const TRUNCATED_NORMAL_STD = 0.87962566103423978;

/** Truncated normal (within 2σ) whose standard deviation after truncation is √(scale / n). */
export function varianceScalingNormal(shape: readonly number[], scale: number, n: number, dtype: 'float32' | 'float64'): Tensor {
  return truncatedNormal(shape, 0, Math.sqrt(scale / n) / TRUNCATED_NORMAL_STD, dtype);
}

/** He normal, Keras' rule: truncated normal with standard deviation √(2 / fan_in) after truncation. */
export const heNormal = (): Initializer => (shape, dtype) => {
  const { fanIn } = computeFans(shape);
  return varianceScalingNormal(shape, 2, fanIn, floatDType(dtype));
};

/** Glorot (Xavier) uniform: U(−l, l), l = √(6 / (fan_in + fan_out)). */
export const glorotUniform = (): Initializer => (shape, dtype) => {
  const { fanIn, fanOut } = computeFans(shape);
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const t = uniform(-limit, limit, shape) as Tensor;
  return t.dtype === dtype ? t : t.astype(dtype);
};

export type InitializerName = 'zeros' | 'ones' | 'heNormal' | 'glorotUniform';
const byName: Record<string, () => Initializer> = {
  zeros, ones, heNormal, glorotUniform,
  // Keras' snake_case spellings are accepted too
  he_normal: heNormal, glorot_uniform: glorotUniform,
};

/** An initializer from its name, or the function itself. */
export function getInitializer(arg: string, init: InitializerName | string | Initializer): Initializer {
  if (typeof init === 'function') return init;
  const make = typeof init === 'string' ? byName[init] : undefined;
  if (!make) throw new Error(`${arg}: expected one of ${Object.keys(byName).join(', ')} or a function, got ${describe(init)}`);
  return make();
}
