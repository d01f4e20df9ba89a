/**
 * Training callbacks (Keras / TensorFlow.js): objects with optional hooks, called in the order given.
 * A hook may return a Promise; fit waits for it. `setModel` is called once before training.
 */
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape-util.js';
import { checkOptions } from './options.js';
import { platform } from '#platform';
import { storeKind } from '../io/model-stores.js';

export type Logs = Record<string, number>;

/** What a callback may do with the model being trained. */
export interface TrainedModel {
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(weights: Tensor[]): void;
  save(dir: string, options?: { includeOptimizer?: boolean }): Promise<void>;
}

export interface Callback {
  setModel?(model: TrainedModel): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
}

const HOOKS = ['setModel', 'onTrainBegin', 'onEpochBegin', 'onBatchBegin', 'onBatchEnd', 'onEpochEnd', 'onTrainEnd'];

export function checkCallbacks(v: unknown): Callback[] {
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  list.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object') throw new Error(`callbacks: expected objects with hooks (${HOOKS.join(', ')}), got ${describe(cb)} at index ${i}`);
    const hooks = Object.keys(cb).concat(Object.getOwnPropertyNames(Object.getPrototypeOf(cb)));
    for (const key of hooks) {
      if (/^on[A-Z]/.test(key) && !HOOKS.includes(key)) {
        throw new Error(`callbacks: unknown hook '${key}' at index ${i}; valid hooks are ${HOOKS.join(', ')}`);
      }
      if (HOOKS.includes(key) && typeof (cb as Record<string, unknown>)[key] !== 'function') {
        throw new Error(`callbacks: '${key}' at index ${i} must be a function, got ${describe((cb as Record<string, unknown>)[key])}`);
      }
    }
  });
  return list as Callback[];
}

/** Runs one hook on every callback, in order, awaiting only the hooks that return a Promise. */
export async function runHook(callbacks: readonly Callback[], hook: 'onEpochBegin' | 'onBatchBegin' | 'onBatchEnd' | 'onEpochEnd', index: number, logs: Logs): Promise<void>;
export async function runHook(callbacks: readonly Callback[], hook: 'onTrainBegin' | 'onTrainEnd', logs: Logs): Promise<void>;
export async function runHook(callbacks: readonly Callback[], hook: keyof Callback, a: number | Logs, b?: Logs): Promise<void> {
  for (const cb of callbacks) {
    const fn = cb[hook] as ((...args: unknown[]) => unknown) | undefined;
    if (!fn) continue;
    const r = b === undefined ? fn.call(cb, a) : fn.call(cb, a, b);
    if (r instanceof Promise) await r;
  }
}

type Mode = 'auto' | 'min' | 'max';

/** Keras' rule: a monitored quantity improves downwards unless its name says accuracy, or the mode says so. */
function improvesUpwards(monitor: string, mode: Mode): boolean {
  if (mode === 'max') return true;
  if (mode === 'min') return false;
  return /acc/.test(monitor);
}

function checkMode(v: unknown): Mode {
  const mode = v ?? 'auto';
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new Error(`mode: expected 'auto', 'min' or 'max', got ${describe(v)}`);
  return mode;
}

function checkMonitor(v: unknown): string {
  const monitor = v ?? 'val_loss';
  if (typeof monitor !== 'string' || monitor === '') throw new Error(`monitor: expected a log name like 'val_loss', got ${describe(v)}`);
  return monitor;
}

export interface EarlyStoppingArgs {
  monitor?: string; minDelta?: number; patience?: number; mode?: Mode; baseline?: number; restoreBestWeights?: boolean; verbose?: number;
}

