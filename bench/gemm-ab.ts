// In-process A/B of the GEMMs a LeNet-5 training step makes for its dense layers (batch 32), at 1
// thread and then at 2: A = a git revision's GEMM (default HEAD) with that revision's split policy
// (baselineMatmul below), B = the working tree's GEMM through src/wasm/kernels.ts's matmul.
// Workers instantiate the runtime's module, so both GEMMs must live in ONE module: it is built from
// the working tree's assembly/ plus the revision's assembly/gemm.ts, and its `gemm` pool entry
// dispatches on a flag in parameter slot FLAG_SLOT (0: A, 1: B). Threads change once, between the
// two phases (never per round: a new worker would start on unoptimised code).
// Prints median µs per call, A/B (the median of paired per-round ratios; > 1: B is faster), max |A - B|,
// and the sum over the 9 shapes (what a training step pays).
// Run: node --no-liftoff dist/bench/gemm-ab.js [git-rev] [--threads=1|2|both] [--a-policy=tree]
// (--a-policy=tree: A's kernel under the working tree's split, for A revisions whose gemm already
// takes the column-split flag in slot 9.)
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wasm from '../src/wasm/kernels.js';
import { getThreads, parallelFor, setThreads, whenReady } from '../src/wasm/pool.js';
import { wasmAlloc } from '../src/wasm/heap.js';
import { getRuntime } from '../src/wasm/runtime.js';
import { moduleImports, type KernelExports } from '../src/wasm/kernel-names.js';
import { Staging, writeParams, writeParamSlots } from '../src/wasm/staging.js';
import type { KernelVariant } from '../src/platform/types.js';
import { buildKernels, interleaved } from './kernel-ab.js';

const FLAG_SLOT = 127;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const rev = args.find((a) => !a.startsWith('--')) ?? 'HEAD';
const threadsArg = args.find((a) => a.startsWith('--threads='))?.slice(10) ?? 'both';
const phases = threadsArg === 'both' ? [1, 2] : [Number(threadsArg)];
const treePolicy = args.includes('--a-policy=tree');

/** The working tree's kernels with `rev`'s gemm beside them, `gemm` dispatching on the flag slot. */
function buildCombined(variant: KernelVariant): Uint8Array<ArrayBuffer> {
  return buildKernels('working-tree', variant, (dir) => {
    writeFileSync(path.join(dir, 'gemm-base.ts'), execSync(`git show ${rev}:assembly/gemm.ts`, { cwd: root }));
    const indexFile = path.join(dir, 'index.ts');
    const index = readFileSync(indexFile, 'utf8');
    if (!/export \{ gemm, /.test(index)) throw new Error('assembly/index.ts: expected "export { gemm, ..." to rewrite');
    writeFileSync(indexFile, `${index.replace(/export \{ gemm, /, 'export { ')}
import { gemm as gemmNew } from './gemm';
import { gemm as gemmBase, gemmScratchFloats as scratchBase } from './gemm-base';
export function gemm(params: usize, begin: i32, end: i32, scratch: usize): void {
  if (load<i32>(params + ${FLAG_SLOT * 4}) != 0) gemmNew(params, begin, end, scratch);
  else gemmBase(params, begin, end, scratch);
}
export function gemmScratchFloatsBase(n: i32): i32 { return scratchBase(n); }
`);
  });
}

// Install the combined module as the runtime's before any worker starts (workers instantiate rt.module).
setThreads(1);
const rt = getRuntime();
const combinedModule = new WebAssembly.Module(buildCombined(rt.variant));
const combined = new WebAssembly.Instance(combinedModule, moduleImports(rt.memory)).exports as unknown as KernelExports & { gemmScratchFloatsBase(n: number): number };
Object.assign(rt as object, { module: combinedModule, exports: combined });

/**
 * HEAD 7642850's matmul (rows of C, pieces of ≥ 64 rows, serial under 3e5 flops), with the same
 * staging as src/wasm/kernels.ts so both sides pay the same JavaScript per call.
 */
function baselineMatmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean, acc: boolean): void {
  writeParamSlots(FLAG_SLOT, [0]);
  const s = new Staging();
  let ok = false;
  try {
    const pa = s.input(a, m * k), pb = s.input(b, k * n);
    const pc = acc ? s.inout(c, m * n) : s.output(c, m * n);
    // Slot 9 = 0: rows (a revision whose gemm reads a column-split flag there must not see B's).
    const params = writeParams([pa, pb, pc, m, k, n, +transA, +transB, +acc, 0]);
    const piecesPerThread = Math.max(1, Math.min(4, Math.floor(m / (getThreads() * 64))));
    parallelFor('gemm', params, m, { cost: 2 * m * n * k, serialBelow: 3e5, align: 4, scratchFloats: combined.gemmScratchFloatsBase(n), piecesPerThread });
    ok = true;
  } finally {
    s.finish(ok);
  }
}

