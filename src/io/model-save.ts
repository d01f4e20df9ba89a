/**
 * model.save(target): TensorFlow.js's layers-model files, model.json + weights.bin (little-endian
 * float32, weights in the manifest's order), to a directory (each file written atomically, weights
 * first), IndexedDB or the browser's downloads (see model-stores.ts). With includeOptimizer the optimizer state
 * goes to a second manifest group (dir/optimizer.bin, entries marked group 'optimizer') and the compile
 * settings to trainingConfig, so loadLayersModel returns a compiled model that resumes training exactly.
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape-util.js';
import type { LayersModel } from '../models/model.js';
import { optimizerConfig } from '../models/compile.js';
import { optimizerWeights, type NamedTensor } from '../models/optimizer-state.js';
import { checkOptions } from '../models/options.js';
import { writeModelFiles } from './model-stores.js';
import { FORMAT, GENERATED_BY, ModelJson, ModelTopology, TrainingConfig, WeightSpec, modelToTopology } from './model-format.js';

export interface SaveOptions { includeOptimizer?: boolean }

export const WEIGHTS_FILE = 'weights.bin';
export const OPTIMIZER_FILE = 'optimizer.bin';

/** What TensorFlow.js calls ModelArtifacts: topology, weight specs and the weights' bytes. */
export interface ModelArtifacts {
  modelTopology: ModelTopology;
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  trainingConfig?: TrainingConfig;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
}

/** Little-endian float32 bytes of the tensors, one after another. */
export function encodeWeights(tensors: readonly NamedTensor[], group?: string): { specs: WeightSpec[]; bytes: Uint8Array } {
  const total = tensors.reduce((n, t) => n + t.tensor.size, 0);
  const bytes = new Uint8Array(total * 4);
  const view = new DataView(bytes.buffer);
  const specs: WeightSpec[] = [];
  let offset = 0;
  for (const { name, tensor } of tensors) {
    specs.push(group ? { name, shape: tensor.shape.slice(), dtype: 'float32', group } : { name, shape: tensor.shape.slice(), dtype: 'float32' });
    const d = tensor.data;
    for (let i = 0; i < d.length; i++, offset += 4) view.setFloat32(offset, d[i], true);
  }
  return { specs, bytes };
}

const LOSS_NAMES = { categoricalCrossentropy: 'categorical_crossentropy', sparseCategoricalCrossentropy: 'sparse_categorical_crossentropy' };

function trainingConfigOf(model: LayersModel): TrainingConfig | undefined {
  const c = model.compiled;
  if (c === null) return undefined;
  return { loss: LOSS_NAMES[c.loss], metrics: c.accuracy ? ['acc'] : [], optimizer_config: optimizerConfig(c.optimizer) };
}

/** The model's weights (and optionally optimizer state) as named tensors, named by layer. */
function modelWeights(model: LayersModel): NamedTensor[] {
  const names = model.weightFileNames();
  return model.weights.map((w) => ({ name: names.get(w)!, tensor: w.value as Tensor }));
}

/** TensorFlow.js's in-memory form of the model (weights only, no optimizer). */
export function modelArtifacts(model: LayersModel): ModelArtifacts {
  const { specs, bytes } = encodeWeights(modelWeights(model));
  return {
    modelTopology: modelToTopology(model), weightSpecs: specs, weightData: bytes.buffer as ArrayBuffer,
    format: FORMAT, generatedBy: GENERATED_BY, convertedBy: null, trainingConfig: trainingConfigOf(model),
  };
}

export async function saveModel(model: LayersModel, dir: string, options?: SaveOptions): Promise<void> {
  if (typeof dir !== 'string' || dir === '') throw new Error(`dir: expected a directory path, 'indexeddb://name' or 'downloads://name', got ${describe(dir)}`);
  const o = checkOptions('options', options, ['includeOptimizer']);
  const includeOptimizer = o.includeOptimizer ?? false;
  if (typeof includeOptimizer !== 'boolean') throw new Error(`includeOptimizer: expected true or false, got ${describe(o.includeOptimizer)}`);
  if (includeOptimizer && model.compiled === null) throw new Error(`includeOptimizer: ${model.name} is not compiled, so it has no optimizer to save`);
  const weights = encodeWeights(modelWeights(model));
  const json: ModelJson = {
    format: FORMAT, generatedBy: GENERATED_BY, convertedBy: null,
    modelTopology: modelToTopology(model),
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: weights.specs }],
  };
  const trainingConfig = trainingConfigOf(model);
  if (trainingConfig) json.trainingConfig = trainingConfig;
  const files = new Map<string, Uint8Array>([[WEIGHTS_FILE, weights.bytes]]);
  if (includeOptimizer) {
    const names = model.weightFileNames();
    const state = encodeWeights(optimizerWeights(model.trainingGraph(), (w) => names.get(w)!), 'optimizer');
    if (state.specs.length > 0) {
      json.weightsManifest.push({ paths: [OPTIMIZER_FILE], weights: state.specs });
      files.set(OPTIMIZER_FILE, state.bytes);
    }
  }
  await writeModelFiles(dir, { json, files });
}
