/**
 * Optimizers as graph operations (TensorFlow 1.x): `minimize(loss)` builds the gradients of the loss
 * with respect to the trainable variables and one update Operation that applies all of them in place.
 */
import { gradients } from '../graph/gradients.js';
import { Operation, SymbolicTensor, uniqueName } from '../graph/symbolic.js';
import { Variable, trainableVariables } from '../graph/variable.js';
import { describe } from '../tensor/shape-util.js';
import type { OpDef } from '../graph/op-def.js';
import '../ops/grads.js';

export type GradAndVar = [SymbolicTensor, Variable];

export abstract class Optimizer {
  /** Gradients of `loss` for each variable it depends on (variables it does not touch are skipped). */
  computeGradients(loss: SymbolicTensor, varList?: Variable[]): GradAndVar[] {
    if (!(loss instanceof SymbolicTensor)) throw new Error(`loss: expected a graph tensor, got ${describe(loss)}`);
    if (loss.shape.length !== 0) throw new Error(`loss: expected a scalar, got shape [${loss.shape.join(', ')}]; reduce it with mean() first`);
    const vars = varList ?? trainableVariables();
    const grads = gradients(loss, vars);
    const pairs: GradAndVar[] = [];
    grads.forEach((g, i) => { if (g) pairs.push([g, vars[i]]); });
    if (pairs.length === 0) throw new Error(`loss: no gradients for any variable (${vars.map((v) => v.name).join(', ') || 'none'}); is the loss built from them?`);
    return pairs;
  }

  /** The Operation that updates every variable from its gradient (Session.run returns null for it). */
  applyGradients(pairs: GradAndVar[]): Operation {
    const { op, attrs } = this.updateOp(pairs.map((p) => p[1]));
    return new Operation(uniqueName(op.name), op, null, pairs.map((p) => p[0]), attrs);
  }

  minimize(loss: SymbolicTensor, varList?: Variable[]): Operation {
    return this.applyGradients(this.computeGradients(loss, varList));
  }

  /** The update op (inputs: the gradients, in the order of `vars`) and its attributes. */
  protected abstract updateOp(vars: Variable[]): { op: OpDef; attrs: unknown };
}
