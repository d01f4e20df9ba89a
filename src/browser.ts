/**
 * convnet in browsers (package.json "exports" condition "browser"): the whole public API
 * (public-api.ts) with no Node built-in on its import graph, plus loadMnist({ url }) fetching the IDX
 * files. Call `await cn.ready()` once to compile the WebAssembly kernels without blocking the page.
 */
export * from './public-api.js';
export { loadMnist } from './data/mnist-fetch.js';
export type { FetchMnistOptions } from './data/mnist-fetch.js';
