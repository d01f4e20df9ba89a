/**
 * What a classifier's predictions say, computed from its output probabilities and the true labels:
 * accuracy, the confusion matrix, per-class precision and recall, and the most confident mistakes.
 */
import type { Tensor } from '../tensor/tensor.js';

/** The most probable class of each row of (n, classes) probabilities. */
export function argmaxRows(probs: Tensor): Int32Array {
  const [n, k] = probs.shape;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (probs.data[i * k + j] > probs.data[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** counts[t][p]: how many samples of true class t were predicted as p. */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) m[truth[i]][predicted[i]]++;
  return m;
}

export interface ClassStats { label: number; precision: number; recall: number; support: number }

/** Precision (of the predictions of a class, how many were right) and recall (of its samples, how many were found). NaN when undefined. */
export function perClassStats(cm: number[][]): ClassStats[] {
  return cm.map((row, c) => {
    const support = row.reduce((a, b) => a + b, 0);
    const predicted = cm.reduce((a, r) => a + r[c], 0);
    return { label: c, precision: predicted ? row[c] / predicted : NaN, recall: support ? row[c] / support : NaN, support };
  });
}

export function accuracyOf(cm: number[][]): number {
  let right = 0, total = 0;
  cm.forEach((row, t) => row.forEach((v, p) => { total += v; if (t === p) right += v; }));
  return total ? right / total : NaN;
}

export interface Mistake { index: number; label: number; predicted: number; probability: number; trueProbability: number }

/** The `count` wrong predictions made with the highest probability, most confident first. */
export function worstMistakes(probs: Tensor, truth: ArrayLike<number>, count: number): Mistake[] {
  const k = probs.shape[1];
  const predicted = argmaxRows(probs);
  const mistakes: Mistake[] = [];
  for (let i = 0; i < truth.length; i++) {
    if (predicted[i] === truth[i]) continue;
    mistakes.push({ index: i, label: truth[i], predicted: predicted[i], probability: probs.data[i * k + predicted[i]], trueProbability: probs.data[i * k + truth[i]] });
  }
  mistakes.sort((a, b) => b.probability - a.probability || a.index - b.index);
  return mistakes.slice(0, count);
}

/** The confusion matrix as aligned text, rows = true class, columns = predicted. */
export function confusionText(cm: number[][]): string[] {
  const w = Math.max(4, ...cm.flat().map((v) => String(v).length + 1));
  const head = 'true\\pred'.padEnd(10) + cm.map((_, c) => String(c).padStart(w)).join('');
  return [head, ...cm.map((row, t) => String(t).padEnd(10) + row.map((v) => String(v).padStart(w)).join(''))];
}
