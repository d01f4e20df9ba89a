/**
 * Reverse-mode autodiff on the symbolic graph (TensorFlow 1.x `tf.gradients`): gradients are new graph
 * nodes built by each op's gradient function (registered from its `*.grad.ts` file beside the op).
 * Only operations on a path from some x to some y are differentiated, and each gradient function is told
 * which of its inputs need a gradient, so e.g. the first convolution builds no input gradient.
 */
import type { OpDef } from './op-def.js';
import { isFloatDType } from './op-def.js';
import { Operation, SymbolicTensor } from './symbolic.js';
import { topologicalOrder } from './plan.js';

/** Given dy (the gradient of the output), returns one gradient per input (null where `needs[i]` is false). */
export type GradFn = (dy: SymbolicTensor, node: Operation, needs: readonly boolean[]) => (SymbolicTensor | null)[];

const registry = new Map<OpDef, GradFn>();

export function registerGradient(def: OpDef, fn: GradFn): void {
  registry.set(def, fn);
}

/** Hooks the graph layer needs from the ops layer, installed by src/ops/grad-support.ts. */
export interface GradSupport {
  onesLike(y: SymbolicTensor): SymbolicTensor;
  add(a: SymbolicTensor, b: SymbolicTensor): SymbolicTensor;
}
let support: GradSupport | null = null;
export function installGradSupport(s: GradSupport): void { support = s; }

/**
 * d(sum of ys)/d(each x). Returns null for an x that no y depends on (like TensorFlow's None).
 * `dys` optionally seeds the output gradients (defaults to ones).
 */
export function gradients(
  ys: SymbolicTensor | readonly SymbolicTensor[], xsArg: SymbolicTensor | readonly SymbolicTensor[], dys?: readonly SymbolicTensor[],
): (SymbolicTensor | null)[] {
  if (support === null) throw new Error('gradients: the ops module is not loaded (import the package root)');
  const yList = Array.isArray(ys) ? ys as readonly SymbolicTensor[] : [ys as SymbolicTensor];
  // Like tf.gradients, a single x is allowed; the result is a list either way.
  const xs = Array.isArray(xsArg) ? xsArg as readonly SymbolicTensor[] : [xsArg as SymbolicTensor];
  if (dys !== undefined && (!Array.isArray(dys) || dys.length !== yList.length)) {
    throw new Error(`dys: expected an array of ${yList.length} graph tensors (one per y), got ${Array.isArray(dys) ? `${dys.length}` : typeof dys}`);
  }
  yList.forEach((y, i) => {
    if (!(y instanceof SymbolicTensor)) throw new Error(`ys: expected graph tensors, got ${String(y)} at index ${i}`);
    if (!isFloatDType(y.dtype)) throw new Error(`ys: cannot differentiate ${y.name} of dtype ${y.dtype}`);
  });
  xs.forEach((x, i) => {
    if (!(x instanceof SymbolicTensor)) throw new Error(`xs: expected graph tensors, got ${String(x)} at index ${i}`);
  });
  const order = topologicalOrder(yList);
  // Forward reachability from xs: which tensors depend on some x (through float values).
  const dependsOnX = new Set<SymbolicTensor>(xs);
  for (const node of order) {
    if (node.output && node.inputs.some((t) => dependsOnX.has(t)) && isFloatDType(node.output.dtype)) dependsOnX.add(node.output);
  }
  const contributions = new Map<SymbolicTensor, SymbolicTensor[]>();
  const push = (t: SymbolicTensor, g: SymbolicTensor) => {
    const list = contributions.get(t);
    if (list) list.push(g); else contributions.set(t, [g]);
  };
  yList.forEach((y, i) => push(y, dys?.[i] ?? support!.onesLike(y)));
  const sum = (t: SymbolicTensor): SymbolicTensor | null => {
    const list = contributions.get(t);
    if (!list) return null;
    let acc = list[0];
    for (let i = 1; i < list.length; i++) acc = support!.add(acc, list[i]);
    contributions.set(t, [acc]);
    return acc;
  };
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k];
    const out = node.output;
    if (!out || node.op === null || !dependsOnX.has(out)) continue;
    // an x may itself depend on another x (gradients(loss, [hidden, W])): keep going through it
    const needs = node.inputs.map((t) => dependsOnX.has(t));
    if (!needs.some(Boolean)) continue;
    const dy = sum(out);
    if (dy === null) continue;
    const fn = registry.get(node.op);
    if (!fn) throw new Error(`gradients: op '${node.op.name}' (node '${node.name}') has no gradient`);
    const grads = fn(dy, node, needs);
    node.inputs.forEach((t, i) => {
      const g = grads[i];
      if (needs[i] && g) push(t, g);
    });
  }
  return xs.map((x) => sum(x));
}
