/**
 * compile(): the loss, metric and optimizer of a model, turned into graph nodes on top of its output.
 * A softmax output layer trains on its pre-softmax logits with the fused, stable softmax cross-entropy
 * (what Keras' from_logits path computes); any other output uses the clipped cross-entropy on probabilities.
 */
import { argMax, cast, equal, mean, oneHot } from '../api/ops.js';
import { describe, formatShape } from '../tensor/shape-util.js';
import { Operation, Placeholder, SymbolicTensor, placeholder } from '../graph/symbolic.js';
import type { Variable } from '../graph/variable.js';
import { softmaxOp } from '../ops/softmax.js';
import { softmaxCrossEntropy } from '../train/losses.js';
import { AdamOptimizer, adam } from '../train/adam.js';
import { SGDOptimizer, sgd } from '../train/sgd.js';
import { Optimizer } from '../train/optimizer.js';
import { checkOptions } from './options.js';
import { probCrossEntropy } from './crossentropy.js';

export type LossName = 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

export interface CompileArgs {
  optimizer: 'adam' | 'sgd' | Optimizer;
  loss: LossName | 'categorical_crossentropy' | 'sparse_categorical_crossentropy';
  metrics?: string[];
}

export interface CompileConfig {
  optimizer: Optimizer;
  loss: LossName;
  /** Keras 2.2's log name of accuracy, when asked for. */
  accuracy: boolean;
}

const LOSSES: Record<string, LossName> = {
  categoricalCrossentropy: 'categoricalCrossentropy', categorical_crossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy', sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
};
const METRICS = ['accuracy', 'acc'];

export function parseCompileArgs(args: unknown): CompileConfig {
  if (args === undefined) throw new Error('args: compile needs {optimizer, loss, metrics?}');
  const a = checkOptions('args', args, ['optimizer', 'loss', 'metrics']);
  let optimizer: Optimizer;
  if (a.optimizer === 'adam') optimizer = adam();
  else if (a.optimizer === 'sgd') optimizer = sgd(0.01); // Keras' default learning rate
  else if (a.optimizer instanceof Optimizer) optimizer = a.optimizer;
  else throw new Error(`optimizer: expected 'adam', 'sgd' or an optimizer from cn.train, got ${describe(a.optimizer)}`);
  const loss = typeof a.loss === 'string' ? LOSSES[a.loss] : undefined;
  if (loss === undefined) throw new Error(`loss: expected one of ${Object.keys(LOSSES).join(', ')}, got ${describe(a.loss)}`);
  const metrics = a.metrics ?? [];
  if (!Array.isArray(metrics) || metrics.some((m) => !METRICS.includes(m))) {
    throw new Error(`metrics: expected an array of ${METRICS.map((m) => `'${m}'`).join(' or ')}, got ${describe(a.metrics)}`);
  }
  return { optimizer, loss, accuracy: metrics.length > 0 };
}

/** The optimizer's Keras/TensorFlow.js class name and config (for model files). */
export function optimizerConfig(opt: Optimizer): { class_name: string; config: Record<string, number> } {
  if (opt instanceof AdamOptimizer) {
    return { class_name: 'Adam', config: { learning_rate: opt.learningRate, beta1: opt.beta1, beta2: opt.beta2, epsilon: opt.epsilon } };
  }
  if (opt instanceof SGDOptimizer) return { class_name: 'SGD', config: { learning_rate: opt.learningRate } };
  throw new Error(`optimizer: cannot describe ${describe(opt)} in a model file`);
}

export interface TrainingGraph {
  /** Fed with the labels: float (batch, classes) one-hot, or int32 (batch) class indices. */
  readonly labels: Placeholder;
  readonly sparse: boolean;
  readonly classes: number;
  readonly loss: SymbolicTensor;
  readonly accuracy: SymbolicTensor | null;
  readonly trainOp: Operation;
}

export function buildTrainingGraph(output: SymbolicTensor, config: CompileConfig, weights: Variable[]): TrainingGraph {
  if (output.shape.length !== 2 || output.shape[1] === null) {
    throw new Error(`loss: ${config.loss} needs a (batch, classes) output, the model's is ${formatShape(output.shape)}`);
  }
  const classes = output.shape[1];
  const sparse = config.loss === 'sparseCategoricalCrossentropy';
  const labels = sparse ? placeholder('int32', [null], 'labels') : placeholder(output.dtype, [null, classes], 'labels');
  const oneHotLabels = sparse ? oneHot(labels, classes, 1, 0, output.dtype) : labels;
  const isSoftmax = output.node.op === softmaxOp;
  const loss = isSoftmax ? softmaxCrossEntropy(oneHotLabels, output.node.inputs[0]) : probCrossEntropy(oneHotLabels, output);
  let accuracy: SymbolicTensor | null = null;
  if (config.accuracy) {
    const truth = sparse ? labels : argMax(labels, 1);
    accuracy = mean(cast(equal(truth, argMax(output, 1)), output.dtype));
  }
  const trainable = weights.filter((w) => w.trainable);
  const trainOp = config.optimizer.minimize(loss, trainable);
  return { labels, sparse, classes, loss, accuracy, trainOp };
}

