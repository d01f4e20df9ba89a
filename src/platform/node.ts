/** The platform under Node: worker_threads, node:zlib, the .wasm files next to the build. */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { deflateRawSync, inflateRawSync, deflateSync, inflateSync } from 'node:zlib';
import type { WorkerInit } from '../wasm/pool-protocol.js';
import { makeDirs, probeWritableDirSync, writeFileAtomic, writeFileAtomicSync } from '../io/atomic-write.js';
import type { FileAccess, KernelVariant, Platform, PoolWorkerHandle } from './types.js';

/** dist/src/platform/node.js → dist/wasm/ */
const WASM_DIR = new URL('../../wasm/', import.meta.url);
const WASM_FILES: Record<KernelVariant, string> = { 'relaxed-simd': 'kernels-relaxed.wasm', simd: 'kernels-simd.wasm' };

/**
 * The parent's Node flags minus those about the main script (-e/--eval/-p/--print and its code,
 * --input-type, --test…): a worker inheriting `--input-type` refuses to start.
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (['-e', '--eval', '-p', '--print'].includes(arg)) { i++; continue; }
    if (/^--(eval|print|input-type|test)/.test(arg)) continue;
    out.push(arg);
  }
  return out;
}

const WORKER_URL = new URL('../wasm/worker-node.js', import.meta.url);

/**
 * A worker with the parent's flags where a worker accepts them. Node refuses some in a worker's execArgv
 * (V8 and per-process ones such as --expose-gc or --max-old-space-size: ERR_WORKER_INVALID_EXEC_ARGV,
 * naming them); V8 flags are process-wide anyway, so those are dropped and the worker started again.
 */
function newWorker(init: WorkerInit): Worker {
  let execArgv = workerExecArgv();
  try {
    return new Worker(WORKER_URL, { workerData: init, execArgv });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    const refused = new Set(err.message.slice(err.message.indexOf(':') + 1).split(',').map((f) => f.trim()));
    execArgv = execArgv.filter((flag) => !refused.has(flag));
    return new Worker(WORKER_URL, { workerData: init, execArgv });
  }
}

function spawnPoolWorker(init: WorkerInit): PoolWorkerHandle {
  const worker = newWorker(init);
  // Workers never keep the process alive.
  worker.unref();
  return {
    onError(listener) {
      worker.on('error', listener);
    },
    onExit(listener) {
      worker.once('exit', () => listener());
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

const files: FileAccess = {
  readFile: (p) => fs.promises.readFile(p),
  readFileSync: (p) => fs.readFileSync(p),
  writeFileAtomic,
  writeFileAtomicSync,
  // Not mkdirSync(recursive): under /proc it never returns on Node 20; makeDirs goes a level at a time.
  mkdirs: makeDirs,
  probeWritable: probeWritableDirSync,
  join: (...parts) => path.join(...parts),
  dirname: (p) => path.dirname(p),
};

export const platform: Platform = {
  name: 'node',
  defaultThreads: () => availableParallelism(),
  canBlock: () => true,
  spawnPoolWorker,
  files,
  // CONVNET_WASM_SIMD=plain keeps the plain-SIMD build (benchmarks compare the two).
  wantRelaxedSimd: () => process.env.CONVNET_WASM_SIMD !== 'plain',
  /**
   * Node 20's V8 (11.3) implements relaxed SIMD but keeps it behind --experimental-wasm-relaxed-simd
   * (V8 11.4+ ships it on). The flag only gates validation of the new opcodes, so turning it on at run
   * time is safe, and fused multiply-add makes the GEMM ~40% faster here (28 -> 40 GFLOP/s on 512³).
   */
  enableRelaxedSimd() {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    return true;
  },
  kernelBytes(variant) {
    const file = fileURLToPath(new URL(WASM_FILES[variant], WASM_DIR));
    return fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : null;
  },
  deflateRaw: (data) => deflateRawSync(data),
  // maxOutputLength must be >= 1; an empty stream inflates to 0 bytes regardless.
  inflateRaw: (data, maxBytes) => inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) }),
  zlibDeflate: (data) => deflateSync(data),
  zlibInflate: (data, maxBytes) => inflateSync(data, { maxOutputLength: Math.max(1, maxBytes) }),
};
