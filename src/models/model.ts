/**
 * LayersModel: a chain of layers from one input placeholder to one output (Keras' functional Model).
 * `model({inputs, outputs})` walks the graph back from the output to the input to find the layers.
 * Inference and training run the graph Session's compiled plans, batch by batch.
 */
import { Tensor } from '../tensor/tensor.js';
import { allocArray } from '../tensor/dtype.js';
import { describe, formatShape, sizeOf } from '../tensor/shape-util.js';
import type { Dim } from '../graph/op-def.js';
import { Placeholder, SymbolicTensor, uniqueName } from '../graph/symbolic.js';
import type { Variable } from '../graph/variable.js';
import { Session } from '../graph/session.js';
import { Layer, producedBy } from '../layers/layer.js';
import { checkOptions, intOption } from './options.js';
import { CompileArgs, CompileConfig, TrainingGraph, buildTrainingGraph, parseCompileArgs } from './compile.js';
import { rowsView } from './batching.js';
import { prepareLabels, prepareInputs } from './data-checks.js';
import { FitArgs, fitModel } from './fit.js';
import type { History } from './history.js';
import { summaryLines } from './summary.js';
import { saveModel, SaveOptions } from '../io/model-save.js';

export interface ModelArgs { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[]; name?: string }

/** The one tensor of `v`, which may be given alone or as a one-element array. */
function single(arg: string, v: unknown): SymbolicTensor {
  const t = Array.isArray(v) ? (v.length === 1 ? v[0] : undefined) : v;
  if (!(t instanceof SymbolicTensor)) {
    throw new Error(`${arg}: expected one graph tensor (from cn.input or a layer's apply), got ${Array.isArray(v) ? `an array of ${v.length}` : describe(v)}`);
  }
  return t;
}

/** The layers between `input` and `output`, in order, for a chain built by layer.apply calls. */
export function layersBetween(input: Placeholder, output: SymbolicTensor): Layer[] {
  const layers: Layer[] = [];
  for (let t = output; t !== input;) {
    const p = producedBy.get(t);
    if (p === undefined) {
      throw new Error(`outputs: ${t.name} was not produced by a layer on a path from the input ${input.name}; build the model with layer.apply(...) from cn.input()`);
    }
    layers.unshift(p.layer);
    t = p.input;
  }
  return layers;
}

/** 'kernel' or 'bias': the variable's name after its layer's, without a uniqueness suffix. */
export function weightRole(layer: Layer, w: Variable): string {
  const tail = w.name.startsWith(`${layer.name}/`) ? w.name.slice(layer.name.length + 1) : w.name.slice(w.name.lastIndexOf('/') + 1);
  return tail.replace(/_\d+$/, '');
}

export class LayersModel {
  readonly name: string;
  /** Set by a callback (early stopping) to end fit after the current epoch. */
  stopTraining = false;
  protected inputTensor: Placeholder | null = null;
  protected outputTensor: SymbolicTensor | null = null;
  protected layerList: Layer[] = [];
  protected readonly session = new Session();
  private compileConfig: CompileConfig | null = null;
  private training: TrainingGraph | null = null;

  constructor(name: string) { this.name = name; }

  get className(): string { return 'Model'; }
  get layers(): Layer[] { this.ensureBuilt(); return this.layerList.slice(); }
  get input(): Placeholder { this.ensureBuilt(); return this.inputTensor!; }
  get output(): SymbolicTensor { this.ensureBuilt(); return this.outputTensor!; }
  /** The compiled configuration (optimizer, loss, metric), null before compile(). */
  get compiled(): CompileConfig | null { return this.compileConfig; }
  /** Every weight, layer by layer, kernel before bias. */
  get weights(): Variable[] { return this.layers.flatMap((l) => l.weights); }

  /** Sequential builds its graph lazily; a functional model is built at construction. */
  protected ensureBuilt(_sampleShape?: readonly number[]): void {}

  /** @internal Sets the graph the model runs (used by model() and Sequential). */
  setGraph(input: Placeholder, output: SymbolicTensor, layers: Layer[]): void {
    this.inputTensor = input;
    this.outputTensor = output;
    this.layerList = layers;
    this.training = null;
  }

  compile(args: CompileArgs): void {
    this.compileConfig = parseCompileArgs(args);
    this.training = null;
  }

  /** The loss/metric/optimizer nodes, built on first use after compile(). */
  trainingGraph(): TrainingGraph {
    if (this.compileConfig === null) throw new Error(`model: ${this.name} must be compiled before training or evaluation: call model.compile({optimizer, loss, metrics})`);
    this.ensureBuilt();
    this.training ??= buildTrainingGraph(this.outputTensor!, this.compileConfig, this.weights);
    return this.training;
  }

  /**
   * The names weights get in model files: '<layer>/kernel', '<layer>/bias' (TensorFlow.js's), from the
   * layer's name and the weight's role, independent of the variables' process-unique names.
   */
  weightFileNames(): Map<Variable, string> {
    const names = new Map<Variable, string>();
    for (const layer of this.layers) for (const w of layer.weights) names.set(w, `${layer.name}/${weightRole(layer, w)}`);
    return names;
  }

