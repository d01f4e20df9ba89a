/**
 * Adam (Kingma & Ba) as TensorFlow 1.x applies it: with t the step count after increment,
 *   lr_t = lr · √(1 − β2^t) / (1 − β1^t)
 *   m ← β1·m + (1 − β1)·g     v ← β2·v + (1 − β2)·g²     var ← var − lr_t · m / (√v + ε)
 * The moments and the step count are non-trainable variables, so globalVariablesInitializer() resets them.
 */
import type { OpDef } from '../graph/op-def.js';
import { Variable, variable } from '../graph/variable.js';
import { zeros } from '../tensor/tensor.js';
import { describe } from '../tensor/shape-util.js';
import { Optimizer } from './optimizer.js';
import { kernels } from '../kernels/backend.js';
import { makeResident } from '../wasm/heap.js';
import type { FloatArray } from '../tensor/dtype.js';
import { checkOptions } from '../utils/check-options.js';

export interface AdamConfig { learningRate?: number; beta1?: number; beta2?: number; epsilon?: number }

interface AdamAttrs {
  vars: Variable[]; m: Variable[]; v: Variable[]; step: Variable;
  learningRate: number; beta1: number; beta2: number; epsilon: number;
}

const applyAdamOp: OpDef<AdamAttrs> = {
  name: 'Adam',
  infer: () => null,
  prepare(_inputs, _out, a) {
    // The moments and weights are updated every step: keep them in wasm memory, updated in place.
    if (kernels().name === 'wasm') for (const v of [...a.vars, ...a.m, ...a.v]) makeResident(v.value);
  },
  compute(grads, _out, a) {
    const stepData = a.step.value.data;
    const t = ++stepData[0];
    const lrT = a.learningRate * Math.sqrt(1 - Math.pow(a.beta2, t)) / (1 - Math.pow(a.beta1, t));
    // All variables in one kernel call (one hand-off to the threads instead of one per variable).
    const data = (ts: readonly { data: unknown }[]) => ts.map((t) => t.data as FloatArray);
    kernels().adamUpdateList(data(a.vars.map((v) => v.value)), data(grads), data(a.m.map((v) => v.value)),
      data(a.v.map((v) => v.value)), lrT, a.beta1, a.beta2, a.epsilon);
  },
};

export class AdamOptimizer extends Optimizer {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(config: AdamConfig = {}) {
    super();
    this.learningRate = config.learningRate ?? 0.001;
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.epsilon = config.epsilon ?? 1e-8;
    const check = (name: string, v: number, lo: number, hi: number) => {
      if (!(typeof v === 'number' && v >= lo && v < hi)) throw new Error(`${name}: expected a number in [${lo}, ${hi}), got ${describe(v)}`);
    };
    check('learningRate', this.learningRate, 0, Infinity);
    check('beta1', this.beta1, 0, 1);
    check('beta2', this.beta2, 0, 1);
    check('epsilon', this.epsilon, 0, Infinity);
  }

  protected updateOp(vars: Variable[]) {
    const slot = (w: Variable, suffix: string) =>
      variable(zeros(w.value.shape, w.dtype), { name: `${w.name}/${suffix}`, trainable: false });
    const attrs: AdamAttrs = {
      vars,
      m: vars.map((w) => slot(w, 'Adam')),
      v: vars.map((w) => slot(w, 'Adam_1')),
      step: variable(zeros([], 'float64'), { name: 'Adam/step', trainable: false }),
      learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon,
    };
    return { op: applyAdamOp, attrs };
  }
}

/** train.adam({learningRate, beta1, beta2, epsilon}) or TensorFlow.js's positional train.adam(lr, b1, b2, eps). */
export function adam(config?: AdamConfig | number, beta1?: number, beta2?: number, epsilon?: number): AdamOptimizer {
  if (typeof config === 'number') return new AdamOptimizer({ learningRate: config, beta1, beta2, epsilon });
  // A typo such as `learningrate` must not silently train with the default rate.
  checkOptions('config', config, ['learningRate', 'beta1', 'beta2', 'epsilon']);
  return new AdamOptimizer(config ?? {});
}
