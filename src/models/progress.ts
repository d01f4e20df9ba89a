/**
 * Keras 2.2's progress display (ProgbarLogger + Progbar), as a callback:
 *   Epoch 1/5
 *   50000/50000 [==============================] - 3s 60us/step - loss: 0.1947 - acc: 0.9397 - val_loss: 0.0723 - val_acc: 0.9797
 * verbose 1 on a terminal redraws the bar in place (\r) at most 10 times a second; verbose 1 elsewhere
 * (CI logs, pipes) prints only the finished line of each epoch; verbose 2 prints ` - 3s - loss: …` per epoch.
 * "step" is a sample, as in Keras 2.2's fit on arrays.
 */
import type { Callback, Logs } from './callbacks.js';

/** Where progress goes: process.stdout by default. */
export interface ProgressSink { write(s: string): unknown; isTTY?: boolean }

const BAR_WIDTH = 30;
const REDRAW_MS = 100;

/** Python's '%.4e' (two-digit exponent at least). */
function pyExp(v: number): string {
  return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Keras' value format: 4 decimals, scientific when tiny. */
export function formatValue(v: number): string {
  return Math.abs(v) > 1e-3 ? v.toFixed(4) : pyExp(v);
}

/** The bar `  320/50000 [>.............................]`. */
export function formatBar(current: number, target: number): string {
  const digits = String(target).length;
  const width = Math.floor((BAR_WIDTH * current) / target);
  let bar = `${String(current).padStart(digits)}/${target} [`;
  if (width > 0) bar += '='.repeat(width - 1) + (current < target ? '>' : '=');
  bar += '.'.repeat(BAR_WIDTH - width) + ']';
  return bar;
}

/** ' 60us/step' from seconds per sample. */
export function formatPerStep(secondsPerStep: number): string {
  if (secondsPerStep >= 1) return ` ${secondsPerStep.toFixed(0)}s/step`;
  if (secondsPerStep >= 1e-3) return ` ${(secondsPerStep * 1e3).toFixed(0)}ms/step`;
  return ` ${(secondsPerStep * 1e6).toFixed(0)}us/step`;
}

function formatEta(seconds: number): string {
  const s = Math.floor(seconds);
  if (s > 3600) return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  if (s > 60) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${s}s`;
}

function formatLogs(logs: Logs, keys: readonly string[]): string {
  let s = '';
  for (const k of keys) if (logs[k] !== undefined) s += ` - ${k}: ${formatValue(logs[k])}`;
  return s;
}

/** Node's stdout; in a browser (no process), the console, one call per finished line. */
function defaultSink(): ProgressSink {
  const stdout = (globalThis as { process?: { stdout?: ProgressSink } }).process?.stdout;
  if (stdout) return stdout;
  let pending = '';
  return {
    write(text: string) {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) console.log(line);
      return true;
    },
  };
}

export class ProgressLogger implements Callback {
  private readonly sink: ProgressSink;
  private readonly dynamic: boolean;
  private epochStart = 0;
  private lastDraw = 0;
  private seen = 0;
  private lastLength = 0;
  private sums: Record<string, number> = {};

  /** `target` is the number of training samples per epoch. */
  constructor(private readonly verbose: 1 | 2, private readonly epochs: number, private readonly target: number, sink?: ProgressSink) {
    this.sink = sink ?? defaultSink();
    this.dynamic = verbose === 1 && this.sink.isTTY === true;
  }

  onEpochBegin(epoch: number): void {
    this.sink.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
    this.epochStart = performance.now();
    this.lastDraw = 0;
    this.seen = 0;
    this.lastLength = 0;
    this.sums = {};
  }

  onBatchEnd(_batch: number, logs: Logs): void {
    const size = logs.size;
    this.seen += size;
    for (const [k, v] of Object.entries(logs)) if (k !== 'batch' && k !== 'size') this.sums[k] = (this.sums[k] ?? 0) + v * size;
    if (!this.dynamic || this.seen >= this.target) return;
    const now = performance.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    const perStep = (now - this.epochStart) / 1000 / this.seen;
    const averages: Logs = {};
    for (const [k, v] of Object.entries(this.sums)) averages[k] = v / this.seen;
    const line = `${formatBar(this.seen, this.target)} - ETA: ${formatEta(perStep * (this.target - this.seen))}${formatLogs(averages, Object.keys(averages))}`;
    this.sink.write('\r' + line.padEnd(this.lastLength));
    this.lastLength = line.length;
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    const seconds = (performance.now() - this.epochStart) / 1000;
    const keys = Object.keys(logs);
    if (this.verbose === 2) {
      this.sink.write(` - ${seconds.toFixed(0)}s${formatLogs(logs, keys)}\n`);
      return;
    }
    const line = `${formatBar(this.target, this.target)} - ${seconds.toFixed(0)}s${formatPerStep(seconds / Math.max(1, this.target))}${formatLogs(logs, keys)}`;
    this.sink.write(this.dynamic ? '\r' + line.padEnd(this.lastLength) + '\n' : line + '\n');
  }
}
