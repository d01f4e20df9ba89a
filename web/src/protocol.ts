/**
 * Messages between the playground page (main thread) and its training worker. The page only draws and asks;
 * every tensor computation (training, evaluation, prediction) happens in the worker.
 */

/** A layer's output for one input image: NHWC maps (h, w, c) or a dense vector (units). */
export interface LayerActivation {
  name: string;
  className: string;
  shape: number[];
  data: Float32Array;
}

/** A test image the network gets wrong. */
export interface Mistake { index: number; label: number; predicted: number; confidence: number; pixels: Float32Array }

export interface BackendReport {
  backend: string;
  threads: number;
  threadsRunning: number;
  simd: string | null;
  crossOriginIsolated: boolean;
}

export type ToWorker =
  | { type: 'init'; dataUrl: string; threads: number; stopAt: number | null; seed: number; autostart: boolean }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'predict'; id: number; pixels: Float32Array }
  | { type: 'evaluate' }
  | { type: 'sample' }
  | { type: 'save' }
  | { type: 'load' }
  | { type: 'download' };

export type FromWorker =
  | { type: 'progress'; file: string; loaded: number; total: number; done: boolean }
  | { type: 'ready'; backend: BackendReport; trainCount: number; testCount: number; summary: string[]; params: number }
  | { type: 'stats'; step: number; epoch: number; loss: number; acc: number; examplesPerSec: number }
  | { type: 'eval'; step: number; loss: number; acc: number; count: number; full: boolean }
  | { type: 'filters'; step: number; shape: number[]; data: Float32Array }
  | { type: 'prediction'; id: number; probs: Float32Array; layers: LayerActivation[] }
  | { type: 'state'; running: boolean; step: number }
  | { type: 'saved'; where: string }
  | { type: 'loaded'; where: string; step: number }
  | { type: 'download-ready'; key: string; step: number }
  | { type: 'sample'; index: number; label: number; pixels: Float32Array }
  | { type: 'mistakes'; step: number; wrong: number; count: number; examples: Mistake[] }
  | { type: 'error'; message: string };

/** Where the playground keeps its model in the browser. */
export const MODEL_KEY = 'indexeddb://convnet-playground-lenet5';
/** A copy saved for the page to turn into downloaded files (a worker has no document to download with). */
export const DOWNLOAD_KEY = 'indexeddb://convnet-playground-download';
