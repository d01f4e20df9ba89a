/**
 * convnet: the public API (see API.md), the same under Node and in browsers. The package's entries
 * (index.ts for Node, browser.ts for bundlers' "browser" condition) re-export this and add what
 * differs: how MNIST is found. This file only re-exports: each name lives in the module that owns it.
 */
// Tensors
export { Tensor, tensor, zeros, ones, isTensor } from './tensor/tensor.js';
export type { DType, TypedArray, FloatArray } from './tensor/dtype.js';
export { formatTuple, setPrintOptions, getPrintOptions } from './tensor/print.js';
export type { PrintOptions } from './tensor/print.js';

// NumPy's legacy random generator, bit for bit
export * as random from './tensor/random.js';
export { RandomState } from './tensor/random.js';

// The spec's primitives (tasks 0–3)
export { convForward } from './ops/primitives/conv-forward.js';
export { poolForward } from './ops/primitives/pool-forward.js';
export { convBackward } from './ops/primitives/conv-backward.js';
export { poolBackward } from './ops/primitives/pool-backward.js';

// Ops: eager on Tensors, symbolic on graph tensors
export {
  add, sub, mul, div, equal, matMul, reshape, relu, sigmoid, tanh, neg, softmax,
  conv2d, maxPool, avgPool, argMax, cast, sum, mean, oneHot,
} from './api/ops.js';

// Graph (task 4)
export { placeholder, constant, SymbolicTensor, Operation, isSymbolic } from './graph/symbolic.js';
export { variable, Variable, globalVariablesInitializer, globalVariables, trainableVariables } from './graph/variable.js';
export { gradients } from './graph/gradients.js';
export { Session } from './graph/session.js';
export type { Feeds } from './graph/session.js';
export * as train from './train/index.js';
export * as losses from './train/losses.js';
export * as initializers from './train/initializers.js';
export * as layers from './layers/index.js';

// Backends
export { setBackend, getBackend, wasmAvailable } from './kernels/backend.js';
export { setThreads, getThreads } from './wasm/index.js';
export { ready, getBackendInfo } from './platform/ready.js';
export type { BackendInfo } from './platform/ready.js';

// Data and files (paths need Node; in browsers the bytes come from fetch: parse*, or 'indexeddb://' for models)
export type { Mnist, MnistBytes } from './data/mnist-split.js';
export { mnistFromIdx, MNIST_FILES } from './data/mnist-split.js';
export { parseIdx } from './io/idx.js';
export type { IdxArray } from './io/idx.js';
export { listIndexedDbModels } from './io/model-stores.js';
export { loadNpy, saveNpy, parseNpy, encodeNpy } from './io/npy.js';
export { loadNpz, saveNpz, parseNpz, encodeNpz } from './io/npz.js';
export { encodePng, decodePng, savePng } from './io/png.js';
export { applyColormap, saveImagePng, imageToPng } from './io/colormap.js';
export { sliceRows, takeRows, concat } from './tensor/indexing.js';

// Layers and models (task 5)
export { input, model, sequential, Sequential, LayersModel, History, loadLayersModel, callbacks } from './models/index.js';
export type { Callback, Logs, CompileArgs, FitArgs } from './models/index.js';
export * as utils from './utils/index.js';
export { lenet5 } from './models/zoo.js';
