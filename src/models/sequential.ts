/**
 * Sequential: a list of layers applied in order. The graph is (re)built lazily: from the first layer's
 * inputShape / batchInputShape, or, failing that, from the shape of the first data given to fit/predict.
 */
import { describe, formatShape } from '../tensor/shape-util.js';
import type { Dim } from '../graph/op-def.js';
import { uniqueName } from '../graph/symbolic.js';
import { Layer } from '../layers/layer.js';
import { LayersModel } from './model.js';
import { checkOptions } from './options.js';
import { input } from './input.js';

export class Sequential extends LayersModel {
  private pending: Layer[] = [];
  private dirty = true;

  constructor(name: string, layers: Layer[]) {
    super(name);
    for (const l of layers) this.add(l);
  }

  override get className(): string { return 'Sequential'; }

  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new Error(`layer: expected a layer from cn.layers, got ${describe(layer)}`);
    if (this.pending.includes(layer)) throw new Error(`layer: ${layer.name} is already in ${this.name}`);
    this.pending.push(layer);
    this.dirty = true;
  }

  /** Removes the last layer. */
  pop(): void {
    if (this.pending.length === 0) throw new Error(`model: ${this.name} has no layers to pop`);
    this.pending.pop();
    this.dirty = true;
  }

  /** Builds from the data's shape when the first layer declares none (Keras' deferred build). */
  ensureBuiltFor(dataShape: readonly number[]): void {
    if (!this.dirty) return;
    if (this.pending.length > 0 && this.pending[0].batchInputShape === null && dataShape.length > 0) {
      this.build([null, ...dataShape.slice(1)]);
    } else this.ensureBuilt();
  }

  protected override ensureBuilt(): void {
    if (!this.dirty) return;
    if (this.pending.length === 0) throw new Error(`model: ${this.name} has no layers; add some with model.add(layer)`);
    const declared = this.pending[0].batchInputShape;
    if (declared === null) {
      throw new Error(`inputShape: the first layer of ${this.name} (${this.pending[0].name}) needs inputShape, e.g. cn.layers.dense({units, inputShape: [784]})`);
    }
    this.build(declared);
  }

  /** Builds the graph for inputs of `batchShape` (the batch dim is made null). */
  buildFrom(batchShape: readonly Dim[]): void {
    if (!Array.isArray(batchShape) || batchShape.length === 0) throw new Error(`batchShape: expected a shape like [null, 28, 28, 1], got ${describe(batchShape)}`);
    this.build([null, ...batchShape.slice(1)]);
  }

  private build(batchShape: Dim[]): void {
    const x = input({ batchShape, name: `${this.pending[0].name}_input` });
    let t = x as import('../graph/symbolic.js').SymbolicTensor;
    for (const layer of this.pending) {
      try {
        t = layer.apply(t);
      } catch (e) {
        throw new Error(`${(e as Error).message} (in ${this.name} at layer ${layer.name}, input ${formatShape(t.shape)})`);
      }
    }
    this.setGraph(x, t, this.pending.slice());
    this.dirty = false;
  }
}

export function sequential(args: { layers?: Layer[]; name?: string } = {}): Sequential {
  const a = checkOptions('args', args, ['layers', 'name']);
  const layers = a.layers ?? [];
  if (!Array.isArray(layers)) throw new Error(`layers: expected an array of layers, got ${describe(layers)}`);
  return new Sequential(uniqueName((a.name as string | undefined) ?? 'sequential'), layers);
}
