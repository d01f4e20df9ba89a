/**
 * Finds the chains a plan can run as one fused step (see fused.ts). Works on the graph nodes of one
 * plan: a chain is fused only when its intermediate tensors are read by nothing else in the plan,
 * except by ops that read them for their shape alone (the gradients' SumToShape and friends), which
 * then read the fused output instead: it has the same shape.
 */
import type { OpDef } from '../graph/op-def.js';
import type { Operation, SymbolicTensor } from '../graph/symbolic.js';
import { addOp } from './binary.js';
import { conv2dOp, conv2dBackpropFilterOp, conv2dBackpropInputOp } from './conv2d.js';
import { matMulOp } from './matmul.js';
import { reluGradOp, reluOp } from './unary.js';
import { sumToShapeOp } from './sum-to-shape.js';
import { reshapeLikeOp } from './reshape.js';
import { reduceGradOp } from './reduce.js';
import { avgPoolGradOp, maxPoolGradOp, maxPoolGradReluOp, maxPoolOp, type PoolAttrs } from './pool.js';
import { conv2dBiasActOp, conv2dBiasActPoolOp, isPool2x2, isRowBias, matMulBiasActOp, type FusedAttrs } from './fused.js';
import type { Conv2DAttrs } from './conv2d.js';

/** Which input positions of an op are read for their shape only. */
const SHAPE_ONLY_INPUTS = new Map<OpDef, number>([
  [sumToShapeOp, 1], [reshapeLikeOp, 1], [reduceGradOp, 1], [avgPoolGradOp, 1],
  [conv2dBackpropInputOp, 2], [conv2dBackpropFilterOp, 2],
]);

export interface Fusion {
  /** The node whose output the fused step produces (the chain's last). */
  head: Operation;
  def: OpDef;
  inputs: SymbolicTensor[];
  attrs: unknown;
  /** Nodes of the chain before the head: not run; their outputs alias the head's output. */
  absorbed: Operation[];
}

/**
 * Fusions for the nodes of `order` (topological), given which tensors the caller fetches.
 * Returned keyed by head node.
 */
export function findFusions(order: readonly Operation[], fetched: ReadonlySet<SymbolicTensor>): Map<Operation, Fusion> {
  // Real (value-reading) uses of each tensor within the plan.
  const uses = new Map<SymbolicTensor, number>();
  for (const node of order) {
    const shapeOnly = node.op ? SHAPE_ONLY_INPUTS.get(node.op) : undefined;
    node.inputs.forEach((t, i) => { if (i !== shapeOnly) uses.set(t, (uses.get(t) ?? 0) + 1); });
  }
  const onlyFeeds = (t: SymbolicTensor) => !fetched.has(t) && uses.get(t) === 1;
  const position = new Map<Operation, number>();
  order.forEach((n, i) => position.set(n, i));
  // Shape-only readers of an absorbed tensor read the head's output, so they must run after the head.
  const shapeReadersAfter = (t: SymbolicTensor, head: Operation, chain: Operation[]) => order.every((n, i) =>
    i > position.get(head)! || chain.includes(n) || !n.inputs.includes(t));
  const fusions = new Map<Operation, Fusion>();
  const taken = new Set<Operation>();
  for (const node of order) {
    if (node.op !== addOp || taken.has(node)) continue;
    const [product, bias] = node.inputs;
    const producer = product.node;
    if (producer.op !== conv2dOp && producer.op !== matMulOp) continue;
    if (!onlyFeeds(product) || !isRowBias(product, bias)) continue;
    const sum = node.output!;
    // Take the Relu too when it is the sum's only reader.
    const relu = onlyFeeds(sum) ? order.find((n) => n.op === reluOp && n.inputs[0] === sum) : undefined;
    const head = relu ?? node;
    const chain = relu ? [node, relu] : [node];
    if (!shapeReadersAfter(product, head, chain) || (relu && !shapeReadersAfter(sum, head, chain))) continue;
    const def = producer.op === conv2dOp ? conv2dBiasActOp : matMulBiasActOp;
    fusions.set(head, {
      head, def, inputs: [producer.inputs[0], producer.inputs[1], bias],
      attrs: { inner: producer.attrs, relu: relu !== undefined },
      absorbed: relu ? [producer, node] : [producer],
    });
    taken.add(producer).add(node);
  }
  // A fused conv whose output only a 2×2/2 max pool reads (inference plans): the pool joins the step.
  for (const node of order) {
    if (node.op !== maxPoolOp) continue;
    const input = node.inputs[0];
    const conv = fusions.get(input.node);
    if (!conv || conv.def !== conv2dBiasActOp || !onlyFeeds(input) || !isPool2x2(node.attrs as PoolAttrs, input)) continue;
    if (!shapeReadersAfter(input, node, [node])) continue;
    fusions.delete(input.node);
    fusions.set(node, {
      head: node, def: conv2dBiasActPoolOp, inputs: conv.inputs,
      attrs: { ...(conv.attrs as FusedAttrs<Conv2DAttrs>), pool: node.attrs as PoolAttrs },
      absorbed: [...conv.absorbed, input.node],
    });
  }
  // ReluGrad(MaxPoolGrad(dy, a), a): the pooled tensor is the relu's output, so one pass masks the
  // pool's gradient by a > 0 (LeNet's relu → max-pool layers).
  for (const node of order) {
    if (node.op !== reluGradOp) continue;
    const [poolGrad, a] = node.inputs;
    const producer = poolGrad.node;
    if (producer.op !== maxPoolGradOp || producer.inputs[1] !== a || !onlyFeeds(poolGrad)) continue;
    if (!shapeReadersAfter(poolGrad, node, [node])) continue;
    fusions.set(node, {
      head: node, def: maxPoolGradReluOp, inputs: [producer.inputs[0], a], attrs: producer.attrs, absorbed: [producer],
    });
  }
  return fusions;
}
