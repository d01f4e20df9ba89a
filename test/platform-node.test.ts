// Node's platform layer: pool workers start whatever flags the process was started with. Node refuses V8 and
// per-process flags (--expose-gc, --max-old-space-size) in a worker's execArgv; they must not stop the pool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { wasmAvailable } from '../src/kernels/backend.js';

const skip = wasmAvailable() ? false : 'wasm module not built or no WebAssembly SIMD here';
const pool = new URL('../src/wasm/pool.js', import.meta.url).href;

test('pool workers start under flags a worker may not take (--expose-gc, --max-old-space-size)', { skip, timeout: 30000 }, () => {
  const script = `const p = await import(${JSON.stringify(pool)}); p.setThreads(2); console.log('ready', await p.whenReady(), typeof gc);`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=3000', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'ready 1 function');
});
