// The worker pool: splitting, errors from a worker surfacing as Errors, a clean process exit with
// workers alive, the backend switch, and the resident-buffer allocator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  splitWork, runChunks, setThreads, getThreads, threadScratch, whenReady, injectWorkerFault, setWorkerTimeout, readyWorkers,
  retiredWorkerCount,
} from '../src/wasm/pool.js';
import { writeParams } from '../src/wasm/staging.js';
import { wasmAlloc, wasmFree, allocatedBytes } from '../src/wasm/heap.js';
import { isResident, getRuntime } from '../src/wasm/runtime.js';
import { wasmAvailable, setBackend, getBackend, kernels } from '../src/kernels/backend.js';

const skip = wasmAvailable() ? false : 'wasm module not built or no WebAssembly SIMD here';

test('splitWork covers [0, total) in aligned, contiguous chunks', () => {
  assert.deepEqual(splitWork(10, 2), [0, 5, 10]);
  assert.deepEqual(splitWork(10, 3, 4), [0, 4, 8, 10]);
  assert.deepEqual(splitWork(3, 8), [0, 1, 2, 3]);
  assert.deepEqual(splitWork(0, 2), [0, 0]);
  for (const [total, parts, align] of [[101, 2, 4], [7, 5, 1], [64, 2, 4]]) {
    const bounds = splitWork(total, parts, align);
    assert.equal(bounds[0], 0);
    assert.equal(bounds[bounds.length - 1], total);
    for (let i = 1; i < bounds.length - 1; i++) {
      assert.equal(bounds[i] % align, 0);
      assert.ok(bounds[i] >= bounds[i - 1]);
    }
  }
});

test('setThreads validates its argument', () => {
  assert.throws(() => setThreads(0), /^Error: n: expected an integer thread count/);
  assert.throws(() => setThreads(1.5), /^Error: n: expected/);
});

test('a trap inside a worker surfaces as an Error in the caller, and the pool keeps working', { skip }, async () => {
  setThreads(2);
  assert.equal(getThreads(), 2);
  assert.equal(await whenReady(), 1, 'one worker besides the calling thread');
  const pages = getRuntime().memory.buffer.byteLength;
  // A GEMM whose A lies past the end of memory: the worker's chunk traps (out of bounds).
  const bad = writeParams([pages + 4096, 1024, 1024, 8, 4, 4, 0, 0, 0]);
  const scratch = threadScratch(2, getRuntime().exports.gemmScratchFloats(4));
  // (The worker runs that chunk, or the caller takes it back first when the worker is slow to wake.)
  assert.throws(() => runChunks('gemm', bad, [0, 0, 8], scratch), /^Error: (wasm worker \d+: )?gemm: .*memory access out of bounds/);
  // The caller's own chunk failing is an Error too.
  assert.throws(() => runChunks('gemm', bad, [0, 8, 8], scratch), /gemm: .*out of bounds/);
  // And a call kept whole on the calling thread (one chunk: no hand-off at all).
  assert.throws(() => runChunks('gemm', bad, [0, 8], scratch), /^Error: gemm: .*out of bounds/);
  // Still usable afterwards.
  const a = wasmAlloc(8 * 4).fill(1), b = wasmAlloc(4 * 4).fill(2), c = wasmAlloc(8 * 4);
  runChunks('gemm', writeParams([a.byteOffset, b.byteOffset, c.byteOffset, 8, 4, 4, 0, 0, 0]), [0, 4, 8], scratch);
  assert.deepEqual(Array.from(c), new Array(32).fill(8));
  wasmFree(a); wasmFree(b); wasmFree(c);
});

test('thousands of back-to-back split calls all complete (hand-off has no lost wake-up)', { skip, timeout: 30000 }, async () => {
  const { setSerialThresholds, matmul } = await import('../src/wasm/kernels.js');
  setThreads(2);
  assert.equal(await whenReady(), 1);
  const previous = setSerialThresholds({ flops: 0, elements: 0 });
  try {
    const a = wasmAlloc(8 * 8).fill(1), b = wasmAlloc(8 * 8).fill(1), c = wasmAlloc(8 * 8);
    for (let i = 0; i < 5000; i++) {
      a[0] = i;
      matmul(a, b, c, 8, 8, 8, false, false, false);
      assert.equal(c[0], i + 7);
      assert.equal(c[63], 8);
    }
    wasmFree(a); wasmFree(b); wasmFree(c);
  } finally {
    setSerialThresholds(previous);
  }
});

