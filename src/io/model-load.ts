/**
 * loadLayersModel(dir, dir/model.json, a URL or 'indexeddb://name'; see model-stores.ts): reads TensorFlow.js's layers-model files (ours, TensorFlow.js's,
 * or a Keras model converted by tensorflowjs_converter), rebuilds the layers and sets their weights.
 * Everything is checked before a layer is built: the JSON's shape, the weight files' byte counts against
 * the manifest. Then every model weight must be in the file with its shape, and nothing else may be
 * (except optimizer state, restored when the file has a trainingConfig).
 */
import { Tensor } from '../tensor/tensor.js';
import { describe, formatShape, shapesEqual, sizeOf } from '../tensor/shape-util.js';
import type { Dim } from '../graph/op-def.js';
import type { Placeholder, SymbolicTensor } from '../graph/symbolic.js';
import type { Variable } from '../graph/variable.js';
import type { Layer } from '../layers/layer.js';
import { LayersModel, layersBetween, weightRole } from '../models/model.js';
import { Sequential } from '../models/sequential.js';
import { input } from '../models/input.js';
import { adam } from '../train/adam.js';
import { sgd } from '../train/sgd.js';
import { parseCompileArgs, type CompileArgs } from '../models/compile.js';
import { setOptimizerWeights } from '../models/optimizer-state.js';
import type { ModelArtifacts } from './model-save.js';
import { readModelFiles, type ModelFiles } from './model-stores.js';
import { LayerJson, ModelJson, ModelTopology, TrainingConfig, WeightSpec, WeightsGroup, batchInputShapeOf, layerFromJson, LAYER_CLASSES } from './model-format.js';

const BYTES: Record<string, number> = { float32: 4, int32: 4 };

function checkSpec(s: unknown, where: string): asserts s is WeightSpec {
  const w = s as WeightSpec;
  if (w === null || typeof w !== 'object' || typeof w.name !== 'string' || !Array.isArray(w.shape) ||
    !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`weightsManifest: ${where} expected {name, shape, dtype}, got ${JSON.stringify(s)}`);
  }
  if ((s as { quantization?: unknown }).quantization !== undefined) throw new Error(`weightsManifest: weight '${w.name}' is quantized, which convnet does not read`);
  // hasOwn, not BYTES[dtype]: a dtype of 'toString' or a non-string object must not reach the prototype.
  if (typeof w.dtype !== 'string' || !Object.hasOwn(BYTES, w.dtype)) throw new Error(`weightsManifest: weight '${w.name}' has dtype ${describe(w.dtype)}; expected float32 or int32`);
}

const specBytes = (specs: readonly WeightSpec[]) => specs.reduce((n, s) => n + sizeOf(s.shape) * BYTES[s.dtype], 0);

/** Checks model.json's manifest against the weight files' byte counts and joins the bytes; builds nothing. */
export function artifactsFromFiles({ json, files, source }: ModelFiles): ModelArtifacts {
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new Error(`format: ${source} is a ${describe(json.format)} model; convnet reads 'layers-model' files`);
  }
  if (!Array.isArray(json.weightsManifest)) throw new Error(`weightsManifest: ${source} has no weightsManifest array`);
  const specs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  json.weightsManifest.forEach((group: WeightsGroup, gi) => {
    if (group === null || typeof group !== 'object' || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new Error(`weightsManifest: group ${gi} expected {paths, weights}, got ${describe(group)}`);
    }
    group.weights.forEach((s, i) => checkSpec(s, `group ${gi} weight ${i}`));
    let have = 0;
    for (const file of group.paths) {
      const bytes = files.get(file);
      if (!bytes) throw new Error(`weightsManifest: group ${gi} names weights file ${describe(file)}, which ${source} does not have`);
      chunks.push(bytes);
      have += bytes.length;
    }
    const need = specBytes(group.weights);
    if (have !== need) {
      throw new Error(`weightsManifest: group ${gi} (${group.paths.join(', ')}) has ${have} bytes, the manifest describes ${need}`);
    }
    specs.push(...group.weights);
  });
  const data = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) { data.set(c, o); o += c.length; }
  return { modelTopology: json.modelTopology as ModelTopology, weightSpecs: specs, weightData: data.buffer, trainingConfig: json.trainingConfig };
}

export async function loadLayersModel(source: string): Promise<LayersModel> {
  if (typeof source !== 'string' || source === '') {
    throw new Error(`path: expected a directory, a model.json path or URL, or 'indexeddb://name', got ${describe(source)}`);
  }
  return modelFromArtifacts(artifactsFromFiles(await readModelFiles(source)));
}

