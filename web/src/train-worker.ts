/**
 * The playground's training worker: loads MNIST, trains LeNet-5 in time slices of ~40 ms, and between slices
 * answers the page (pause, predict a drawing, save, load). Training never runs on the page's main thread,
 * which is also where it could not use threads: kernel threads wait with Atomics.wait, forbidden there.
 */
import * as cn from 'convnet';
import { DOWNLOAD_KEY, MODEL_KEY, type FromWorker, type ToWorker } from './protocol.js';
import { fetchMnistSplit, type MnistBytes } from './mnist-fetch.js';
import { Trainer, toTensors, BATCH } from './trainer.js';

const SLICE_MS = 40;
const STATS_EVERY_MS = 250;
const FILTERS_EVERY_MS = 500;
const QUICK_EVAL_EVERY_MS = 2500;
/** The quick evaluation uses the first 1,000 test images; the full one all 10,000. */
const QUICK_EVAL_COUNT = 1000;
/** Misclassified test images sent to the page after a full evaluation. */
const MISTAKES_SHOWN = 24;

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorker>) => void): void;
};
const send = (m: FromWorker, transfer: Transferable[] = []) => scope.postMessage(m, transfer);

let trainer: Trainer | null = null;
let test: MnistBytes | null = null;
let quickEval: ReturnType<typeof toTensors> | null = null;
let fullEval: ReturnType<typeof toTensors> | null = null;
let running = false;
let loopActive = false;
let stopAt: number | null = null;
/** Requests that need the model wait here while a slice runs; they are answered between slices. */
const pending: ToWorker[] = [];

/** Yields to the event loop without the ≥4 ms clamp of nested setTimeout(0). */
const channel = new MessageChannel();
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function fail(e: unknown): void {
  send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
}

async function init(dataUrl: string, threads: number, seed: number): Promise<void> {
  const progress = (file: string, loaded: number, total: number, done: boolean) =>
    send({ type: 'progress', file: file.slice(file.lastIndexOf('/') + 1), loaded, total, done });
  const [train, testSplit] = await Promise.all([
    fetchMnistSplit(dataUrl, 'train', progress),
    fetchMnistSplit(dataUrl, 'test', progress),
    cn.ready(),
  ]);
  test = testSplit;
  // Threads share memory, which needs cross-origin isolation; ready() again waits for the workers to start.
  if (cn.getBackendInfo().crossOriginIsolated && cn.getBackend() === 'wasm') {
    cn.setThreads(threads);
    await cn.ready();
  }
  cn.random.seed(seed);
  trainer = new Trainer(train);
  quickEval = toTensors(test, 0, Math.min(QUICK_EVAL_COUNT, test.count));
  const summary: string[] = [];
  trainer.model.summary(undefined, undefined, (line) => summary.push(line));
  send({ type: 'ready', backend: cn.getBackendInfo(), trainCount: train.count, testCount: test.count, summary, params: trainer.model.countParams() });
  sendFilters();
  runEval(false);
}

function sendFilters(): void {
  const f = trainer!.firstFilters();
  send({ type: 'filters', step: trainer!.step, shape: f.shape, data: f.data }, [f.data.buffer]);
}

function runEval(full: boolean): void {
  if (full) fullEval ??= toTensors(test!, 0, test!.count);
  const set = full ? fullEval! : quickEval!;
  const r = trainer!.evaluate(set.x, set.y);
  send({ type: 'eval', step: trainer!.step, loss: r.loss, acc: r.acc, count: set.x.shape[0], full });
  if (full) {
    const m = trainer!.mistakes(set.x, test!, MISTAKES_SHOWN);
    send({ type: 'mistakes', step: trainer!.step, wrong: m.wrong, count: set.x.shape[0], examples: m.examples }, m.examples.map((e) => e.pixels.buffer));
  }
}

function setRunning(value: boolean): void {
  running = value;
  send({ type: 'state', running, step: trainer?.step ?? 0 });
  if (running && !loopActive) void trainLoop();
}

