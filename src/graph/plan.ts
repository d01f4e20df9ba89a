/**
 * A compiled plan: the operations one `Session.run` signature needs, in topological order, each with its
 * input tensors, its output buffer and its prepared state bound once. Running the plan is a flat loop of
 * `compute` calls over arrays: no lookups, no allocation. Placeholder values are patched into the steps'
 * input arrays before each run: the feed tensors are read directly, except that with the wasm kernels a
 * float32 feed outside wasm memory is first copied into a buffer of the plan's there (once per run;
 * otherwise every kernel reading it would copy it in for its call).
 */
import { Tensor } from '../tensor/tensor.js';
import { allocArray } from '../tensor/dtype.js';
import { formatShape, sizeOf } from '../tensor/shape-util.js';
import type { OpDef, TensorSpec } from './op-def.js';
import { Constant, Operation, Placeholder, SymbolicTensor } from './symbolic.js';
import { Variable } from './variable.js';
import { kernels } from '../kernels/backend.js';
import { makeResident, wasmAlloc } from '../wasm/heap.js';
import { isResident } from '../wasm/runtime.js';
import type { DType, TypedArray } from '../tensor/dtype.js';
import { findFusions } from '../ops/fusion.js';
import { reshapeLikeOp, reshapeOp } from '../ops/reshape.js';
import { sumToShapeOp } from '../ops/sum-to-shape.js';

export type Fetch = SymbolicTensor | Operation;

interface Step {
  readonly def: OpDef;
  readonly inputs: Tensor[];
  readonly out: Tensor | null;
  readonly attrs: unknown;
  readonly state: unknown;
}

/** Where a fed placeholder's tensor goes: steps[stepIndex].inputs[inputIndex]. */
interface FeedSite { stepIndex: number; inputIndex: number }

export class Plan {
  readonly steps: Step[] = [];
  /** Placeholders this plan reads, with the sites their tensors are patched into. */
  readonly placeholders: Placeholder[] = [];
  private readonly feedSites: FeedSite[][] = [];
  /** Per fetch: a buffer to copy, or the index of a placeholder whose feed is returned, or null (an Operation). */
  private readonly fetchBuffers: (Tensor | number | null)[] = [];
  private readonly currentFeeds: Tensor[] = [];
  /**
   * Per placeholder: the plan's wasm-resident copy of its float32 feed (made at the first feed from
   * outside wasm memory), or null; false where feeds are used as they are (not float32, or no wasm).
   */
  private readonly feedCopies: (Tensor | null | false)[] = [];
  /** How many times this plan ran (tests use it to prove reuse). */
  runs = 0;

  constructor(fetches: readonly Fetch[], feeds: ReadonlyMap<Placeholder, Tensor>) {
    const order = topologicalOrder(fetches);
    const values = new Map<SymbolicTensor, Tensor>();
    const placeholderIndex = new Map<Placeholder, number>();
    // With the wasm backend, float32 buffers and variables live in wasm memory, so kernels run in place.
    const resident = kernels().name === 'wasm';
    const fetched = new Set<SymbolicTensor>(fetches.filter((f): f is SymbolicTensor => f instanceof SymbolicTensor));
    const fusions = findFusions(order, fetched);
    const absorbed = new Set<Operation>();
    for (const f of fusions.values()) for (const n of f.absorbed) absorbed.add(n);
    for (const node of order) {
      const out = node.output;
      if (node.source === 'placeholder') {
        const ph = out as Placeholder;
        const fed = feeds.get(ph);
        if (fed === undefined) {
          throw new Error(`feeds: placeholder '${ph.name}' (${ph.dtype} ${formatShape(ph.shape)}) needs a value, none was fed`);
        }
        placeholderIndex.set(ph, this.placeholders.length);
        this.placeholders.push(ph);
        this.feedSites.push([]);
        this.feedCopies.push(resident && fed.data instanceof Float32Array ? null : false);
        const bound = this.residentFeed(this.placeholders.length - 1, fed);
        this.currentFeeds.push(bound);
        values.set(ph, bound);
        continue;
      }
      if (node.source === 'variable') {
        const value = (out as Variable).value;
        if (resident) makeResident(value);
        values.set(out!, value);
        continue;
      }
      if (node.source === 'const') { values.set(out!, (out as Constant).value); continue; }
      if (absorbed.has(node)) continue; // computed by its chain's fused step
      const fusion = fusions.get(node);
      const def = fusion ? fusion.def : node.op!;
      const inputNodes = fusion ? fusion.inputs : node.inputs;
      const attrs = fusion ? fusion.attrs : node.attrs;
      const inputSpecs: TensorSpec[] = inputNodes.map((t) => values.get(t)!);
      let spec: TensorSpec | null;
      try {
        spec = def.infer(inputSpecs, attrs);
      } catch (e) {
        throw new Error(`${(e as Error).message} (in node '${node.name}' with the fed shapes)`);
      }
      const state = def.prepare ? def.prepare(inputSpecs, spec, attrs) : undefined;
      if (spec !== null && isPureCopy(def, state) && inputNodes[0].node.op !== null && inputSpecs[0].dtype === spec.dtype) {
        // A reshape-like copy of another step's output: view that buffer with the new shape, no step.
        values.set(out!, new Tensor((inputSpecs[0] as Tensor).data, spec.shape as number[]));
        continue;
      }
      const buffer = spec === null ? null : new Tensor(planBuffer(spec.dtype, sizeOf(spec.shape as number[]), resident), spec.shape as number[]);
      const stepIndex = this.steps.length;
      inputNodes.forEach((t, inputIndex) => {
        const p = placeholderIndex.get(t as Placeholder);
        if (p !== undefined) this.feedSites[p].push({ stepIndex, inputIndex });
      });
      this.steps.push({ def, inputs: inputNodes.map((t) => values.get(t)!), out: buffer, attrs, state });
      if (buffer !== null) values.set(out!, buffer);
      // The chain's inner tensors are read for their shape only from here on: the head's output has it.
      if (fusion && buffer !== null) for (const n of fusion.absorbed) values.set(n.output!, buffer);
    }
    for (const f of fetches) {
      if (f instanceof Operation) this.fetchBuffers.push(null);
      else if (placeholderIndex.has(f as Placeholder)) this.fetchBuffers.push(placeholderIndex.get(f as Placeholder)!);
      else this.fetchBuffers.push(values.get(f)!);
    }
  }