/** Decodes little-endian weights into named tensors (float32 or int32 as the spec says). */
function decodeWeights(specs: readonly WeightSpec[], buffer: ArrayBuffer): Map<string, { spec: WeightSpec; tensor: Tensor }> {
  const view = new DataView(buffer);
  const out = new Map<string, { spec: WeightSpec; tensor: Tensor }>();
  let offset = 0;
  for (const spec of specs) {
    const n = sizeOf(spec.shape);
    const data = spec.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++, offset += 4) data[i] = spec.dtype === 'int32' ? view.getInt32(offset, true) : view.getFloat32(offset, true);
    if (out.has(spec.name)) throw new Error(`weightsManifest: weight '${spec.name}' appears twice`);
    out.set(spec.name, { spec, tensor: new Tensor(data, spec.shape) });
  }
  return out;
}

function topologyOf(t: unknown): { className: string; name: string | undefined; layers: LayerJson[]; inputLayers?: unknown[]; outputLayers?: unknown[] } {
  let top = t as ModelTopology & { model_config?: ModelTopology };
  if (top && typeof top === 'object' && top.model_config) top = top.model_config; // tensorflowjs_converter's Keras output
  if (top === null || typeof top !== 'object' || typeof top.class_name !== 'string') {
    throw new Error(`modelTopology: expected {class_name, config}, got ${describe(t)}`);
  }
  const config = top.config;
  const layers = Array.isArray(config) ? config : config?.layers;
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`modelTopology: ${top.class_name} has no layers`);
  const c = Array.isArray(config) ? {} as Record<string, unknown> : config as unknown as Record<string, unknown>;
  return { className: top.class_name, name: typeof c.name === 'string' ? c.name : undefined, layers, inputLayers: c.input_layers as unknown[], outputLayers: c.output_layers as unknown[] };
}

/** Builds the model from a topology, then checks and sets its weights (and optimizer state). */
export function modelFromArtifacts(artifacts: ModelArtifacts): LayersModel {
  const specs = artifacts.weightSpecs;
  if (!Array.isArray(specs)) throw new Error(`weightSpecs: expected an array, got ${describe(specs)}`);
  specs.forEach((s, i) => checkSpec(s, `weight ${i}`));
  const buffer = artifacts.weightData instanceof Uint8Array ? (artifacts.weightData as Uint8Array).slice().buffer : artifacts.weightData;
  if (!(buffer instanceof ArrayBuffer)) throw new Error(`weightData: expected an ArrayBuffer, got ${describe(artifacts.weightData)}`);
  if (buffer.byteLength !== specBytes(specs)) {
    throw new Error(`weightData: has ${buffer.byteLength} bytes, the weight specs describe ${specBytes(specs)}`);
  }
  const top = topologyOf(artifacts.modelTopology);
  // Validate every class name before building anything.
  top.layers.forEach((l, i) => {
    if (l === null || typeof l !== 'object' || typeof l.class_name !== 'string') throw new Error(`modelTopology: layer ${i} expected {class_name, config}, got ${describe(l)}`);
    if (!LAYER_CLASSES.includes(l.class_name)) {
      throw new Error(`modelTopology: unknown layer class ${describe(l.class_name)} (layer '${String(l.config?.name ?? l.name ?? i)}'); supported: ${LAYER_CLASSES.join(', ')}`);
    }
    rejectCustomObject(l, i);
  });
  const named = decodeWeights(specs, buffer);
  checkWeightNames(top.layers, named);
  // The training config too is checked now: a bad loss or optimizer must not leave half a model behind.
  const compileArgs = artifacts.trainingConfig ? compileArgsOf(artifacts.trainingConfig) : null;
  if (compileArgs) parseCompileArgs(compileArgs);
  // Every layer object is made (its config checked) before any is applied, which is when variables appear.
  const layerObjects = new Map(top.layers.filter((l) => l.class_name !== 'InputLayer').map((l) => [l, layerFromJson(l)]));

  const byConfigName = new Map<Variable, string>();
  let model: LayersModel;
  if (top.className === 'Sequential') {
    const first = top.layers[0].class_name === 'InputLayer' ? top.layers[0] : null;
    const shape = batchInputShapeOf((first ?? top.layers[0]).config ?? {});
    if (shape === null) throw new Error('modelTopology: the first layer of a Sequential needs batch_input_shape');
    const layers = top.layers.filter((l) => l !== first).map((l) => layerObjects.get(l)!);
    const seq = new Sequential(top.name ?? 'sequential', []);
    for (const l of layers) seq.add(l);
    seq.buildFrom(shape);
    model = seq;
    top.layers.filter((l) => l !== first).forEach((l, i) => recordNames(layers[i], l, byConfigName));
  } else if (top.className === 'Model' || top.className === 'Functional') {
    model = buildFunctional(top, layerObjects, byConfigName);
  } else {
    throw new Error(`modelTopology: unknown model class ${describe(top.className)}; supported: Sequential, Model`);
  }

  // Model weights: every one must be in the file, with its shape.
  const modelEntries = new Map<string, Tensor>();
  const optimizerEntries = new Map<string, Tensor>();
  for (const [name, { spec, tensor }] of named) {
    if (spec.group === 'optimizer') optimizerEntries.set(name, tensor);
    else modelEntries.set(name, tensor);
  }
  const resolve = (name: string): string | undefined => resolveWeightName(name, modelEntries.keys());
  const assignments: [Variable, Tensor][] = [];
  for (const w of model.weights) {
    const fileName = byConfigName.get(w)!;
    const key = resolve(fileName);
    if (key === undefined) throw new Error(`weightsManifest: weight '${fileName}' (${formatShape(w.value.shape)}) is missing from the file`);
    const t = modelEntries.get(key)!;
    if (!shapesEqual(t.shape, w.value.shape)) {
      throw new Error(`weightsManifest: weight '${key}' has shape ${formatShape(t.shape)}, the layer needs ${formatShape(w.value.shape)}`);
    }
    assignments.push([w, t]);
    modelEntries.delete(key);
  }
  if (modelEntries.size > 0) throw new Error(`weightsManifest: weights ${[...modelEntries.keys()].map((k) => `'${k}'`).join(', ')} match no layer of the model`);
  for (const [w, t] of assignments) w.assign(t.dtype === w.dtype ? t : t.astype(w.dtype));

  if (compileArgs) {
    model.compile(compileArgs);
    if (optimizerEntries.size > 0) setOptimizerWeights(model.trainingGraph(), optimizerEntries, (w) => byConfigName.get(w)!);
  }
  return model;
}

