/** Keras-style models: what src/index.ts re-exports (input, model, sequential, loadLayersModel, callbacks). */
export { input } from './input.js';
export type { InputArgs } from './input.js';
export { LayersModel, model, isLayersModel } from './model.js';
export type { ModelArgs } from './model.js';
export { Sequential, sequential } from './sequential.js';
export type { CompileArgs } from './compile.js';
export type { FitArgs } from './fit.js';
export { History } from './history.js';
export * as callbacks from './callbacks-api.js';
export type { Callback, Logs } from './callbacks.js';
export { loadLayersModel, modelFromArtifacts } from '../io/model-load.js';
export { modelArtifacts } from '../io/model-save.js';
