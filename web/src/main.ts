/**
 * The playground page: starts the training worker, draws what it reports, forwards the buttons and the drawing.
 * Nothing here computes with tensors; a training step on this thread would freeze the page.
 * URL options: ?threads=1|2 (kernel threads, default 2), ?stopAt=N (pause at step N and test on all 10,000
 * test images; used by the browser test), ?seed=N (weights and shuffling), ?train=0 (do not start training).
 */
import type { BackendReport, FromWorker, ToWorker } from './protocol.js';
import { LineChart } from './chart.js';
import { DrawPad } from './draw-pad.js';
import { toMnistImage } from './preprocess.js';
import { drawFeatureMaps, drawFilters, drawInput, drawMistakes, drawProbabilities } from './render.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

/** What the browser test reads (window.playground): the page's state as the worker last reported it. */
const state = {
  ready: false,
  running: false,
  step: 0,
  backend: null as null | BackendReport,
  lastEval: null as null | { step: number; acc: number; loss: number; count: number; full: boolean },
  /** The last evaluation on the whole test set (sent when training pauses at ?stopAt). */
  fullEval: null as null | { step: number; acc: number; loss: number; count: number; full: boolean },
  /** The last prediction and the 28×28 input it was made for. */
  prediction: null as null | { id: number; probs: number[]; input: number[] },
  saved: 0,
  loaded: 0,
  errors: [] as string[],
};
(window as unknown as { playground: typeof state }).playground = state;

const params = new URLSearchParams(location.search);
const threads = Number(params.get('threads') ?? 2);
const stopAtParam = params.get('stopAt');
const seed = Number(params.get('seed') ?? 0);

const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);

const lossChart = new LineChart($<HTMLCanvasElement>('loss-chart'), { yRange: null, yFormat: (v) => v.toFixed(2) });
const accChart = new LineChart($<HTMLCanvasElement>('acc-chart'), { yRange: [0, 1], yFormat: (v) => `${Math.round(v * 100)}%` });
const batchLoss = lossChart.addSeries('batch loss', '#d9480f');
const testLoss = lossChart.addSeries('test loss', '#1c7ed6');
const batchAcc = accChart.addSeries('batch accuracy', '#d9480f');
const testAcc = accChart.addSeries('test accuracy', '#1c7ed6');
lossChart.draw();
accChart.draw();

const buttons = ['pause', 'resume', 'save', 'load', 'download'].map((id) => $<HTMLButtonElement>(id));
function updateButtons(): void {
  const [pause, resume, save, load, download] = buttons;
  pause.disabled = !state.ready || !state.running;
  resume.disabled = !state.ready || state.running;
  save.disabled = load.disabled = download.disabled = !state.ready;
  $<HTMLButtonElement>('sample').disabled = !state.ready;
}
for (const b of buttons) b.addEventListener('click', () => send({ type: b.id as 'pause' }));

function message(text: string, isError = false): void {
  const el = $('message');
  el.textContent = text;
  el.className = isError ? 'small error' : 'small';
}

// Drawing → preprocessed 28×28 image → the worker's prediction and feature maps.
let predictionId = 0;
let currentInput: Float32Array | null = null;
let predictedInput: Float32Array | null = null;
function predict(): void {
  if (currentInput === null || !state.ready) return;
  predictedInput = currentInput.slice();
  send({ type: 'predict', id: ++predictionId, pixels: predictedInput.slice() });
}
const pad = new DrawPad($<HTMLCanvasElement>('pad'), () => {
  $('sample-label').textContent = '';
  const canvas = $<HTMLCanvasElement>('pad');
  currentInput = toMnistImage(pad.ink(), canvas.width, canvas.height);
  if (currentInput !== null) drawInput($('input-preview'), currentInput);
  predict();
});
$('clear').addEventListener('click', () => {
  pad.clear();
  currentInput = null;
  state.prediction = null;
  $('input-preview').replaceChildren();
  $('probs').replaceChildren();
  $('sample-label').textContent = '';
});
$('sample').addEventListener('click', () => { if (state.ready) send({ type: 'sample' }); });
// The network keeps learning: show how its opinion of the same drawing changes.
setInterval(() => { if (state.running) predict(); }, 1500);

/**
 * The worker saved a copy in IndexedDB; reading it back here only builds the model's graph (no training) so that
 * the library's 'downloads://' store, which needs this page's document, writes the two files.
 */
