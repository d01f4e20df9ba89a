/**
 * How a LeNet-5 training step's time is distributed over many steps (batch 32, the graph Session):
 * mean, percentiles, and the tail: the steps over twice the median, their share of the total time,
 * how much of their excess the calling thread spent waiting for workers (a worker the OS descheduled
 * while it held a piece) rather than running (this thread descheduled, or left with the pieces of a
 * descheduled worker), and whether a garbage collection overlapped them. On a shared machine the
 * mean over an epoch is the median plus that tail.
 * Run: node dist/bench/lenet-steps.js [threads (2)] [steps (1000)]
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { setThreads, whenReady, poolWaitStats } from '../src/wasm/pool.js';
import { lenetSession } from './lenet-session.js';
import { filledRandom } from './util.js';

const threads = Number(process.argv[2] ?? '2');
const steps = Number(process.argv[3] ?? '1000');
setThreads(threads);
await whenReady();
const { sess, trainOp, feeds: feedsOf } = lenetSession();
const xs = filledRandom(new Float32Array(32 * 784)).map((v) => (v + 1) / 2);
const ys = Int32Array.from({ length: 32 }, (_, i) => i % 10);
const feeds = feedsOf(xs, ys, 32);
// Warm-up: V8 optimises the hot wasm functions (in this thread and in each worker) as they run.
for (let i = 0; i < 200; i++) sess.run(trainOp, feeds);

const gcs: { start: number; end: number }[] = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
});
observer.observe({ entryTypes: ['gc'] });
const starts = new Float64Array(steps), times = new Float64Array(steps), waits = new Float64Array(steps);
for (let i = 0; i < steps; i++) {
  const waited = poolWaitStats().waitMs;
  starts[i] = performance.now();
  sess.run(trainOp, feeds);
  times[i] = performance.now() - starts[i];
  waits[i] = poolWaitStats().waitMs - waited;
}
await new Promise((resolve) => setTimeout(resolve, 50)); // let the last gc entries arrive
observer.disconnect();

const sorted = Float64Array.from(times).sort();
const at = (p: number) => sorted[Math.floor(p * (steps - 1))];
const median = at(0.5);
const total = times.reduce((a, b) => a + b, 0);
let slow = 0, slowTime = 0, excess = 0, excessWaiting = 0, withGc = 0;
for (let i = 0; i < steps; i++) {
  if (times[i] <= 2 * median) continue;
  slow++;
  slowTime += times[i];
  excess += times[i] - median;
  excessWaiting += waits[i];
  if (gcs.some((g) => g.start < starts[i] + times[i] && g.end > starts[i])) withGc++;
}
const ms = (v: number) => v.toFixed(2);
console.log(`LeNet-5 training step, batch 32, ${threads} thread(s), ${steps} steps: mean ${ms(total / steps)} ms; ` +
  `p10 ${ms(at(0.1))}, median ${ms(median)}, p90 ${ms(at(0.9))}, p99 ${ms(at(0.99))}, max ${ms(at(1))}`);
console.log(`steps over twice the median: ${slow}, ${(slowTime / total * 100).toFixed(1)}% of the time; their excess over the median ` +
  `${excess.toFixed(0)} ms, of which waiting for workers ${excessWaiting.toFixed(0)} ms; ${withGc} overlapped a garbage collection ` +
  `(${gcs.length} in all)`);
console.log(`waiting for workers, all steps: ${ms(waits.reduce((a, b) => a + b, 0) / steps)} ms per step`);
process.exit(0);