/** The file's key for a weight: `name` itself, or TensorFlow.js's form with an extra scope ('a/b/kernel' for 'a/kernel'). */
function resolveWeightName(name: string, keys: Iterable<string>): string | undefined {
  let scoped: string | undefined;
  for (const key of keys) {
    if (key === name) return key;
    const t = key.split('/');
    if (scoped === undefined && t.slice(0, -2).concat(t[t.length - 1]).join('/') === name) scoped = key;
  }
  return scoped;
}

/**
 * Before any layer is built: the manifest holds exactly the weights the layers will ask for (Conv2D and Dense:
 * name/kernel, and name/bias unless use_bias is false), so a missing or extra weight is an Error naming it and
 * no half-built model (with variables in the global collection) is left behind. Shapes are checked after building.
 */
function checkWeightNames(layers: readonly LayerJson[], named: Map<string, { spec: WeightSpec }>): void {
  const left = new Set([...named].filter(([, { spec }]) => spec.group !== 'optimizer').map(([name]) => name));
  for (const l of layers) {
    if (l.class_name !== 'Conv2D' && l.class_name !== 'Dense') continue;
    const layerName = l.config?.name ?? l.name;
    if (typeof layerName !== 'string') return; // unnamed: left to the check after building
    const roles = l.config?.use_bias === false ? ['kernel'] : ['kernel', 'bias'];
    for (const role of roles) {
      const key = resolveWeightName(`${layerName}/${role}`, left);
      if (key === undefined) throw new Error(`weightsManifest: weight '${layerName}/${role}' of layer '${layerName}' (${l.class_name}) is missing from the file`);
      left.delete(key);
    }
  }
  if (left.size > 0) throw new Error(`weightsManifest: weights ${[...left].map((k) => `'${k}'`).join(', ')} match no layer of the model`);
}

/**
 * Keras 3 marks objects by where they come from: built-in layers carry module 'keras.layers' (or none) and
 * registered_name null or their class name; anything else is user code convnet cannot (and must not) run.
 */
function rejectCustomObject(l: LayerJson, i: number): void {
  const { module, registered_name: registered } = l as { module?: unknown; registered_name?: unknown };
  const builtinModule = module === undefined || module === null || (typeof module === 'string' && /^(keras|tensorflow|tf_keras)(\.|$)/.test(module));
  const builtinName = registered === undefined || registered === null || registered === l.class_name;
  if (!builtinModule || !builtinName) {
    throw new Error(`modelTopology: layer '${String(l.config?.name ?? l.name ?? i)}' is a custom object (class ${describe(l.class_name)}, ` +
      `module ${describe(module)}, registered_name ${describe(registered)}); convnet only builds its own layers from a file`);
  }
}

/** The file names of a layer's weights: its config name + '/kernel', '/bias'. */
function recordNames(layer: Layer, json: LayerJson, out: Map<Variable, string>): void {
  const configName = String(json.config?.name ?? json.name ?? layer.name);
  for (const w of layer.weights) out.set(w, `${configName}/${weightRole(layer, w)}`);
}

