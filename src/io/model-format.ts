/**
 * TensorFlow.js's layers-model format (model.json): the Keras topology in snake_case and a weights manifest.
 *   { format: 'layers-model', generatedBy, convertedBy: null,
 *     modelTopology: { class_name: 'Sequential' | 'Model', config: { name, layers, input_layers?, output_layers? },
 *                      keras_version, backend },
 *     weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'conv2d/kernel', shape, dtype: 'float32' }] }],
 *     trainingConfig?: { loss, metrics, optimizer_config: { class_name, config } } }
 * A model.json is data, never code: only the layer classes, activations and initializers below are
 * accepted; anything else is an Error naming it.
 */
import { describe } from '../tensor/shape-util.js';
import type { Dim } from '../graph/op-def.js';
import { Layer } from '../layers/layer.js';
import type { Initializer } from '../graph/variable.js';
import { initializerFromConfig } from './initializer-config.js';
import { Conv2D, Dense, Flatten, MaxPooling2D, AveragePooling2D } from '../layers/index.js';

export const FORMAT = 'layers-model';
export const GENERATED_BY = 'convnet 0.1.0';
export const KERAS_VERSION = 'tfjs-layers 4.22.0';
export const BACKEND = 'tensor_flow.js';

export interface WeightSpec { name: string; shape: number[]; dtype: 'float32' | 'int32'; group?: string }
export interface WeightsGroup { paths: string[]; weights: WeightSpec[] }
export interface LayerJson { class_name: string; config: Record<string, unknown>; name?: string; inbound_nodes?: unknown[] }
export interface ModelTopology {
  class_name: string;
  config: { name: string; layers: LayerJson[]; input_layers?: unknown[]; output_layers?: unknown[] } | LayerJson[];
  keras_version?: string;
  backend?: string;
}
export interface TrainingConfig {
  loss: string;
  metrics?: string[] | null;
  optimizer_config: { class_name: string; config: Record<string, unknown> };
}
export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: ModelTopology | { model_config: ModelTopology };
  weightsManifest: WeightsGroup[];
  trainingConfig?: TrainingConfig;
}

/** The layer chain of a model, as `modelToTopology` needs it. */
export interface ChainModel {
  readonly name: string;
  readonly className: string;
  readonly layers: Layer[];
  readonly input: { name: string; shape: Dim[]; dtype: string };
}

/** The model's topology in TensorFlow.js's JSON (Keras' config with snake_case keys). */
export function modelToTopology(model: ChainModel): ModelTopology {
  const layers = model.layers;
  const input = model.input;
  if (model.className === 'Sequential') {
    const json: LayerJson[] = layers.map((l, i) => ({
      class_name: l.className,
      config: i === 0 ? { batch_input_shape: input.shape.slice(), ...l.getConfig() } : l.getConfig(),
    }));
    return { class_name: 'Sequential', config: { name: model.name, layers: json }, keras_version: KERAS_VERSION, backend: BACKEND };
  }
  const json: LayerJson[] = [{
    class_name: 'InputLayer', name: input.name, inbound_nodes: [],
    config: { batch_input_shape: input.shape.slice(), dtype: input.dtype, sparse: false, name: input.name },
  }];
  let previous = input.name;
  for (const l of layers) {
    json.push({ class_name: l.className, config: l.getConfig(), name: l.name, inbound_nodes: [[[previous, 0, 0, {}]]] });
    previous = l.name;
  }
  return {
    class_name: 'Model',
    config: { name: model.name, layers: json, input_layers: [[input.name, 0, 0]], output_layers: [[previous, 0, 0]] },
    keras_version: KERAS_VERSION, backend: BACKEND,
  };
}

// ---------- reading ----------

const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'];

function where(layerName: string): string { return `layer '${layerName}'`; }

function activationOf(layerName: string, v: unknown): 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' {
  const a = v ?? 'linear';
  if (typeof a !== 'string' || !ACTIVATIONS.includes(a)) {
    throw new Error(`modelTopology: ${where(layerName)} has unknown activation ${describe(a)}; supported: ${ACTIVATIONS.join(', ')}`);
  }
  return a as 'linear';
}

function initializerOf(layerName: string, key: string, v: unknown): string | Initializer | undefined {
  return initializerFromConfig(`${where(layerName)} ${key}`, v);
}