async function downloadModel(key: string, step: number): Promise<void> {
  const cn = await import('convnet');
  const model = await cn.loadLayersModel(key);
  await model.save('downloads://convnet-lenet5');
  message(`downloaded convnet-lenet5.json + convnet-lenet5.weights.bin (step ${step}); cn.loadLayersModel can read them back`);
}

const dataFiles = new Map<string, { loaded: number; total: number }>();

worker.addEventListener('message', (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  switch (m.type) {
    case 'progress': {
      dataFiles.set(m.file, { loaded: m.loaded, total: m.total });
      let loaded = 0, total = 0;
      for (const f of dataFiles.values()) { loaded += f.loaded; total += f.total; }
      const bar = $<HTMLProgressElement>('progress');
      bar.value = total > 0 ? loaded / total : 0;
      $('progress-text').textContent = `${(loaded / 1e6).toFixed(1)} / ${(total / 1e6).toFixed(1)} MB downloaded (${dataFiles.size} files)`;
      break;
    }
    case 'ready': {
      state.ready = true;
      state.backend = m.backend;
      const b = m.backend;
      $('backend').textContent = `backend: ${b.backend}${b.simd ? ` (${b.simd})` : ''} · ${b.threads} thread${b.threads === 1 ? '' : 's'} · ` +
        (b.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated (1 thread)');
      $<HTMLProgressElement>('progress').value = 1;
      $('progress-text').textContent += ` · ${m.trainCount.toLocaleString('en')} training and ${m.testCount.toLocaleString('en')} test images ready`;
      $('summary').textContent = m.summary.join('\n');
      $('params').textContent = m.params.toLocaleString('en');
      updateButtons();
      predict();
      break;
    }
    case 'stats':
      state.step = m.step;
      $('step').textContent = String(m.step);
      $('epoch').textContent = m.epoch.toFixed(2);
      $('speed').textContent = Math.round(m.examplesPerSec).toLocaleString('en');
      lossChart.add(batchLoss, m.step, m.loss);
      accChart.add(batchAcc, m.step, m.acc);
      break;
    case 'eval':
      state.lastEval = { step: m.step, acc: m.acc, loss: m.loss, count: m.count, full: m.full };
      if (m.full) state.fullEval = state.lastEval;
      $('test-acc').textContent = `${(100 * m.acc).toFixed(1)}% (${m.count.toLocaleString('en')} images)`;
      lossChart.add(testLoss, m.step, m.loss);
      accChart.add(testAcc, m.step, m.acc);
      break;
    case 'filters':
      drawFilters($('filters'), m.shape, m.data);
      $('filters-step').textContent = `at step ${m.step}`;
      break;
    case 'prediction':
      if (m.id !== predictionId) break; // a newer drawing is on its way
      state.prediction = { id: m.id, probs: Array.from(m.probs), input: Array.from(predictedInput!) };
      drawProbabilities($('probs'), m.probs);
      drawFeatureMaps($('maps'), m.layers);
      break;
    case 'state':
      state.running = m.running;
      state.step = m.step;
      updateButtons();
      break;
    case 'saved':
      state.saved++;
      message(`saved to ${m.where} at step ${state.step}`);
      break;
    case 'loaded':
      state.loaded++;
      message(`loaded from ${m.where}; training continues from these weights`);
      predict();
      break;
    case 'download-ready':
      downloadModel(m.key, m.step).catch((err: Error) => { state.errors.push(err.message); message(err.message, true); });
      break;
    case 'sample':
      // Already a 28×28 MNIST image: no preprocessing, straight to the network.
      pad.showImage(m.pixels);
      currentInput = m.pixels;
      drawInput($('input-preview'), m.pixels);
      $('sample-label').textContent = `test image #${m.index}, labelled ${m.label}`;
      predict();
      break;
    case 'mistakes':
      drawMistakes($('mistakes'), m.examples);
      $('mistakes-info').textContent = `at step ${m.step}: ${m.wrong.toLocaleString('en')} of ${m.count.toLocaleString('en')} test images wrong; the first ${m.examples.length} shown (label → prediction)`;
      break;
    case 'error':
      state.errors.push(m.message);
      message(m.message, true);
      console.error(`training worker: ${m.message}`);
      break;
  }
});
worker.addEventListener('error', (e) => {
  state.errors.push(e.message);
  message(`worker failed: ${e.message}`, true);
});

send({
  type: 'init',
  dataUrl: new URL('data/', document.baseURI).href,
  threads: Number.isInteger(threads) && threads >= 1 ? threads : 2,
  stopAt: stopAtParam === null ? null : Number(stopAtParam),
  seed,
  autostart: params.get('train') !== '0',
});
