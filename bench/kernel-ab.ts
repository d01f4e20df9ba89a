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
 * directory; `extraExports` is appended to its assembly/index.ts (to reach functions the module keeps
 * internal). The relaxed build falls back to plain SIMD where asc cannot emit it.
 */
export function buildKernels(source: string, variant: KernelVariant, extraExports = ''): Uint8Array<ArrayBuffer> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'kernel-ab-'));
  try {
    if (source === 'working-tree') cpSync(path.join(root, 'assembly'), path.join(tmp, 'assembly'), { recursive: true });
    else execSync(`git archive ${source} assembly | tar -x -C ${tmp}`, { cwd: root });
    if (extraExports) appendFileSync(path.join(tmp, 'assembly', 'index.ts'), `\n${extraExports}\n`);
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
 * Median µs per call of a and of b: 100 warm-up calls of each (V8 starts wasm in its baseline compiler
 * and tiers hot functions up at moments that differ between two modules), then 20 rounds of 20 calls
 * of a and 20 of b.
 */
export function interleaved(a: () => void, b: () => void): { a: number; b: number } {
  for (let i = 0; i < 100; i++) { a(); b(); }
  const ta: number[] = [], tb: number[] = [];
  for (let round = 0; round < 20; round++) {
    let t0 = performance.now();
    for (let i = 0; i < 20; i++) a();
    ta.push((performance.now() - t0) * 1000 / 20);
    t0 = performance.now();
    for (let i = 0; i < 20; i++) b();
    tb.push((performance.now() - t0) * 1000 / 20);
  }
  return { a: median(ta), b: median(tb) };
}