function requireNulls(layerName: string, config: Record<string, unknown>, keys: string[]): void {
  for (const k of keys) {
    if (config[k] !== undefined && config[k] !== null) throw new Error(`modelTopology: ${where(layerName)} uses ${k} ${JSON.stringify(config[k])}, which convnet does not support`);
  }
}

function channelsLast(layerName: string, config: Record<string, unknown>): void {
  const f = config.data_format;
  if (f !== undefined && f !== null && f !== 'channels_last') {
    throw new Error(`modelTopology: ${where(layerName)} has data_format ${describe(f)}; convnet supports channels_last only`);
  }
}

function dtypeOf(layerName: string, v: unknown): 'float32' | 'float64' | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === 'float32' || v === 'float64') return v;
  throw new Error(`modelTopology: ${where(layerName)} has dtype ${describe(v)}; expected float32 or float64`);
}

/** Shape-like config values arrive as numbers or lists. */
function pairOf(v: unknown): number | [number, number] | undefined {
  if (v === undefined || v === null) return undefined;
  return v as number | [number, number];
}

export const LAYER_CLASSES = ['InputLayer', 'Conv2D', 'Dense', 'MaxPooling2D', 'AveragePooling2D', 'Flatten'];

/** Builds one layer from its {class_name, config}; the layer keeps the config's name when it is free. */
export function layerFromJson(json: LayerJson): Layer {
  if (json === null || typeof json !== 'object' || typeof json.class_name !== 'string') {
    throw new Error(`modelTopology: expected a layer {class_name, config}, got ${describe(json)}`);
  }
  const config = (json.config ?? {}) as Record<string, unknown>;
  const layerName = String(config.name ?? json.name ?? '?');
  const common = { name: typeof config.name === 'string' ? config.name : undefined, trainable: config.trainable === false ? false : undefined, dtype: dtypeOf(layerName, config.dtype) };
  try {
    switch (json.class_name) {
      case 'Conv2D': {
        channelsLast(layerName, config);
        const d = config.dilation_rate;
        if (d !== undefined && d !== null && !(d === 1 || (Array.isArray(d) && d.every((x) => x === 1)))) {
          throw new Error(`modelTopology: ${where(layerName)} has dilation_rate ${JSON.stringify(d)}; convnet supports 1 only`);
        }
        requireNulls(layerName, config, ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint']);
        return new Conv2D({
          ...common, filters: config.filters as number, kernelSize: pairOf(config.kernel_size) as number, strides: pairOf(config.strides),
          padding: config.padding as 'same', activation: activationOf(layerName, config.activation), useBias: config.use_bias === false ? false : undefined,
          kernelInitializer: initializerOf(layerName, 'kernel_initializer', config.kernel_initializer),
          biasInitializer: initializerOf(layerName, 'bias_initializer', config.bias_initializer),
        });
      }
      case 'Dense':
        requireNulls(layerName, config, ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint']);
        return new Dense({
          ...common, units: config.units as number, activation: activationOf(layerName, config.activation), useBias: config.use_bias === false ? false : undefined,
          kernelInitializer: initializerOf(layerName, 'kernel_initializer', config.kernel_initializer),
          biasInitializer: initializerOf(layerName, 'bias_initializer', config.bias_initializer),
        });
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        channelsLast(layerName, config);
        const args = { ...common, poolSize: pairOf(config.pool_size), strides: pairOf(config.strides) ?? null, padding: config.padding as 'same' | undefined };
        return json.class_name === 'MaxPooling2D' ? new MaxPooling2D(args) : new AveragePooling2D(args);
      }
      case 'Flatten':
        channelsLast(layerName, config);
        return new Flatten(common);
    }
  } catch (e) {
    const msg = (e as Error).message;
    throw new Error(msg.startsWith('modelTopology:') ? msg : `modelTopology: ${where(layerName)} (${json.class_name}): ${msg}`);
  }
  throw new Error(`modelTopology: unknown layer class ${describe(json.class_name)} (${where(layerName)}); supported: ${LAYER_CLASSES.join(', ')}`);
}

/** batch_input_shape (or Keras' input_shape without the batch dim) of a layer config, if any. */
export function batchInputShapeOf(config: Record<string, unknown>): Dim[] | null {
  const b = config.batch_input_shape ?? config.batchInputShape;
  if (Array.isArray(b)) return b as Dim[];
  const s = config.input_shape ?? config.inputShape;
  if (Array.isArray(s)) return [null, ...(s as Dim[])];
  return null;
}