/** A's kernel under the working tree's split policy (--a-policy=tree: for kernel-only changes against a revision that already has it). */
function baselineKernelTreePolicy(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean, acc: boolean): void {
  writeParamSlots(FLAG_SLOT, [0]);
  wasm.matmul(a, b, c, m, k, n, transA, transB, acc);
}

function newMatmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean, acc: boolean): void {
  writeParamSlots(FLAG_SLOT, [1]);
  wasm.matmul(a, b, c, m, k, n, transA, transB, acc);
}

const filled = (n: number, seed: number) => { const a = wasmAlloc(n); let s = seed; for (let i = 0; i < n; i++) { s = (s * 16807) % 2147483647; a[i] = s / 2147483647 - 0.5; } return a; };

interface Shape { name: string; m: number; k: number; n: number; transA: boolean; transB: boolean }
const shapes: Shape[] = [
  { name: 'fwd 32x400x120', m: 32, k: 400, n: 120, transA: false, transB: false },
  { name: 'fwd 32x120x84', m: 32, k: 120, n: 84, transA: false, transB: false },
  { name: 'fwd 32x84x10', m: 32, k: 84, n: 10, transA: false, transB: false },
  { name: 'dW 400x32x120', m: 400, k: 32, n: 120, transA: true, transB: false },
  { name: 'dW 120x32x84', m: 120, k: 32, n: 84, transA: true, transB: false },
  { name: 'dW 84x32x10', m: 84, k: 32, n: 10, transA: true, transB: false },
  { name: 'dx 32x120x400', m: 32, k: 120, n: 400, transA: false, transB: true },
  { name: 'dx 32x84x120', m: 32, k: 84, n: 120, transA: false, transB: true },
  { name: 'dx 32x10x84', m: 32, k: 10, n: 84, transA: false, transB: true },
];
const buffers = shapes.map((s, i) => ({
  a: filled(s.m * s.k, 11 + i), b: filled(s.k * s.n, 31 + i), ca: filled(s.m * s.n, 1), cb: filled(s.m * s.n, 2),
}));

console.log(`variant ${rt.variant}; A = gemm of ${rev} with ${treePolicy ? "the working tree's" : "7642850's row"} split, B = working tree`);
for (const threads of phases) {
  setThreads(threads);
  const ready = await whenReady();
  console.log(`\n${threads} thread(s), ${ready} worker(s) ready`);
  let sumA = 0, sumB = 0;
  for (let i = 0; i < shapes.length; i++) {
    const { name, m, k, n, transA, transB } = shapes[i];
    const { a, b, ca, cb } = buffers[i];
    const runA = () => (treePolicy ? baselineKernelTreePolicy : baselineMatmul)(a, b, ca, m, k, n, transA, transB, false);
    const runB = () => newMatmul(a, b, cb, m, k, n, transA, transB, false);
    runA(); runB();
    let diff = 0, scale = 0;
    for (let j = 0; j < ca.length; j++) { diff = Math.max(diff, Math.abs(ca[j] - cb[j])); scale = Math.max(scale, Math.abs(ca[j])); }
    // Rounds of 5 calls: other processes load this 2-core machine in bursts (rounds of 20 read 0.55-1.6 A/A at 2 threads).
    const t = interleaved(runA, runB, { calls: 5, rounds: 120 });
    sumA += t.a; sumB += t.b;
    const gflops = (us: number) => ((2 * m * k * n) / us / 1e3).toFixed(1);
    console.log(`${name.padEnd(15)} A ${t.a.toFixed(1).padStart(6)} µs (${gflops(t.a).padStart(4)} GFLOP/s)  B ${t.b.toFixed(1).padStart(6)} µs (${gflops(t.b).padStart(4)})  A/B ${t.ratio.toFixed(3)}  max|A-B| ${diff.toExponential(1)} of ${scale.toFixed(1)}`);
  }
  console.log(`sum of 9         A ${sumA.toFixed(1).padStart(6)} µs  B ${sumB.toFixed(1).padStart(6)} µs  A/B ${(sumA / sumB).toFixed(3)}`);
}
process.exit(0);