  countParams(): number { return this.layers.reduce((n, l) => n + l.countParams(), 0); }
  getWeights(): Tensor[] { return this.weights.map((w) => w.read()); }

  setWeights(values: Tensor[]): void {
    const weights = this.weights;
    if (!Array.isArray(values) || values.length !== weights.length) {
      throw new Error(`weights: ${this.name} has ${weights.length} weights, got ${Array.isArray(values) ? `${values.length} tensors` : describe(values)}`);
    }
    let k = 0;
    for (const layer of this.layers) {
      layer.setWeights(values.slice(k, k + layer.weights.length));
      k += layer.weights.length;
    }
  }

  /** Output shape with the batch dim as null, like Keras' output_shape. */
  get outputShape(): Dim[] { return this.output.shape.slice(); }

  predict(x: Tensor, args?: { batchSize?: number; verbose?: number }): Tensor {
    const a = checkOptions('args', args, ['batchSize', 'verbose']);
    const batchSize = intOption('batchSize', a.batchSize, 32, 1);
    const xs = prepareInputs(this, x, 'x');
    const output = this.output;
    const n = xs.shape[0];
    const rowShape = output.shape.slice(1) as number[];
    const row = sizeOf(rowShape);
    // One preallocated result; each batch's output is copied into its rows.
    const result = new Tensor(allocArray(output.dtype, n * row), [n, ...rowShape]);
    const input = this.input;
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const y = this.session.run(output, [[input, rowsView(xs, start, count, input.dtype)]])!;
      result.data.set(y.data, start * row);
    }
    return result;
  }

  /** [loss, acc] (or [loss] without the accuracy metric), weighted means over batches. */
  evaluate(x: Tensor, y: Tensor, args?: { batchSize?: number; verbose?: number }): number[] {
    const a = checkOptions('args', args, ['batchSize', 'verbose']);
    const batchSize = intOption('batchSize', a.batchSize, 32, 1);
    const xs = prepareInputs(this, x, 'x');
    if (xs.shape[0] === 0) throw new Error('x: expected at least one sample to evaluate, got 0 (a mean over no samples is undefined)');
    const ys = prepareLabels(this.trainingGraph(), y, xs.shape[0], 'y');
    return this.evaluateBatches(xs, ys, batchSize);
  }

  /** Validated inputs in, mean loss (and accuracy) out. */
  evaluateBatches(xs: Tensor, ys: Tensor, batchSize: number): number[] {
    const g = this.trainingGraph();
    const fetches = g.accuracy ? [g.loss, g.accuracy] : [g.loss];
    const totals = fetches.map(() => 0);
    const n = xs.shape[0];
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const values = this.session.run(fetches, [[this.input, rowsView(xs, start, count, this.input.dtype)], [g.labels, rowsView(ys, start, count)]]);
      for (let k = 0; k < values.length; k++) totals[k] += values[k]!.data[0] * count;
    }
    return totals.map((t) => t / n);
  }

  /** One optimizer step on a batch; returns [loss, acc?] of the batch before the update. */
  trainStep(xBatch: Tensor, yBatch: Tensor): (Tensor | null)[] {
    const g = this.trainingGraph();
    const fetches = g.accuracy ? [g.loss, g.accuracy, g.trainOp] : [g.loss, g.trainOp];
    return this.session.run(fetches, [[this.input, xBatch], [g.labels, yBatch]]);
  }

  fit(x: Tensor, y: Tensor, args?: FitArgs): Promise<History> {
    return fitModel(this, x, y, args);
  }

  /** Keras' table of layers, output shapes and parameter counts, printed line by line. */
  summary(lineLength?: number, positions?: number[], printFn: (line: string) => void = console.log): void {
    for (const line of summaryLines(this, lineLength, positions)) printFn(line);
  }

  save(dir: string, options?: SaveOptions): Promise<void> {
    return saveModel(this, dir, options);
  }

  /** The layer named `name` (or at `index`). */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    const layer = typeof nameOrIndex === 'number' ? layers[nameOrIndex] : layers.find((l) => l.name === nameOrIndex);
    if (!layer) throw new Error(`name: ${this.name} has no layer ${describe(nameOrIndex)}; layers are ${layers.map((l) => l.name).join(', ')}`);
    return layer;
  }
}

/** cn.model({inputs, outputs}): the functional model from cn.input() through the layers applied to it. */
export function model(args: ModelArgs): LayersModel {
  const a = checkOptions('args', args, ['inputs', 'outputs', 'name']);
  const input = single('inputs', a.inputs);
  if (!(input instanceof Placeholder)) throw new Error(`inputs: expected the tensor returned by cn.input(), got ${input.toString()}`);
  const output = single('outputs', a.outputs);
  const m = new LayersModel(uniqueName((a.name as string | undefined) ?? 'model'));
  const layers = layersBetween(input, output);
  if (input.shape[0] !== null) throw new Error(`inputs: expected a null batch dimension, got ${formatShape(input.shape)}`);
  m.setGraph(input, output, layers);
  return m;
}

export function isLayersModel(x: unknown): x is LayersModel {
  return x instanceof LayersModel;
}

