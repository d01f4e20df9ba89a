/** cn.train: optimizers (TensorFlow.js names) and their classes. */
export { adam, AdamOptimizer } from './adam.js';
export type { AdamConfig } from './adam.js';
export { sgd, SGDOptimizer } from './sgd.js';
export { Optimizer } from './optimizer.js';
export type { GradAndVar } from './optimizer.js';
