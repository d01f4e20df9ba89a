// The whole op suite under both backends: the same graphs (conv2d + bias + relu, max/avg pools,
// matMul + bias, softmax cross-entropy, and their gradients; a few LeNet-5 training steps) and eager
// ops run with setBackend('reference') and setBackend('wasm'), and the float32 results must agree to
// 1e-4 relative. Random shapes: odd sizes, strides 1–3, both paddings, batch 1. Also checks that a
// plan's wasm memory stays flat over many steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../src/api/ops.js';
import * as random from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { placeholder, type SymbolicTensor } from '../src/graph/symbolic.js';
import {
  variable, globalVariables, globalVariablesInitializer, variablesInitializer, type Variable,
} from '../src/graph/variable.js';
import { gradients } from '../src/graph/gradients.js';
import { Session } from '../src/graph/session.js';
import { softmaxCrossEntropy } from '../src/train/losses.js';
import { lenet5 } from '../examples/4-lenet5.js';
import { getBackend, setBackend, wasmAvailable, type BackendName } from '../src/kernels/backend.js';
import { allocatedBytes, wasmAlloc } from '../src/wasm/heap.js';
import type { Padding } from '../src/kernels/shape.js';
import '../src/ops/grads.js';
import { rng } from './test-random.js';

const skip = wasmAvailable() ? false : 'wasm module not built or no WebAssembly SIMD here';


