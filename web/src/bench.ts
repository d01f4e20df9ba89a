/**
 * The bench page: runs each engine in a fresh worker, one at a time, and fills the table.
 * URL options: ?steps=N timed steps per engine (default 40), ?engines=a,b (a subset, by engine id).
 * window.bench = { done, results } is what `npm run bench:browser` reads.
 */
import type { BenchRequest, BenchResult, Engine } from './bench-protocol.js';

const params = new URLSearchParams(location.search);
const steps = Number(params.get('steps') ?? 40);
const only = params.get('engines')?.split(',');

const ENGINES: { engine: Engine; label: string; threads: number }[] = [
  { engine: 'convnet-wasm', label: 'convnet, 1 thread', threads: 1 },
  { engine: 'convnet-wasm', label: 'convnet, 2 threads', threads: 2 },
  { engine: 'convnet-reference', label: 'convnet, TypeScript kernels', threads: 1 },
  { engine: 'tfjs-wasm', label: 'TensorFlow.js wasm, 1 thread', threads: 1 },
  { engine: 'tfjs-wasm', label: 'TensorFlow.js wasm, 2 threads', threads: 2 },
  { engine: 'tfjs-webgl', label: 'TensorFlow.js webgl', threads: 1 },
  { engine: 'tfjs-cpu', label: 'TensorFlow.js cpu', threads: 1 },
];
const REFERENCE_LABEL = 'convnet, 2 threads';

const bench = { done: false, results: [] as BenchResult[], crossOriginIsolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency };
(window as unknown as { bench: typeof bench }).bench = bench;

document.getElementById('env')!.textContent =
  `${navigator.userAgent} · ${navigator.hardwareConcurrency} logical cores · crossOriginIsolated: ${self.crossOriginIsolated}`;

function runOne(req: BenchRequest): Promise<BenchResult> {
  const worker = new Worker(new URL('./bench-worker.ts', import.meta.url), { type: 'module' });
  return new Promise<BenchResult>((resolve) => {
    worker.addEventListener('message', (e: MessageEvent<BenchResult>) => resolve(e.data));
    worker.addEventListener('error', (e) => resolve({ engine: req.engine, label: req.label, msPerStep: null, steps: 0, detail: '', error: e.message || 'worker error' }));
    worker.postMessage(req);
  }).finally(() => worker.terminate());
}

function render(): void {
  const ref = bench.results.find((r) => r.label === REFERENCE_LABEL)?.msPerStep ?? null;
  const body = document.querySelector('#results tbody')!;
  body.replaceChildren(...bench.results.map((r) => {
    const tr = document.createElement('tr');
    const cells = r.msPerStep === null
      ? [r.label, r.error ?? 'failed', '–', '–', '–']
      : [r.label, r.detail, r.msPerStep.toFixed(2), Math.round((32 * 1000) / r.msPerStep).toLocaleString('en'), ref ? `${(r.msPerStep / ref).toFixed(2)}×` : '–'];
    for (const c of cells) { const td = document.createElement('td'); td.textContent = c; tr.append(td); }
    return tr;
  }));
}

async function runAll(): Promise<void> {
  const button = document.getElementById('run') as HTMLButtonElement;
  button.disabled = true;
  bench.done = false;
  bench.results = [];
  const dataUrl = new URL('data/', document.baseURI).href;
  for (const e of ENGINES) {
    if (only && !only.includes(e.engine) && !only.includes(e.label)) continue;
    document.getElementById('status')!.textContent = `running ${e.label}…`;
    const minMs = e.engine === 'convnet-reference' || e.engine === 'tfjs-cpu' ? 0 : 1000;
    const req: BenchRequest = { ...e, dataUrl, warmup: 5, steps: e.engine === 'convnet-reference' || e.engine === 'tfjs-cpu' ? Math.max(5, Math.round(steps / 4)) : steps, minMs };
    bench.results.push(await runOne(req));
    render();
  }
  document.getElementById('status')!.textContent = 'done';
  bench.done = true;
  button.disabled = false;
}

document.getElementById('run')!.addEventListener('click', () => void runAll());
void runAll();
