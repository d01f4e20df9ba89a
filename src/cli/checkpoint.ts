/**
 * Training checkpoints of `convnet train`, so a run can be resumed exactly where it stopped:
 *   OUT/checkpoints/<unique>/   model.json, weights.bin, optimizer.bin (Adam's moments and step), state.json
 *   OUT/checkpoint.json         {"path": "checkpoints/<unique>"}: which one is current
 * A checkpoint is written whole into a fresh directory, then checkpoint.json is replaced atomically to
 * point at it, then older directories are removed. A crash at any moment leaves checkpoint.json naming a
 * complete checkpoint (the new one or the previous one), never a mix of two.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { RandomStateSnapshot } from '../tensor/random.js';
import type { LayersModel } from '../models/model.js';
import { loadLayersModel } from '../io/model-load.js';
import { writeFileAtomic } from '../io/atomic-write.js';

/** What a run was started with; a resumed run takes these from the checkpoint. */
export interface RunSettings {
  /** The model.json the run started from, or null for LeNet-5. */
  model: string | null;
  /** The .npz the data came from, or null for MNIST. */
  data: string | null;
  epochs: number;
  batchSize: number;
  limit: number | null;
  seed: number;
}

/** Where the training loop is: enough to continue it and end exactly as an uninterrupted run. */
export interface LoopState {
  /** The epoch in progress (0-based); equals settings.epochs when training is over. */
  epoch: number;
  /** The next batch of that epoch (0 at an epoch boundary). */
  batch: number;
  /** The random generator's state at the start of `epoch`, before its shuffle was drawn. */
  epochRng: RandomStateSnapshot;
  /** Running sums of the epoch in progress, for its mean loss and accuracy. */
  sums: { loss: number; acc: number; seen: number };
  /** Seconds spent in the epoch in progress so far. */
  epochElapsed: number;
  /** Per completed epoch: loss, acc, val_loss, val_acc. */
  history: Record<string, number[]>;
  /** Per completed epoch: wall-clock seconds. */
  epochSeconds: number[];
}

export interface CheckpointFile {
  version: 1;
  settings: RunSettings;
  state: LoopState;
  savedAt: string;
}

const POINTER = 'checkpoint.json';
const CHECKPOINTS = 'checkpoints';
const STATE = 'state.json';

export async function writeCheckpoint(outDir: string, model: LayersModel, settings: RunSettings, state: LoopState): Promise<string> {
  const name = `epoch${state.epoch}-batch${state.batch}-${randomBytes(4).toString('hex')}`;
  const dir = path.join(outDir, CHECKPOINTS, name);
  await model.save(dir, { includeOptimizer: true });
  const file: CheckpointFile = { version: 1, settings, state, savedAt: new Date().toISOString() };
  await writeFileAtomic(path.join(dir, STATE), new TextEncoder().encode(JSON.stringify(file)));
  await writeFileAtomic(path.join(outDir, POINTER), new TextEncoder().encode(JSON.stringify({ path: `${CHECKPOINTS}/${name}` }) + '\n'));
  // Only now is the old checkpoint unneeded.
  for (const old of fs.readdirSync(path.join(outDir, CHECKPOINTS))) {
    if (old !== name) fs.rmSync(path.join(outDir, CHECKPOINTS, old), { recursive: true, force: true });
  }
  return dir;
}

export function hasCheckpoint(outDir: string): boolean {
  return fs.existsSync(path.join(outDir, POINTER));
}

/** The current checkpoint of a run directory: its model (compiled, with optimizer state) and loop state. */
export async function readCheckpoint(outDir: string): Promise<{ model: LayersModel; file: CheckpointFile; dir: string }> {
  if (!fs.existsSync(outDir)) throw new Error(`--resume: no such directory ${outDir}`);
  const pointerPath = path.join(outDir, POINTER);
  if (!fs.existsSync(pointerPath)) throw new Error(`--resume: ${outDir} has no ${POINTER}; it is not the output directory of a convnet train run`);
  let rel: unknown;
  try {
    rel = JSON.parse(fs.readFileSync(pointerPath, 'utf8')).path;
  } catch (e) {
    throw new Error(`--resume: cannot read ${pointerPath}: ${(e as Error).message}`);
  }
  if (typeof rel !== 'string' || !rel.startsWith(`${CHECKPOINTS}/`) || rel.includes('..')) throw new Error(`--resume: ${pointerPath} does not name a checkpoint`);
  const dir = path.join(outDir, rel);
  let file: CheckpointFile;
  try {
    file = JSON.parse(fs.readFileSync(path.join(dir, STATE), 'utf8'));
  } catch (e) {
    throw new Error(`--resume: cannot read the checkpoint state ${path.join(dir, STATE)}: ${(e as Error).message}`);
  }
  if (file?.version !== 1 || !file.settings || !file.state) throw new Error(`--resume: ${path.join(dir, STATE)} is not a convnet checkpoint (version 1)`);
  const model = await loadLayersModel(dir);
  if (model.compiled === null) throw new Error(`--resume: the checkpoint model in ${dir} has no training configuration`);
  return { model, file, dir };
}
