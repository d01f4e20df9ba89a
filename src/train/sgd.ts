/** Plain gradient descent: var −= learningRate · grad. */
import type { OpDef } from '../graph/op-def.js';
import type { Variable } from '../graph/variable.js';
import { Optimizer } from './optimizer.js';
import { describe } from '../tensor/shape-util.js';

interface SgdAttrs { vars: Variable[]; learningRate: number }

const applySgdOp: OpDef<SgdAttrs> = {
  name: 'GradientDescent',
  infer: () => null,
  compute(grads, _out, attrs) {
    const lr = attrs.learningRate;
    for (let k = 0; k < grads.length; k++) {
      const w = attrs.vars[k].value.data, g = grads[k].data;
      for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
    }
  },
};

export class SGDOptimizer extends Optimizer {
  constructor(readonly learningRate: number) {
    super();
    if (!(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate))) {
      throw new Error(`learningRate: expected a positive number, got ${describe(learningRate)}`);
    }
  }
  protected updateOp(vars: Variable[]) { return { op: applySgdOp, attrs: { vars, learningRate: this.learningRate } }; }
}

export function sgd(learningRate: number): SGDOptimizer { return new SGDOptimizer(learningRate); }
