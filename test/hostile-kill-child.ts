/**
 * Child process of hostile-kill.test.ts: writes checkpoints in a loop until it is killed.
 * argv: mode ('save': model.save(dir); 'cli': the `convnet train` checkpoint writer), dir, first value k.
 * Checkpoint k holds every weight equal to k, so a reader can tell exactly which write it got;
 * after each complete write the child prints `saved k` (stdout to a pipe is synchronous on Linux).
 */
import * as cn from '../src/index.js';
import { writeCheckpoint, type LoopState, type RunSettings } from '../src/cli/checkpoint.js';

const [mode, dir, first] = process.argv.slice(2);
cn.random.seed(1);
// ~140k parameters (0.55 MB of weights; 1.7 MB with Adam's moments): a write takes long enough to be hit.
const model = cn.sequential({ layers: [
  cn.layers.dense({ units: 512, activation: 'relu', inputShape: [256] }),
  cn.layers.dense({ units: 10, activation: 'softmax' }),
] });
model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const settings: RunSettings = { model: null, data: null, epochs: 1, batchSize: 32, limit: null, seed: 1 };

for (let k = Number(first); ; k++) {
  model.setWeights(model.getWeights().map((w) => cn.tensor(new Float32Array(w.size).fill(k), w.shape)));
  if (mode === 'save') {
    await model.save(dir);
  } else {
    const state: LoopState = {
      epoch: k, batch: 0, epochRng: cn.random.getState(), sums: { loss: 0, acc: 0, seen: 0 },
      epochElapsed: 0, history: {}, epochSeconds: [],
    };
    await writeCheckpoint(dir, model, settings, state);
  }
  process.stdout.write(`saved ${k}\n`);
}
