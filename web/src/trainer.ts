/**
 * LeNet-5 on MNIST, one step at a time, so the worker can interleave training with the page's requests.
 * Images stay as bytes (47 MB for 60k) and are scaled into one reused float32 batch per step: pixel / 256,
 * the scaling of the library's loadMnist (and of the spec's MNIST.npz).
 */
import * as cn from 'convnet';
import type { LayerActivation, Mistake } from './protocol.js';
import type { MnistBytes } from './mnist-fetch.js';

export const BATCH = 32;
const PIXELS = 28 * 28;
const CLASSES = 10;

type Model = ReturnType<typeof cn.lenet5>;
type Tensor = InstanceType<typeof cn.Tensor>;

/** Images (n, 28, 28, 1) float32 in [0, 1) and one-hot labels (n, 10) float32, for rows [from, from + n). */
export function toTensors(data: MnistBytes, from: number, n: number): { x: Tensor; y: Tensor } {
  const x = new Float32Array(n * PIXELS);
  for (let i = 0; i < x.length; i++) x[i] = data.images[from * PIXELS + i] / 256;
  const y = new Float32Array(n * CLASSES);
  for (let i = 0; i < n; i++) y[i * CLASSES + data.labels[from + i]] = 1;
  return { x: new cn.Tensor(x, [n, 28, 28, 1]), y: new cn.Tensor(y, [n, CLASSES]) };
}

export class Trainer {
  model: Model;
  step = 0;
  private order: Int32Array;
  private cursor = 0;
  private readonly xBatch = new Float32Array(BATCH * PIXELS);
  private readonly yBatch = new Float32Array(BATCH * CLASSES);
  private readonly xTensor: Tensor;
  private readonly yTensor: Tensor;

  constructor(private readonly train: MnistBytes) {
    this.model = cn.lenet5();
    this.order = cn.random.permutation(train.count).data as Int32Array;
    this.xTensor = new cn.Tensor(this.xBatch, [BATCH, 28, 28, 1]);
    this.yTensor = new cn.Tensor(this.yBatch, [BATCH, CLASSES]);
  }

  /** Completed passes over the training images. */
  get epoch(): number { return (this.step * BATCH) / this.train.count; }

  /** One Adam step on the next shuffled batch; returns the batch's loss and accuracy before the update. */
  trainStep(): { loss: number; acc: number } {
    if (this.cursor + BATCH > this.train.count) {
      this.order = cn.random.permutation(this.train.count).data as Int32Array; // a new epoch, reshuffled
      this.cursor = 0;
    }
    this.yBatch.fill(0);
    for (let i = 0; i < BATCH; i++) {
      const row = this.order[this.cursor + i];
      const src = row * PIXELS;
      for (let p = 0; p < PIXELS; p++) this.xBatch[i * PIXELS + p] = this.train.images[src + p] / 256;
      this.yBatch[i * CLASSES + this.train.labels[row]] = 1;
    }
    this.cursor += BATCH;
    const [loss, acc] = this.model.trainStep(this.xTensor, this.yTensor);
    this.step++;
    return { loss: loss!.data[0], acc: acc!.data[0] };
  }

  /** The first convolution's kernel (5, 5, 1, 6): what each of its 6 filters looks for. */
  firstFilters(): { shape: number[]; data: Float32Array } {
    const kernel = this.model.layers[0].weights[0].read();
    return { shape: kernel.shape.slice(), data: Float32Array.from(kernel.data) };
  }

  /** Runs one 28×28 image through the layers one by one (eagerly), keeping every layer's output. */
  activations(pixels: Float32Array): LayerActivation[] {
    let a: Tensor = new cn.Tensor(Float32Array.from(pixels), [1, 28, 28, 1]);
    const out: LayerActivation[] = [];
    for (const layer of this.model.layers) {
      a = layer.apply(a) as Tensor;
      out.push({ name: layer.name, className: layer.className, shape: a.shape.slice(1), data: Float32Array.from(a.data) });
    }
    return out;
  }

  evaluate(x: Tensor, y: Tensor): { loss: number; acc: number } {
    const [loss, acc] = this.model.evaluate(x, y, { batchSize: 250 });
    return { loss, acc };
  }

  /** The first `max` images of `data` (as tensor `x`) whose predicted class is not their label, and how many there are. */
  mistakes(x: Tensor, data: MnistBytes, max: number): { wrong: number; examples: Mistake[] } {
    const probs = this.model.predict(x, { batchSize: 250 }).data;
    const examples: Mistake[] = [];
    let wrong = 0;
    for (let i = 0; i < x.shape[0]; i++) {
      let predicted = 0;
      for (let k = 1; k < CLASSES; k++) if (probs[i * CLASSES + k] > probs[i * CLASSES + predicted]) predicted = k;
      if (predicted === data.labels[i]) continue;
      wrong++;
      if (examples.length < max) {
        const pixels = Float32Array.from(data.images.subarray(i * PIXELS, (i + 1) * PIXELS), (b) => b / 256);
        examples.push({ index: i, label: data.labels[i], predicted, confidence: probs[i * CLASSES + predicted], pixels });
      }
    }
    return { wrong, examples };
  }

  /** Continues training from a model loaded from a file (its optimizer state starts afresh). */
  replaceModel(model: Model): void {
    if (model.compiled === null) model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    this.model = model;
  }
}