  /** Points every use of placeholder `index` at `t` (already validated against the plan's shapes). */
  bindFeed(index: number, fed: Tensor): void {
    const t = this.residentFeed(index, fed);
    this.currentFeeds[index] = t;
    const sites = this.feedSites[index];
    for (let i = 0; i < sites.length; i++) this.steps[sites[i].stepIndex].inputs[sites[i].inputIndex] = t;
  }

  /** What placeholder `index` binds for `fed`: the feed itself, or its values copied into the plan's wasm buffer. */
  private residentFeed(index: number, fed: Tensor): Tensor {
    let copy = this.feedCopies[index];
    if (copy === false || isResident(fed.data)) return fed;
    copy ??= this.feedCopies[index] = new Tensor(wasmAlloc(fed.size), fed.shape);
    (copy.data as Float32Array).set(fed.data as Float32Array);
    return copy;
  }

  execute(): void {
    const steps = this.steps;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      s.def.compute(s.inputs, s.out, s.attrs, s.state);
    }
    this.runs++;
  }

  /** Copies of the fetched values (the buffers are overwritten by the next run). */
  results(): (Tensor | null)[] {
    return this.fetchBuffers.map((b) => {
      if (b === null) return null;
      if (typeof b === 'number') return this.currentFeeds[b].clone();
      return b.clone();
    });
  }
}

/**
 * Ops whose output is their first input's data unchanged (only the shape differs). Their input is
 * written once per run, by its own step, before any reader, so a view of it is as good as a copy.
 */
function isPureCopy(def: OpDef, state: unknown): boolean {
  if (def === reshapeOp || def === reshapeLikeOp) return true;
  return def === sumToShapeOp && (state as { mode: string }).mode === 'copy';
}

/** A zero-filled buffer for a step's output; float32 ones in wasm memory when `resident`. */
function planBuffer(dtype: DType, size: number, resident: boolean): TypedArray {
  return resident && dtype === 'float32' ? wasmAlloc(size) : allocArray(dtype, size);
}

/** Post-order DFS from the fetches: every needed operation once, inputs before users. */
export function topologicalOrder(fetches: readonly Fetch[]): Operation[] {
  const order: Operation[] = [];
  const state = new Map<Operation, 1 | 2>(); // 1 visiting, 2 done
  const stack: { node: Operation; next: number }[] = [];
  for (const f of fetches) {
    const root = f instanceof Operation ? f : f.node;
    if (state.has(root)) continue;
    stack.push({ node: root, next: 0 });
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top.next < top.node.inputs.length) {
        const child = top.node.inputs[top.next++].node;
        if (!state.has(child)) { state.set(child, 1); stack.push({ node: child, next: 0 }); }
        continue;
      }
      stack.pop();
      state.set(top.node, 2);
      order.push(top.node);
    }
  }
  return order;
}