test('the process exits promptly while pool workers are alive', { skip }, () => {
  const pool = new URL('../src/wasm/kernels.js', import.meta.url).href;
  const script = `
    const k = await import(${JSON.stringify(pool)});
    const p = await import(${JSON.stringify(new URL('../src/wasm/pool.js', import.meta.url).href)});
    p.setThreads(2);
    console.log('ready', await p.whenReady());
    k.setSerialThresholds({ flops: 0, elements: 0 });
    const c = new Float32Array(64 * 64);
    k.matmul(new Float32Array(64 * 64).fill(1), new Float32Array(64 * 64).fill(1), c, 64, 64, 64, false, false, false);
    console.log('result', c[0]);`;
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
  assert.equal(child.status, 0, `child failed: ${child.stderr}`);
  assert.match(child.stdout, /ready 1\nresult 64/);
  assert.ok(Date.now() - started < 15000, 'exit took too long');
});

test('wasmAlloc views are resident, zeroed, reused after free; staging leaves nothing behind', { skip }, () => {
  const before = allocatedBytes();
  const a = wasmAlloc(1000);
  assert.ok(isResident(a));
  assert.ok(!isResident(new Float32Array(4)));
  assert.equal(a.byteOffset % 64, 0);
  assert.ok(a.every((v) => v === 0));
  a.fill(3);
  const address = a.byteOffset;
  wasmFree(a);
  const b = wasmAlloc(1000);
  assert.equal(b.byteOffset, address, 'a freed block is reused');
  assert.ok(b.every((v) => v === 0));
  wasmFree(b);
  assert.throws(() => wasmAlloc(-1), /^Error: n: expected a non-negative integer/);
  // A big allocation grows memory; earlier views stay valid.
  const small = wasmAlloc(16).fill(7);
  const big = wasmAlloc(20 * 1024 * 1024);
  big[big.length - 1] = 1;
  assert.equal(small[15], 7);
  wasmFree(big); wasmFree(small);
  // Kernel calls with plain arrays copy through temporaries and free them.
  const steady = allocatedBytes();
  const c = new Float32Array(9);
  kernels().matmul(new Float32Array(9).fill(1), new Float32Array(9).fill(1), c, 3, 3, 3, false, false, false);
  assert.equal(allocatedBytes(), steady);
  assert.ok(allocatedBytes() - before < 1 << 20);
});

test('setBackend / getBackend switch the kernel set; float64 calls still work under wasm', { skip }, () => {
  assert.equal(getBackend(), 'wasm', 'wasm is the default where it is available');
  setBackend('reference');
  assert.equal(getBackend(), 'reference');
  assert.equal(kernels().name, 'reference');
  setBackend('wasm');
  assert.equal(kernels().name, 'wasm');
  const c = new Float64Array(4);
  kernels().matmul(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 0, 0, 1), c, 2, 2, 2, false, false, false);
  assert.deepEqual(Array.from(c), [1, 2, 3, 4]);
  assert.throws(() => setBackend('gpu' as never), /^Error: name: expected 'reference' or 'wasm', got "gpu"/);
});

/** A 2-way split 256³ GEMM of ones (each chunk a few ms, so a woken worker claims its chunk). */
async function splitGemm(): Promise<{ run: () => void; check: () => void; free: () => void }> {
  const { setSerialThresholds, matmul } = await import('../src/wasm/kernels.js');
  const n = 256;
  const a = wasmAlloc(n * n).fill(1), b = wasmAlloc(n * n).fill(1), c = wasmAlloc(n * n);
  const previous = setSerialThresholds({ flops: 0, elements: 0 });
  return {
    run: () => { c.fill(0); matmul(a, b, c, n, n, n, false, false, false); },
    check: () => { assert.equal(c[0], n); assert.equal(c[n * n - 1], n); assert.ok(c.every((v) => v === n)); },
    free: () => { setSerialThresholds(previous); wasmFree(a); wasmFree(b); wasmFree(c); },
  };
}