/** Stops training when `monitor` has not improved by more than `minDelta` for `patience` epochs. */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  readonly verbose: number;
  private readonly upwards: boolean;
  private readonly baseline: number | undefined;
  private model: TrainedModel | null = null;
  private best = 0;
  private wait = 0;
  private bestWeights: Tensor[] | null = null;
  /** The epoch training stopped at (0 when it ran to the end). */
  stoppedEpoch = 0;

  constructor(args: EarlyStoppingArgs = {}) {
    checkOptions('args', args, ['monitor', 'minDelta', 'patience', 'mode', 'baseline', 'restoreBestWeights', 'verbose']);
    this.monitor = checkMonitor(args.monitor);
    const minDelta = args.minDelta ?? 0;
    if (typeof minDelta !== 'number' || !(minDelta >= 0)) throw new Error(`minDelta: expected a number >= 0, got ${describe(args.minDelta)}`);
    const patience = args.patience ?? 0;
    if (!Number.isInteger(patience) || patience < 0) throw new Error(`patience: expected an integer >= 0, got ${describe(args.patience)}`);
    this.minDelta = minDelta;
    this.patience = patience;
    this.upwards = improvesUpwards(this.monitor, checkMode(args.mode));
    if (args.baseline !== undefined && (typeof args.baseline !== 'number' || Number.isNaN(args.baseline))) {
      throw new Error(`baseline: expected a number, got ${describe(args.baseline)}`);
    }
    this.baseline = args.baseline;
    this.restoreBestWeights = booleanArg('restoreBestWeights', args.restoreBestWeights);
    this.verbose = args.verbose ?? 0;
    if (this.verbose !== 0 && this.verbose !== 1) throw new Error(`verbose: expected 0 or 1, got ${describe(args.verbose)}`);
  }

  setModel(model: TrainedModel): void { this.model = model; }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.bestWeights = null;
    this.best = this.baseline ?? (this.upwards ? -Infinity : Infinity);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = logs[this.monitor];
    if (current === undefined) {
      throw new Error(`monitor: earlyStopping watches '${this.monitor}', which is not in the logs (${Object.keys(logs).join(', ')})`);
    }
    const improved = this.upwards ? current - this.minDelta > this.best : current + this.minDelta < this.best;
    if (improved) {
      this.best = current;
      this.wait = 0;
      if (this.restoreBestWeights && this.model) this.bestWeights = this.model.getWeights();
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      if (this.model) {
        this.model.stopTraining = true;
        if (this.restoreBestWeights && this.bestWeights) this.model.setWeights(this.bestWeights);
      }
      if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: early stopping`);
    }
  }
}

export interface ModelCheckpointArgs { monitor?: string; saveBestOnly?: boolean; mode?: Mode; includeOptimizer?: boolean; verbose?: number }

/**
 * Saves the model to `dir` after every epoch, or only when `monitor` improved (saveBestOnly).
 * `{epoch}` in dir is replaced by the 1-based epoch number, so each epoch can get its own directory.
 */
export class ModelCheckpoint implements Callback {
  readonly dir: string;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly includeOptimizer: boolean;
  readonly verbose: number;
  private readonly upwards: boolean;
  private model: TrainedModel | null = null;
  private best = 0;
  /** Directories written so far, in order. */
  readonly saved: string[] = [];

  constructor(dir: string, args: ModelCheckpointArgs = {}) {
    if (typeof dir !== 'string' || dir === '') throw new Error(`dir: expected a directory path, got ${describe(dir)}`);
    checkOptions('args', args, ['monitor', 'saveBestOnly', 'mode', 'includeOptimizer', 'verbose']);
    this.dir = dir;
    this.monitor = checkMonitor(args.monitor);
    this.saveBestOnly = booleanArg('saveBestOnly', args.saveBestOnly);
    this.includeOptimizer = booleanArg('includeOptimizer', args.includeOptimizer);
    this.verbose = args.verbose ?? 0;
    if (this.verbose !== 0 && this.verbose !== 1) throw new Error(`verbose: expected 0 or 1, got ${describe(args.verbose)}`);
    this.upwards = improvesUpwards(this.monitor, checkMode(args.mode));
  }

  setModel(model: TrainedModel): void { this.model = model; }
  onTrainBegin(): void {
    this.best = this.upwards ? -Infinity : Infinity;
    this.probeTarget();
  }

  /**
   * A read-only or full target is an Error now, not after the first epoch: write as many bytes as a
   * checkpoint takes (weights, and Adam's two moments with includeOptimizer) and remove them.
   */
  private probeTarget(): void {
    if (!this.model || storeKind(this.dir) !== 'files' || !platform.files) return;
    const fs = platform.files;
    // With {epoch} in the path the per-epoch directories do not exist yet: probe where they will go.
    const dir = this.dir.includes('{epoch}') ? fs.dirname(this.dir.replace(/\{epoch\}/g, '1')) : this.dir;
    const floats = this.model.getWeights().reduce((n, w) => n + w.size, 0);
    fs.probeWritable(dir, floats * 4 * (this.includeOptimizer ? 3 : 1), 'dir');
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    if (!this.model) return;
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        throw new Error(`monitor: modelCheckpoint watches '${this.monitor}', which is not in the logs (${Object.keys(logs).join(', ')})`);
      }
      if (!(this.upwards ? current > this.best : current < this.best)) return;
      this.best = current;
    }
    const dir = this.dir.replace(/\{epoch\}/g, String(epoch + 1));
    assertFiniteWeights(this.model, epoch, dir);
    await this.model.save(dir, { includeOptimizer: this.includeOptimizer });
    this.saved.push(dir);
    if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: saved the model to ${dir}`);
  }
}

function booleanArg(arg: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new Error(`${arg}: expected true or false, got ${describe(v)}`);
  return v;
}

/** A checkpoint never replaces good weights with NaN or Infinity (a diverged model is worth nothing). */
function assertFiniteWeights(model: TrainedModel, epoch: number, dir: string): void {
  const weights = model.getWeights();
  for (let w = 0; w < weights.length; w++) {
    const data = weights[w].data;
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new Error(`weights: weight ${w} holds ${data[i]} at index ${i} after epoch ${epoch + 1}; modelCheckpoint did not save to ${dir} (the last good checkpoint is kept)`);
      }
    }
  }
}

export const earlyStopping = (args?: EarlyStoppingArgs): EarlyStopping => new EarlyStopping(args);
export const modelCheckpoint = (dir: string, args?: ModelCheckpointArgs): ModelCheckpoint => new ModelCheckpoint(dir, args);
