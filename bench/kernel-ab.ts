/**
 * Shared by the in-process A/B benches of the wasm kernels (conv-ab.ts, pool-ab.ts). On this shared
 * machine a kernel's speed moves by up to 40% between runs, so old and new are timed alternately in
 * one process on the same buffers: A is the kernels of a git revision (or any assembly/ copy), built
 * by scripts/build-wasm.mjs with the project's own flags, B the working tree's.
 */
import { execFileSync, execSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KernelVariant } from '../src/platform/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The kernel module of `source` (a git revision, or 'working-tree') as bytes, built in a temporary
 * directory. `customize` edits that copy of assembly/ first: a string is appended to its index.ts (to
 * reach functions the module keeps internal), a function gets the directory. The relaxed build falls
 * back to plain SIMD where asc cannot emit it.
 */
export function buildKernels(source: string, variant: KernelVariant, customize: string | ((assemblyDir: string) => void) = ''): Uint8Array<ArrayBuffer> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'kernel-ab-'));
  try {
    if (source === 'working-tree') cpSync(path.join(root, 'assembly'), path.join(tmp, 'assembly'), { recursive: true });
    else execSync(`git archive ${source} assembly | tar -x -C ${tmp}`, { cwd: root });
    if (typeof customize === 'function') customize(path.join(tmp, 'assembly'));
    else if (customize) appendFileSync(path.join(tmp, 'assembly', 'index.ts'), `\n${customize}\n`);
    mkdirSync(path.join(tmp, 'out'));
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build-wasm.mjs'), '--assembly', path.join(tmp, 'assembly'), '--out', path.join(tmp, 'out')], { stdio: 'inherit' });
    const file = (name: string) => path.join(tmp, 'out', name);
    try {
      return new Uint8Array(readFileSync(variant === 'relaxed-simd' ? file('kernels-relaxed.wasm') : file('kernels-simd.wasm')));
    } catch {
      return new Uint8Array(readFileSync(file('kernels-simd.wasm')));
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const median = (v: number[]) => { const s = [...v].sort((p, q) => p - q); return s[s.length >> 1]; };

/**
 * Median µs per call of a and of b, and the median of their per-round ratio (a / b): 100 warm-up
 * calls of each (V8 starts wasm in its baseline compiler and tiers hot functions up at moments that
 * differ between two modules), then `rounds` rounds of `calls` calls of each, their order alternating
 * (ABBA), so a burst of load from other processes hits both sides of the round it lands in. Short
 * rounds (e.g. 120 of 5) resist bursts better when the machine is busy.
 */
export function interleaved(a: () => void, b: () => void, { calls = 20, rounds = 20 } = {}): { a: number; b: number; ratio: number } {
  for (let i = 0; i < 100; i++) { a(); b(); }
  const block = (f: () => void) => { const t0 = performance.now(); for (let i = 0; i < calls; i++) f(); return (performance.now() - t0) * 1000 / calls; };
  const ta: number[] = [], tb: number[] = [], ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let x: number, y: number;
    if (round % 2 === 0) { x = block(a); y = block(b); } else { y = block(b); x = block(a); }
    ta.push(x); tb.push(y); ratios.push(x / y);
  }
  return { a: median(ta), b: median(tb), ratio: median(ratios) };
}