/** Runs `call` until it throws (a fault fires only once a worker claims a chunk); the Error. */
function firstError(call: () => void, attempts = 200): Error {
  for (let i = 0; i < attempts; i++) {
    try { call(); } catch (error) { return error as Error; }
  }
  assert.fail(`expected an Error within ${attempts} calls, got none`);
}

test('a worker whose thread exits while holding a chunk is an Error, not a hang; the pool replaces it', { skip, timeout: 30000 }, async () => {
  setThreads(2);
  assert.equal(await whenReady(), 1);
  const g = await splitGemm();
  try {
    const retired = retiredWorkerCount();
    assert.ok(injectWorkerFault(0, 'exit'));
    const started = Date.now();
    const error = firstError(g.run);
    assert.match(error.message, /^wasm worker \d+: its thread exited while running gemm; it was replaced/);
    assert.ok(Date.now() - started < 5000, `noticed after ${Date.now() - started} ms`);
    assert.equal(retiredWorkerCount(), retired + 1);
    assert.equal(await whenReady(), 1, 'a fresh worker took its place');
    for (let i = 0; i < 20; i++) { g.run(); g.check(); }
  } finally {
    g.free();
  }
});

test('a worker that hangs holding a chunk is an Error after the timeout; the pool replaces it', { skip, timeout: 30000 }, async () => {
  setThreads(2);
  assert.equal(await whenReady(), 1);
  const g = await splitGemm();
  const previous = setWorkerTimeout(300);
  try {
    const retired = retiredWorkerCount();
    assert.ok(injectWorkerFault(0, 'hang'));
    const started = Date.now();
    const error = firstError(g.run);
    assert.match(error.message, /^wasm worker \d+: expected gemm to finish within \d+ ms, got no answer; the worker was stopped and replaced/);
    assert.ok(Date.now() - started < 5000, `noticed after ${Date.now() - started} ms`);
    assert.equal(retiredWorkerCount(), retired + 1);
    assert.equal(await whenReady(), 1);
    for (let i = 0; i < 20; i++) { g.run(); g.check(); }
  } finally {
    setWorkerTimeout(previous);
    g.free();
  }
});

test('a worker terminated from outside never stalls a call: its chunks run on the caller, then it is replaced', { skip, timeout: 30000 }, async () => {
  setThreads(2);
  assert.equal(await whenReady(), 1);
  const g = await splitGemm();
  const previous = setWorkerTimeout(200);
  try {
    const retired = retiredWorkerCount();
    assert.ok(injectWorkerFault(0, 'terminate'));
    // Right away (the thread may still be stopping) and after it is gone: every call completes, correct.
    for (let i = 0; i < 10; i++) { g.run(); g.check(); }
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    for (let i = 0; i < 10; i++) { g.run(); g.check(); }
    assert.ok(Date.now() - started < 5000);
    assert.equal(retiredWorkerCount(), retired + 1, 'the dead worker was noticed and replaced');
    assert.equal(await whenReady(), 1);
    assert.equal(readyWorkers(), 1);
    for (let i = 0; i < 20; i++) { g.run(); g.check(); }
  } finally {
    setWorkerTimeout(previous);
    g.free();
  }
});

test('a worker that ended while idle is replaced at the next call, without waiting for the timeout', { skip, timeout: 30000 }, async () => {
  setThreads(2);
  assert.equal(await whenReady(), 1);
  const g = await splitGemm();
  // The default timeout (seconds) would make the old way of noticing visible here.
  const previous = setWorkerTimeout(60000);
  try {
    const retired = retiredWorkerCount();
    assert.ok(injectWorkerFault(0, 'terminate'));
    // Let the thread end and its exit event reach this thread.
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    g.run(); g.check();
    assert.equal(retiredWorkerCount(), retired + 1, 'noticed at the first call after it ended');
    assert.ok(Date.now() - started < 2000);
    assert.equal(await whenReady(), 1);
    for (let i = 0; i < 10; i++) { g.run(); g.check(); }
  } finally {
    setWorkerTimeout(previous);
    g.free();
  }
});
