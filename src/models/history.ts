/** What fit() returns: the epochs run and each logged value per epoch (Keras 2.2 names: loss, acc, val_loss, val_acc). */
import type { Logs } from './callbacks.js';

export class History {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  /** The fit parameters (epochs, samples, batchSize, …), as Keras' History.params. */
  params: Record<string, unknown> = {};

  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}
