/**
 * Where a LeNet-5 training step (batch 32) spends its time: runs the graph's compiled plan step by
 * step, timing each step over many runs, and prints the steps sorted by time with their shapes.
 * Run: node dist/bench/lenet-profile.js [threads] [infer]   (BENCH_STEPS=n timed runs, default 200;
 * 'infer' profiles the forward pass over a batch of 1,000 images instead)
 * PROFILE_CLOCK=cpu times by the process's CPU time instead of the wall clock: on a shared, busy
 * machine that keeps out the time this process spends descheduled (meaningful with 1 thread only,
 * since the workers' CPU time counts too). Each step's median over the runs is printed beside its mean
 * (a run the OS descheduled skews the mean, hardly the median).
 */
import { setThreads, whenReady, poolWaitStats } from '../src/wasm/pool.js';
import { tryRuntime } from '../src/wasm/runtime.js';
import { lenetSession } from './lenet-session.js';
import { formatTable, filledRandom } from './util.js';

const BATCH = 32;
const RUNS = Number(process.env.BENCH_STEPS ?? (process.argv[3] === 'infer' ? '10' : '200'));

const threads = Number(process.argv[2] ?? '2');
const infer = process.argv[3] === 'infer';
const batch = infer ? Number(process.env.INFER_BATCH ?? '1000') : BATCH;
setThreads(threads);
await whenReady();
const { sess, yPred, trainOp, feeds: feedsOf } = lenetSession();
const xs = filledRandom(new Float32Array(batch * 784)).map((v) => (v + 1) / 2);
const ys = Int32Array.from({ length: batch }, (_, i) => i % 10);
const feeds = feedsOf(xs, ys, batch);
const fetch = infer ? yPred : trainOp;
for (let i = 0; i < (infer ? 3 : 20); i++) sess.run(fetch, feeds);
const plan = sess.lastPlan!;
const steps = plan.steps;
const cpuClock = process.env.PROFILE_CLOCK === 'cpu';
const now = cpuClock ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
const total = new Float64Array(steps.length);
// Every run's time per step, for medians: on a shared box, a run the OS descheduled skews the mean.
const samples = steps.map(() => new Float64Array(RUNS));
const walls = new Float64Array(RUNS);
let wall = 0;
for (let r = 0; r < RUNS; r++) {
  const w0 = now();
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const t0 = now();
    s.def.compute(s.inputs, s.out, s.attrs, s.state);
    const t = now() - t0;
    total[i] += t;
    samples[i][r] = t;
  }
  walls[r] = now() - w0;
  wall += walls[r];
}
const median = (a: Float64Array) => { const b = a.slice().sort(); return (b[(b.length - 1) >> 1] + b[b.length >> 1]) / 2; };
const rows = steps.map((s, i) => ({
  i, name: s.def.name, shapes: s.inputs.map((t) => `[${t.shape}]`).join(' '), us: (total[i] / RUNS) * 1000, med: median(samples[i]) * 1000,
}));
rows.sort((a, b) => b.us - a.us);
const sum = rows.reduce((p, r) => p + r.us, 0);
console.log(`LeNet-5 ${infer ? 'inference' : 'train step'}, batch ${batch}, ${threads} thread(s), ${tryRuntime()?.variant ?? 'reference'}: ${steps.length} plan steps, ` +
  `${(wall / RUNS).toFixed(2)} ms/step, median ${median(walls).toFixed(2)} (${RUNS} runs, ${cpuClock ? 'CPU time' : 'wall clock'})`);
console.log(formatTable(['#', 'step', 'inputs', 'µs', 'median µs', '%'],
  rows.map((r) => [String(r.i), r.name, r.shapes, r.us.toFixed(0), r.med.toFixed(0), (100 * r.us / sum).toFixed(1)])));
const waits = poolWaitStats();
console.log(`calling thread: ${waits.ownMs.toFixed(0)} ms on its share of parallel calls, ${waits.waitMs.toFixed(0)} ms waiting for workers after it`);
process.exit(0);
