/**
 * Soak (issue 7): 1,000 eager op calls on fresh tensors, then a few thousand training steps of a tiny model,
 * must not grow the process's memory (RSS) or the WebAssembly heap. Runs in a child with --expose-gc so the
 * measurements follow full collections; the same file is the child when HOSTILE_SOAK_CHILD is set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as cn from '../src/index.js';
import { wasmAllocatedBytes } from '../src/wasm/index.js';

const MB = 1 << 20;

interface Sample { rss: number; wasm: number }
interface SoakReport { backend: string; ops: Sample[]; train: Sample[]; steps: number; lastLoss: number }

function sample(): Sample {
  (globalThis as { gc?: () => void }).gc!();
  (globalThis as { gc?: () => void }).gc!();
  return { rss: process.memoryUsage().rss, wasm: wasmAllocatedBytes() };
}

/** One round of eager ops, every input fresh: conv, pool, matMul, elementwise, softmax, reductions. */
function eagerRound(): void {
  const x = cn.random.randn(2, 16, 16, 3).astype('float32');
  const w = cn.random.randn(3, 3, 3, 8).astype('float32');
  const y = cn.relu(cn.conv2d(x, w, 1, 'same'));
  const p = cn.maxPool(y, 2, 2, 'valid');
  const flat = cn.reshape(p, [2, -1]);
  const logits = cn.matMul(flat, cn.random.randn(8 * 8 * 8, 10).astype('float32'));
  const probs = cn.softmax(cn.add(logits, cn.ones([10])));
  cn.mean(cn.mul(probs, probs));
  cn.argMax(probs, 1);
  cn.poolForward(cn.random.randn(1, 8, 8, 2), [2, 2], [2, 2], 'avg');
}

async function child(): Promise<void> {
  cn.random.seed(1);
  const report: SoakReport = { backend: cn.getBackend(), ops: [], train: [], steps: 0, lastLoss: NaN };
  for (let i = 0; i < 100; i++) eagerRound(); // warm up: compiled plans, wasm memory growth, JIT
  report.ops.push(sample());
  for (let i = 0; i < 1000; i++) {
    eagerRound();
    if (i % 250 === 249) report.ops.push(sample());
  }

  const m = cn.sequential({ layers: [
    cn.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
    cn.layers.maxPooling2d({ poolSize: 2 }),
    cn.layers.flatten(),
    cn.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  m.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const n = 64, batchSize = 8;
  const x = cn.random.rand(n, 8, 8, 1).astype('float32');
  const y = cn.tensor(Array.from({ length: n }, (_, i) => i % 10), [n], 'int32');
  const epochsPerRound = 50; // 8 steps an epoch: 400 steps a round
  for (let round = 0; round < 8; round++) {
    const h = await m.fit(x, y, { batchSize, epochs: epochsPerRound, verbose: 0 });
    report.steps += epochsPerRound * (n / batchSize);
    report.lastLoss = h.history.loss[h.history.loss.length - 1];
    report.train.push(sample());
  }
  process.stdout.write(JSON.stringify(report));
}

if (process.env.HOSTILE_SOAK_CHILD === '1') {
  await child();
} else {
  test('soak: 1,000 eager op rounds and 3,200 training steps keep RSS and the WebAssembly heap flat', () => {
    const started = performance.now();
    const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], {
      env: { ...process.env, HOSTILE_SOAK_CHILD: '1' }, encoding: 'utf8', timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as SoakReport;
    const growth = (xs: Sample[], k: keyof Sample) => xs[xs.length - 1][k] - xs[0][k];
    const opsRss = growth(report.ops, 'rss'), trainRss = growth(report.train, 'rss');
    const summary = `${report.backend}: ops rss ${(report.ops.map((s) => (s.rss / MB).toFixed(1))).join(' → ')} MB, ` +
      `train rss ${(report.train.map((s) => (s.rss / MB).toFixed(1))).join(' → ')} MB, wasm ${report.train.map((s) => s.wasm).join(' → ')} B, ` +
      `${report.steps} steps, last loss ${report.lastLoss.toFixed(3)}, ${((performance.now() - started) / 1000).toFixed(1)} s`;
    console.log(`# ${summary}`);
    // The bounds leave room for allocator noise (a few MB) but not for a leak: a leaked 16×16×3 input per op
    // round alone would be 3 MB over 1,000 rounds, and one leaked batch per step 6 MB over 3,200 steps,
    // both on top of the ~100 KB of intermediates every round creates.
    assert.ok(opsRss < 24 * MB, `eager ops grew RSS by ${(opsRss / MB).toFixed(1)} MB; ${summary}`);
    assert.ok(trainRss < 24 * MB, `training grew RSS by ${(trainRss / MB).toFixed(1)} MB; ${summary}`);
    assert.ok(growth(report.ops, 'wasm') <= 0, `eager ops grew the wasm heap; ${summary}`);
    assert.ok(growth(report.train, 'wasm') <= 0, `training grew the wasm heap; ${summary}`);
    assert.equal(report.steps, 3200);
    assert.ok(Number.isFinite(report.lastLoss) && report.lastLoss < 2.3, `the model trained: ${summary}`);
  });
}
