/**
 * Keras / TensorFlow.js initializer configs read from model files. The exact matches of our named
 * initializers map to them; the rest of Keras' VarianceScaling family (GlorotNormal, HeUniform, LeCun…,
 * and TensorFlow.js's own serialisation of heNormal as VarianceScaling) becomes an initializer function
 * that carries its config (`kerasConfig`), so a loaded model re-initializes and re-saves as written.
 * Only these classes are accepted; a model file is data, not code.
 */
import type { Initializer } from '../graph/variable.js';
import { describe } from '../tensor/shape-util.js';
import { normal, truncatedNormal, uniform } from '../tensor/random.js';
import { computeFans, varianceScalingNormal } from '../train/initializers.js';
import type { Tensor } from '../tensor/tensor.js';

type KerasConfig = { class_name: string; config: Record<string, unknown> };

const FAMILY: Record<string, { scale: number; mode: string; distribution: string }> = {
  GlorotNormal: { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' },
  HeUniform: { scale: 2, mode: 'fan_in', distribution: 'uniform' },
  LecunNormal: { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' },
  LecunUniform: { scale: 1, mode: 'fan_in', distribution: 'uniform' },
};

/** TensorFlow.js writes camelCase enum values in places ('fanIn'); Keras writes snake_case. */
const snake = (v: unknown) => String(v).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function varianceScaling(scale: number, mode: string, distribution: string, kerasConfig: KerasConfig): Initializer {
  const init: Initializer & { kerasConfig?: KerasConfig } = (shape, dtype) => {
    const { fanIn, fanOut } = computeFans(shape);
    const n = Math.max(1, mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2);
    let t: Tensor;
    if (distribution === 'uniform') {
      const limit = Math.sqrt((3 * scale) / n);
      t = uniform(-limit, limit, shape) as Tensor;
    } else if (distribution === 'untruncated_normal') {
      t = normal(0, Math.sqrt(scale / n), shape) as Tensor;
    } else {
      t = varianceScalingNormal(shape, scale, n, dtype === 'float64' ? 'float64' : 'float32');
    }
    return t.dtype === dtype ? t : t.astype(dtype);
  };
  init.kerasConfig = kerasConfig;
  return init;
}

/** An initializer name or function for a layer argument; undefined keeps the layer's default. */
export function initializerFromConfig(where: string, v: unknown): string | Initializer | undefined {
  if (v === undefined || v === null) return undefined;
  const ic = v as { class_name?: unknown; config?: Record<string, unknown> };
  const name = ic.class_name;
  const c = ic.config ?? {};
  switch (name) {
    case 'HeNormal': return 'heNormal';
    case 'GlorotUniform': return 'glorotUniform';
    case 'Zeros': return 'zeros';
    case 'Ones': return 'ones';
  }
  const carry = (fn: Initializer): Initializer => Object.assign(fn, { kerasConfig: { class_name: name as string, config: { ...c } } });
  const num = (k: string, fallback: number) => (typeof c[k] === 'number' ? c[k] as number : fallback);
  const cast = (t: Tensor, dtype: string) => (t.dtype === dtype ? t : t.astype(dtype as 'float32'));
  switch (name) {
    case 'RandomNormal': return carry((shape, dtype) => cast(normal(num('mean', 0), num('stddev', 0.05), shape) as Tensor, dtype));
    case 'TruncatedNormal': return carry((shape, dtype) => truncatedNormal(shape, num('mean', 0), num('stddev', 0.05), dtype === 'float64' ? 'float64' : 'float32'));
    case 'RandomUniform': return carry((shape, dtype) => cast(uniform(num('minval', -0.05), num('maxval', 0.05), shape) as Tensor, dtype));
    case 'Constant': return carry((shape, dtype) => { const t = cast(normal(0, 0, shape) as Tensor, dtype); t.data.fill(num('value', 0)); return t; });
  }
  if (typeof name === 'string' && FAMILY[name]) {
    const f = FAMILY[name];
    return varianceScaling(f.scale, f.mode, f.distribution, { class_name: name, config: { ...c } });
  }
  if (name === 'VarianceScaling') {
    const scale = Number(c.scale ?? 1), mode = snake(c.mode ?? 'fan_in'), distribution = snake(c.distribution ?? 'truncated_normal');
    const ok = scale > 0 && ['fan_in', 'fan_out', 'fan_avg'].includes(mode) && ['normal', 'truncated_normal', 'untruncated_normal', 'uniform'].includes(distribution);
    if (ok) {
      // heNormal and glorotUniform have names of their own
      if (scale === 2 && mode === 'fan_in' && (distribution === 'normal' || distribution === 'truncated_normal')) return 'heNormal';
      if (scale === 1 && mode === 'fan_avg' && distribution === 'uniform') return 'glorotUniform';
      return varianceScaling(scale, mode, distribution, { class_name: 'VarianceScaling', config: { ...c } });
    }
    throw new Error(`modelTopology: ${where} has a VarianceScaling initializer with unsupported config ${JSON.stringify(c)}`);
  }
  throw new Error(`modelTopology: ${where} has unknown initializer ${describe(name)}; supported: HeNormal, GlorotUniform, Zeros, Ones, GlorotNormal, HeUniform, LecunNormal, LecunUniform, VarianceScaling, RandomNormal, TruncatedNormal, RandomUniform, Constant`);
}
