/** Shared by the model tests: small seeded data sets and stdout capture. */
import * as random from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';

/** XOR-like: points in [-1, 1]², class 1 where x·y > 0. Float32 (n, 2) and int32 (n). */
export function xorData(n: number): { x: Tensor; y: Tensor } {
  const u = random.rand(n, 2);
  const x = new Float32Array(2 * n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = 2 * u.data[2 * i] - 1;
    x[2 * i + 1] = 2 * u.data[2 * i + 1] - 1;
    y[i] = x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0;
  }
  return { x: new Tensor(x, [n, 2]), y: new Tensor(y, [n]) };
}

/** Runs fn with process.stdout.write captured (console.log goes through it too); returns the text. */
export async function captureStdout(fn: () => Promise<unknown> | unknown): Promise<string> {
  const original = process.stdout.write;
  let text = '';
  process.stdout.write = ((chunk: string | Uint8Array) => { text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(); return true; }) as typeof process.stdout.write;
  try {
    await fn();
  } finally {
    process.stdout.write = original;
  }
  return text;
}

export function accuracy(probs: Tensor, labels: Tensor): number {
  const classes = probs.shape[1];
  let correct = 0;
  for (let i = 0; i < labels.size; i++) {
    let best = 0;
    for (let j = 1; j < classes; j++) if (probs.data[i * classes + j] > probs.data[i * classes + best]) best = j;
    if (best === labels.data[i]) correct++;
  }
  return correct / labels.size;
}