function buildFunctional(top: ReturnType<typeof topologyOf>, layerObjects: Map<LayerJson, Layer>, names: Map<Variable, string>): LayersModel {
  const tensors = new Map<string, SymbolicTensor>();
  let inputName: string | null = null;
  for (const l of top.layers) {
    const layerName = String(l.name ?? l.config?.name);
    if (l.class_name === 'InputLayer') {
      if (inputName !== null) throw new Error('modelTopology: convnet models have one input, this file has several');
      const shape = batchInputShapeOf(l.config ?? {});
      if (shape === null) throw new Error(`modelTopology: InputLayer '${layerName}' has no batch_input_shape`);
      tensors.set(layerName, input({ batchShape: shape as Dim[], name: layerName, dtype: (l.config?.dtype as 'float32') ?? 'float32' }));
      inputName = layerName;
      continue;
    }
    const inbound = l.inbound_nodes;
    const source = Array.isArray(inbound) && inbound.length === 1 && Array.isArray(inbound[0]) && inbound[0].length === 1 ? (inbound[0] as unknown[][])[0] : null;
    // TensorFlow.js ≥ 4 may write inbound nodes as {args: [{config: {keras_history: [name, 0, 0]}}]}
    const fromArgs = (inbound?.[0] as { args?: { config?: { keras_history?: unknown[] } }[] } | undefined)?.args?.[0]?.config?.keras_history;
    const src = (source ?? fromArgs)?.[0];
    if (typeof src !== 'string' || !tensors.has(src)) {
      throw new Error(`modelTopology: layer '${layerName}' must have exactly one inbound layer defined before it, got ${JSON.stringify(inbound)}`);
    }
    const layer = layerObjects.get(l)!;
    try {
      tensors.set(layerName, layer.apply(tensors.get(src)!));
    } catch (e) {
      throw new Error(`modelTopology: layer '${layerName}': ${(e as Error).message}`);
    }
    recordNames(layer, l, names);
  }
  if (inputName === null) throw new Error('modelTopology: the Model has no InputLayer');
  const out = top.outputLayers;
  const outName = Array.isArray(out) && out.length === 1 && Array.isArray(out[0]) ? String(out[0][0]) : null;
  if (outName === null || !tensors.has(outName)) throw new Error(`modelTopology: expected one output layer among the layers, got ${JSON.stringify(out)}`);
  const m = new LayersModel(top.name ?? 'model');
  const x = tensors.get(inputName) as Placeholder;
  const y = tensors.get(outName)!;
  m.setGraph(x, y, layersBetween(x, y));
  return m;
}

function compileArgsOf(tc: TrainingConfig): CompileArgs {
  // The file is data: every field is checked for its type before use, so a hostile one is an Error naming it.
  if (tc === null || typeof tc !== 'object' || Array.isArray(tc)) throw new Error(`trainingConfig: expected {loss, metrics, optimizer_config}, got ${describe(tc)}`);
  if (tc.metrics !== undefined && tc.metrics !== null && !Array.isArray(tc.metrics)) throw new Error(`trainingConfig: metrics must be an array, got ${describe(tc.metrics)}`);
  const oc = tc.optimizer_config;
  if (oc !== undefined && (oc === null || typeof oc !== 'object')) throw new Error(`trainingConfig: optimizer_config must be {class_name, config}, got ${describe(oc)}`);
  if (oc?.config !== undefined && (oc.config === null || typeof oc.config !== 'object')) throw new Error(`trainingConfig: optimizer_config.config must be an object, got ${describe(oc.config)}`);
  const c = (oc?.config ?? {}) as Record<string, number>;
  for (const key of ['learning_rate', 'learningRate', 'lr', 'beta1', 'beta_1', 'beta2', 'beta_2', 'epsilon']) {
    const v = c[key] as unknown;
    if (v !== undefined && v !== null && typeof v !== 'number') throw new Error(`trainingConfig: optimizer_config.config.${key} must be a number, got ${describe(v)}`);
  }
  let optimizer;
  const lr = c.learning_rate ?? c.learningRate ?? c.lr;
  if (oc?.class_name === 'Adam') {
    optimizer = adam({ learningRate: lr, beta1: c.beta1 ?? c.beta_1, beta2: c.beta2 ?? c.beta_2, epsilon: c.epsilon });
  } else if (oc?.class_name === 'SGD') {
    optimizer = sgd(lr ?? 0.01);
  } else {
    throw new Error(`trainingConfig: unknown optimizer ${describe(oc?.class_name)}; supported: Adam, SGD`);
  }
  const loss = tc.loss as CompileArgs['loss'];
  const metrics = (tc.metrics ?? []).map((m) => (m === 'accuracy' ? 'acc' : m));
  return { optimizer, loss, metrics };
}
