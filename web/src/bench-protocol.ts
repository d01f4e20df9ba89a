/** Messages between the bench page and a bench worker (one worker per engine). */

export type Engine = 'convnet-wasm' | 'convnet-reference' | 'tfjs-wasm' | 'tfjs-webgl' | 'tfjs-cpu';

export interface BenchRequest {
  engine: Engine;
  label: string;
  threads: number;
  dataUrl: string;
  /** Untimed steps first (plan compilation, JIT, shader compilation). */
  warmup: number;
  /** Timed steps: at least this many, and at least `minMs` of them. */
  steps: number;
  minMs: number;
}

export interface BenchResult {
  engine: Engine;
  label: string;
  /** null when the engine could not run here (then `error` says why). */
  msPerStep: number | null;
  steps: number;
  detail: string;
  error?: string;
}