/** |actual − expected| ≤ tol · max(1, max |expected|), elementwise. */
function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-4): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= tol * scale)) assert.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]} (scale ${scale})`);
  }
}

/** Runs body under `name`, restoring the previous backend afterwards. */
function under<T>(name: BackendName, body: () => T): T {
  const previous = getBackend();
  setBackend(name);
  try { return body(); } finally { setBackend(previous); }
}

const out = (axis: number, k: number, s: number, pad: Padding) => (pad === 'same' ? Math.ceil(axis / s) : Math.floor((axis - k) / s) + 1);

interface Case { batch: number; h: number; w: number; c: number; k: number; outC: number; stride: number; pad: Padding;
  pool: 'max' | 'avg'; window: number; poolStride: number; poolPad: Padding; classes: number }

/** A random network shape whose every layer has an output. */
function randomCase(r: ReturnType<typeof rng>): Case {
  for (;;) {
    const c: Case = {
      batch: r.pick([1, 1, 2, 3, 5]), h: r.int(3, 13), w: r.int(3, 13), c: r.int(1, 5), k: r.int(1, 5), outC: r.int(1, 9),
      stride: r.int(1, 3), pad: r.pick(['same', 'valid'] as const), pool: r.pick(['max', 'avg'] as const),
      window: r.int(1, 3), poolStride: r.int(1, 3), poolPad: r.pick(['same', 'valid'] as const), classes: r.int(2, 7),
    };
    const oh = out(c.h, c.k, c.stride, c.pad), ow = out(c.w, c.k, c.stride, c.pad);
    if (oh < 1 || ow < 1) continue;
    if (out(oh, c.window, c.poolStride, c.poolPad) < 1 || out(ow, c.window, c.poolStride, c.poolPad) < 1) continue;
    return c;
  }
}

/** Forward values and every gradient of one random conv → pool → dense → softmax-xent graph. */
function runCase(cs: Case, seed: number, backend: BackendName): Float32Array[] {
  const r = rng(seed);
  return under(backend, () => {
    const x = placeholder('float32', [null, cs.h, cs.w, cs.c]);
    const labels = placeholder('int32', [null]);
    const vars: Variable[] = [];
    const v = (shape: number[]) => { const t = variable(new Tensor(r.array(shape.reduce((p, d) => p * d, 1)), shape)); vars.push(t); return t; };
    const filter = v([cs.k, cs.k, cs.c, cs.outC]);
    const bias = v([cs.outC]);
    const conv = ops.relu(ops.add(ops.conv2d(x, filter, cs.stride, cs.pad), bias)) as SymbolicTensor;
    const pooled = (cs.pool === 'max' ? ops.maxPool : ops.avgPool)(conv, cs.window, cs.poolStride, cs.poolPad) as SymbolicTensor;
    const features = pooled.shape.slice(1).reduce((p: number, d) => p * (d as number), 1);
    const flat = ops.reshape(pooled, [-1, features]) as SymbolicTensor;
    const w2 = v([features, cs.classes]);
    const b2 = v([cs.classes]);
    const logits = ops.add(ops.matMul(flat, w2), b2) as SymbolicTensor;
    const loss = softmaxCrossEntropy(ops.oneHot(labels, cs.classes) as SymbolicTensor, logits);
    const grads = gradients(loss, [x, ...vars]) as SymbolicTensor[];
    const xs = new Tensor(r.array(cs.batch * cs.h * cs.w * cs.c), [cs.batch, cs.h, cs.w, cs.c]);
    const ys = new Tensor(Int32Array.from({ length: cs.batch }, () => r.int(0, cs.classes - 1)), [cs.batch]);
    const sess = new Session();
    const fetched = sess.run([loss, conv, pooled, logits, ops.softmax(logits) as SymbolicTensor, ...grads], [[x, xs], [labels, ys]]);
    // Plans fuse conv + bias + relu (and matMul + bias); eager ops never do: they must agree.
    const eagerConv = ops.relu(ops.add(ops.conv2d(xs, filter.value, cs.stride, cs.pad), bias.value)) as Tensor;
    const eagerLogits = ops.add(ops.matMul(ops.reshape(fetched[2]!, [-1, features]), w2.value), b2.value) as Tensor;
    assertClose(fetched[1]!.data, eagerConv.data, `${backend}: fused conv+bias+relu against eager ops`);
    assertClose(fetched[3]!.data, eagerLogits.data, `${backend}: fused matMul+bias against eager ops`);
    // The max pool's gradient and the relu's run as one step (the gradients are compared across backends
    // and, in graph-gradients.test, against central differences).
    const stepNames = sess.lastPlan!.steps.map((s) => s.def.name);
    assert.equal(stepNames.includes('MaxPoolGradRelu'), cs.pool === 'max', `${backend}: plan steps ${stepNames.join(' ')}`);
    return fetched.map((t) => t!.data as Float32Array);
  });
}

test('graph op suite: reference and wasm agree on random shapes (forward and gradients)', { skip }, () => {
  const names = ['loss', 'conv+bias+relu', 'pool', 'logits', 'softmax', 'dx', 'dfilter', 'dbias', 'dw2', 'db2'];
  const r = rng(7);
  for (let trial = 0; trial < 24; trial++) {
    const cs = randomCase(r);
    const seed = 1000 + trial;
    const ref = runCase(cs, seed, 'reference');
    const fast = runCase(cs, seed, 'wasm');
    ref.forEach((expected, i) => assertClose(fast[i], expected, `trial ${trial} ${JSON.stringify(cs)} ${names[i]}`));
  }
});

test('eager ops: reference and wasm agree (conv2d strides/paddings, pools, matMul, elementwise, softmax)', { skip }, () => {
  const r = rng(11);
  for (let trial = 0; trial < 16; trial++) {
    const cs = randomCase(r);
    const x = new Tensor(r.array(cs.batch * cs.h * cs.w * cs.c), [cs.batch, cs.h, cs.w, cs.c]);
    const f = new Tensor(r.array(cs.k * cs.k * cs.c * cs.outC), [cs.k, cs.k, cs.c, cs.outC]);
    const a = new Tensor(r.array(cs.batch * 7 * 13), [cs.batch * 7, 13]);
    const b = new Tensor(r.array(13 * 5), [13, 5]);
    const run = () => {
      const y = ops.conv2d(x, f, cs.stride, cs.pad) as Tensor;
      return [
        y, ops.relu(y) as Tensor,
        ops.maxPool(y, cs.window, cs.poolStride, cs.poolPad) as Tensor, ops.avgPool(y, cs.window, cs.poolStride, cs.poolPad) as Tensor,
        ops.matMul(a, b) as Tensor, ops.matMul(b, a, true, true) as Tensor, ops.softmax(ops.matMul(a, b)) as Tensor,
        ops.add(ops.mul(a, a), a) as Tensor,
      ].map((t) => t.data);
    };
    const ref = under('reference', run);
    const fast = under('wasm', run);
    ref.forEach((expected, i) => assertClose(fast[i], expected, `trial ${trial} ${JSON.stringify(cs)} output ${i}`));
  }
});

/** One LeNet-5 graph (batch 8) whose variables can be re-initialized from seed 0 under either backend. */
function lenetGraph() {
  const before = globalVariables().length;
  const x = placeholder('float32', [null, 28, 28, 1]);
  const y = placeholder('int32', [null]);
  const [, trainOp, loss] = lenet5(x, ops.oneHot(y, 10) as SymbolicTensor);
  const init = variablesInitializer(globalVariables().slice(before));
  /** Losses of `steps` training steps from the same initial weights and batches. */
  return (backend: BackendName, steps: number): number[] => under(backend, () => {
    const sess = new Session();
    random.seed(0);
    sess.run(init);
    const r = rng(3);
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) {
      const xs = new Tensor(Float32Array.from(r.array(8 * 784), (v) => (v + 1) / 2), [8, 28, 28, 1]);
      const ys = new Tensor(Int32Array.from({ length: 8 }, () => r.int(0, 9)), [8]);
      const [l] = sess.run([loss, trainOp], [[x, xs], [y, ys]]);
      losses.push(l!.data[0]);
    }
    return losses;
  });
}

test('relu keeps NaN and -0 and zeroes negatives the same way on both backends, alone and fused after a bias', { skip }, () => {
  const special = [NaN, -0, 0, -1, 2.5, Infinity, -Infinity, -1e-30, 1e-30];
  // 9 columns, so the wasm kernels' vector bodies and scalar tails both see every value.
  const x = new Tensor(Float32Array.from({ length: 4 * 9 }, (_, i) => special[(i * 7) % 9]), [4, 9]);
  const bias = new Tensor(new Float32Array(9), [9]);
  const relu = (v: number) => (v < 0 ? 0 : v);
  const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
  const expected = { relu: Array.from(x.data, relu), 'bias + relu': Array.from(x.data, (v) => relu(v + 0)) }; // -0 + 0 is +0
  for (const name of ['reference', 'wasm'] as const) {
    const [alone, fused] = under(name, () => {
      const xs = placeholder('float32', [4, 9]);
      const sess = new Session();
      return [ops.relu(x), sess.run(ops.relu(ops.add(xs, bias)), [[xs, x]])!];
    });
    for (const [what, y] of [['relu', alone], ['bias + relu', fused]] as const) {
      const want = expected[what];
      for (let i = 0; i < want.length; i++) {
        assert.ok(Object.is(y.data[i], want[i]), `${name} ${what}: relu(${show(x.data[i])}) is ${show(y.data[i])}, expected ${show(want[i])}`);
      }
    }
  }
});

test('LeNet-5 training steps: losses agree between reference and wasm', { skip }, () => {
  const train = lenetGraph();
  const ref = train('reference', 5);
  const fast = train('wasm', 5);
  assertClose(fast, ref, 'losses');
  // Training must actually move the loss (a test that cannot fail would pass on a frozen model too).
  assert.notEqual(ref[0], ref[4]);
});

test('wasm: float32 feeds from outside wasm memory give the results of the same values fed from it, run after run', { skip }, () => {
  under('wasm', () => {
    const x = placeholder('float32', [null, 6, 6, 2]);
    const w = new Tensor(rng(9).array(3 * 3 * 2 * 4), [3, 3, 2, 4]);
    // conv2d reads x in a kernel; the fetch of x itself returns the bound feed.
    const y = ops.relu(ops.conv2d(x, w, 1, 'same'));
    const sess = new Session();
    const r = rng(11);
    const batches = [0, 1, 2].map(() => r.array(3 * 6 * 6 * 2));
    for (let run = 0; run < 6; run++) {
      const values = batches[run % 3];
      const plain = new Tensor(Float32Array.from(values), [3, 6, 6, 2]);
      const resident = new Tensor(wasmAlloc(values.length), [3, 6, 6, 2]);
      (resident.data as Float32Array).set(values);
      const [fromPlain, xBack] = sess.run([y, x], [[x, plain]]) as Tensor[];
      const fromResident = sess.run(y, [[x, resident]])!;
      assert.deepEqual(Array.from(fromPlain.data), Array.from(fromResident.data), `run ${run}`);
      assert.deepEqual(Array.from(xBack.data), Array.from(Float32Array.from(values)), `run ${run}: the fed x`);
      assert.deepEqual(Array.from(plain.data), Array.from(Float32Array.from(values)), `run ${run}: the feed is not written`);
    }
  });
});

test('wasm: a plan allocates no wasm memory after its first steps', { skip }, () => {
  under('wasm', () => {
    random.seed(1);
    const x = placeholder('float32', [null, 28, 28, 1]);
    const y = placeholder('int32', [null]);
    const [, trainOp] = lenet5(x, ops.oneHot(y, 10) as SymbolicTensor);
    const sess = new Session();
    sess.run(globalVariablesInitializer());
    const r = rng(5);
    const xs = new Tensor(r.array(4 * 784), [4, 28, 28, 1]);
    const ys = new Tensor(Int32Array.from([1, 2, 3, 4]), [4]);
    for (let s = 0; s < 3; s++) sess.run(trainOp, [[x, xs], [y, ys]]);
    const settled = allocatedBytes();
    const plans = sess.compiledPlans;
    for (let s = 0; s < 60; s++) sess.run(trainOp, [[x, xs], [y, ys]]);
    assert.equal(allocatedBytes(), settled);
    assert.equal(sess.compiledPlans, plans);
    assert.ok(settled > 0, 'the plan buffers live in wasm memory');
  });
});

test('inference plans fuse conv + bias + relu + 2x2 max pool into one step; it agrees with eager ops on both backends', { skip }, () => {
  const r = rng(11);
  // LeNet's two layers, odd sides (the pool drops the last row/column), outC 16 (2x16 tiles) and 20 (the GEMM path).
  const cases = [
    { h: 28, w: 28, c: 1, k: 5, outC: 6, pad: 'same' as Padding },
    { h: 14, w: 14, c: 6, k: 5, outC: 16, pad: 'valid' as Padding },
    { h: 11, w: 9, c: 3, k: 3, outC: 20, pad: 'valid' as Padding },
    { h: 7, w: 10, c: 2, k: 2, outC: 16, pad: 'same' as Padding },
  ];
  for (const cs of cases) {
    const x = placeholder('float32', [null, cs.h, cs.w, cs.c]);
    const filter = variable(new Tensor(r.array(cs.k * cs.k * cs.c * cs.outC), [cs.k, cs.k, cs.c, cs.outC]));
    const bias = variable(new Tensor(r.array(cs.outC), [cs.outC]));
    const pooled = ops.maxPool(ops.relu(ops.add(ops.conv2d(x, filter, 1, cs.pad), bias)) as SymbolicTensor, 2, 2, 'valid') as SymbolicTensor;
    const xs = new Tensor(r.array(3 * cs.h * cs.w * cs.c), [3, cs.h, cs.w, cs.c]);
    const eager = ops.maxPool(ops.relu(ops.add(ops.conv2d(xs, filter.value, 1, cs.pad), bias.value)) as Tensor, 2, 2, 'valid') as Tensor;
    for (const backend of ['reference', 'wasm'] as const) {
      under(backend, () => {
        const sess = new Session();
        const [y] = sess.run([pooled], [[x, xs]]);
        assert.deepEqual(sess.lastPlan!.steps.map((s) => s.def.name), ['Conv2DBiasActPool'], `${backend} ${JSON.stringify(cs)}`);
        assert.deepEqual(y!.shape, eager.shape);
        assertClose(y!.data, eager.data, `${backend}: fused conv+pool ${JSON.stringify(cs)}`);
      });
    }
  }
});
