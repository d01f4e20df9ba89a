/**
 * Times the LeNet-5 training step (batch 32, float32, MNIST test images, Adam, softmax cross-entropy) for one
 * engine, in a fresh Web Worker per engine so no engine's warm state, threads or heap colours the next.
 * Both engines train the same network: conv 6@5×5 same relu → max pool 2 → conv 16@5×5 valid relu → max pool 2
 * → dense 120 relu → dense 84 relu → dense 10, He-normal weights; each step ends by reading the loss back.
 */
import * as cn from 'convnet';
import { fetchMnistSplit } from './mnist-fetch.js';
import type { BenchRequest, BenchResult } from './bench-protocol.js';
import { timeSteps } from './bench-timing.js';
import { tfjsLenet } from '../../bench/tfjs-lenet.js';

const BATCH = 32;

const scope = self as unknown as {
  postMessage(message: BenchResult): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<BenchRequest>) => void): void;
};

interface Batches { x: Float32Array[]; y: Int32Array[] }

/** `count` batches of 32 consecutive test images (pixel / 256) and their labels. */
async function batches(dataUrl: string, count: number): Promise<Batches> {
  const test = await fetchMnistSplit(dataUrl, 'test', () => {});
  const out: Batches = { x: [], y: [] };
  for (let b = 0; b < count; b++) {
    const x = new Float32Array(BATCH * 784);
    for (let i = 0; i < x.length; i++) x[i] = test.images[b * BATCH * 784 + i] / 256;
    out.x.push(x);
    out.y.push(Int32Array.from(test.labels.subarray(b * BATCH, (b + 1) * BATCH)));
  }
  return out;
}

async function benchConvnet(req: BenchRequest, data: Batches): Promise<BenchResult> {
  if (req.engine === 'convnet-wasm') {
    await cn.ready();
    cn.setThreads(req.threads);
    await cn.ready(); // waits for the pool's workers to start
  } else {
    cn.setBackend('reference'); // the plain TypeScript kernels
  }
  cn.random.seed(0);
  const model = cn.lenet5();
  const feeds = data.x.map((x, b) => {
    const oneHot = new Float32Array(BATCH * 10);
    data.y[b].forEach((label, i) => { oneHot[i * 10 + label] = 1; });
    return [new cn.Tensor(x, [BATCH, 28, 28, 1]), new cn.Tensor(oneHot, [BATCH, 10])] as const;
  });
  const timing = timeSteps(req, (i) => {
    const [xb, yb] = feeds[i % feeds.length];
    const [loss] = model.trainStep(xb, yb);
    if (!Number.isFinite(loss!.data[0])) throw new Error(`loss: became ${loss!.data[0]} at step ${i}`);
  });
  const info = cn.getBackendInfo();
  return { ...timing, engine: req.engine, label: req.label, detail: `${info.backend}${info.simd ? ` ${info.simd}` : ''}, ${info.threads} thread(s)` };
}

async function benchTfjs(req: BenchRequest, data: Batches): Promise<BenchResult> {
  const tf = await import('@tensorflow/tfjs');
  const backend = req.engine.replace('tfjs-', '');
  if (backend === 'wasm') {
    const wasm = await import('./tfjs-wasm-setup.js');
    wasm.configureTfjsWasm(req.threads);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') returned false`);
  await tf.ready();
  const { logitsOf, optimizer } = tfjsLenet(tf);
  const xs = data.x.map((x) => tf.tensor4d(x, [BATCH, 28, 28, 1]));
  const ys = data.y.map((y) => tf.oneHot(tf.tensor1d(y, 'int32'), 10).toFloat());
  const timing = timeSteps(req, (i) => {
    const x = xs[i % xs.length], y = ys[i % ys.length];
    const cost = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, logitsOf(x)) as never, true);
    const loss = cost!.dataSync()[0];
    cost!.dispose();
    if (!Number.isFinite(loss)) throw new Error(`loss: became ${loss} at step ${i}`);
  });
  let detail = tf.getBackend();
  if (backend === 'wasm') detail += `, ${(await import('./tfjs-wasm-setup.js')).tfjsWasmThreads()} thread(s)`;
  if (backend === 'webgl') detail += `, ${glRenderer(tf.backend())}`;
  return { ...timing, engine: req.engine, label: req.label, detail };
}

/** Which GL implementation runs WebGL here: in headless Chromium usually SwiftShader, a CPU renderer. */
function glRenderer(backend: unknown): string {
  const gl = (backend as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
  if (!gl) return 'renderer unknown';
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

scope.addEventListener('message', async (e) => {
  const req = e.data;
  try {
    const data = await batches(req.dataUrl, 16);
    scope.postMessage(req.engine.startsWith('convnet') ? await benchConvnet(req, data) : await benchTfjs(req, data));
  } catch (err) {
    scope.postMessage({ engine: req.engine, label: req.label, msPerStep: null, steps: 0, detail: '', error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
  }
});