async function trainLoop(): Promise<void> {
  loopActive = true;
  let windowLoss = 0, windowAcc = 0, windowSteps = 0;
  let windowStart = performance.now(), lastFilters = windowStart, lastEval = windowStart;
  /** Set when training stops at ?stopAt: the whole test set is evaluated after the last stats are sent. */
  let evaluateAll = false;
  try {
    while (running) {
      const sliceEnd = performance.now() + SLICE_MS;
      while (running && performance.now() < sliceEnd) {
        const r = trainer!.trainStep();
        if (!Number.isFinite(r.loss)) throw new Error(`loss: became ${r.loss} at step ${trainer!.step}; training stopped`);
        windowLoss += r.loss; windowAcc += r.acc; windowSteps++;
        if (stopAt !== null && trainer!.step >= stopAt) {
          stopAt = null;
          running = false;
          evaluateAll = true;
        }
      }
      const now = performance.now();
      if (now - windowStart >= STATS_EVERY_MS || !running) {
        if (windowSteps > 0) {
          send({ type: 'stats', step: trainer!.step, epoch: trainer!.epoch, loss: windowLoss / windowSteps, acc: windowAcc / windowSteps,
            examplesPerSec: (windowSteps * BATCH * 1000) / (now - windowStart) });
        }
        windowLoss = windowAcc = windowSteps = 0;
        windowStart = now;
      }
      if (now - lastFilters >= FILTERS_EVERY_MS || !running) { sendFilters(); lastFilters = now; }
      if (running && now - lastEval >= QUICK_EVAL_EVERY_MS) {
        runEval(false);
        lastEval = performance.now();
        windowStart += lastEval - now; // evaluating is not training: its time does not count against the speed
      }
      if (evaluateAll) { evaluateAll = false; runEval(true); }
      await nextTask();
      await drainPending();
    }
  } catch (e) {
    running = false;
    fail(e);
  } finally {
    loopActive = false;
    send({ type: 'state', running, step: trainer?.step ?? 0 });
  }
}

async function handle(m: ToWorker): Promise<void> {
  const t = trainer!;
  switch (m.type) {
    case 'pause': setRunning(false); runEval(true); break;
    case 'resume': setRunning(true); break;
    case 'evaluate': runEval(true); break;
    case 'sample': {
      // A random test image, scaled like the training data: what a real MNIST digit looks like to the network.
      const index = Math.floor(Math.random() * test!.count);
      const pixels = Float32Array.from(test!.images.subarray(index * 784, (index + 1) * 784), (b) => b / 256);
      send({ type: 'sample', index, label: test!.labels[index], pixels }, [pixels.buffer]);
      break;
    }
    case 'predict': {
      const layers = t.activations(m.pixels);
      const probs = layers[layers.length - 1].data;
      send({ type: 'prediction', id: m.id, probs, layers }, layers.map((l) => l.data.buffer));
      break;
    }
    case 'save':
      await t.model.save(MODEL_KEY);
      send({ type: 'saved', where: MODEL_KEY });
      break;
    case 'load': {
      const model = await cn.loadLayersModel(MODEL_KEY);
      t.replaceModel(model as typeof t.model);
      send({ type: 'loaded', where: MODEL_KEY, step: t.step });
      sendFilters();
      break;
    }
    case 'download':
      // 'downloads://' needs a document, which a worker lacks: the page finishes the download from IndexedDB.
      await t.model.save(DOWNLOAD_KEY);
      send({ type: 'download-ready', key: DOWNLOAD_KEY, step: t.step });
      break;
    default: break;
  }
}

let draining = false;
/** Answers queued requests one at a time (a save awaiting IndexedDB is finished before the next request starts). */
async function drainPending(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    while (pending.length > 0) {
      try { await handle(pending.shift()!); } catch (e) { fail(e); }
    }
  } finally {
    draining = false;
  }
}

scope.addEventListener('message', (e) => {
  const m = e.data;
  if (m.type === 'init') {
    stopAt = m.stopAt;
    init(m.dataUrl, m.threads, m.seed).then(() => setRunning(m.autostart), fail);
    return;
  }
  if (trainer === null) { fail(new Error(`${m.type}: the model is not ready yet (data still loading)`)); return; }
  pending.push(m);
  // While training, the loop answers between slices; while paused, answer now.
  if (!loopActive) void drainPending();
});
