/**
 * float32 WebAssembly kernels with the reference kernels' signatures (src/kernels/*.ts): typed arrays
 * in, outputs fully overwritten. Arrays allocated by wasmAlloc are used in place; others are copied
 * in and out for the call (see staging.ts). Large work is split across the worker pool.
 */
import type { Conv2DInfo, Pool2DInfo } from '../kernels/shape.js';
import { getRuntime } from './runtime.js';
import { parallelFor, threadScratch, runChunks, runShared, getThreads } from './pool.js';
import { allocBytes, freeBytes } from './heap.js';
import { Staging, writeParams, writeParamSlots, paramSlotAddress } from './staging.js';

/**
 * Below this many flops a GEMM or convolution stays on the calling thread. With workers polling
 * between calls (pool-protocol.ts), a split pays off from ~20-30 µs of work: LeNet's 32×120×84 GEMMs
 * (645k flops) went 46 → 29 µs and 42 → 26 µs on 2 threads; 54k-flop ones gained little (14 → 11 µs).
 */
let SERIAL_FLOPS = 3e5;
/**
 * Below this many elements touched, a memory-bound kernel stays on the calling thread. LeNet's pool2
 * on 2 threads: forward (51k) 32 → 22 µs, backward with the relu mask (102k) 58 → 34 µs.
 */
let SERIAL_ELEMENTS = 1 << 15;

/**
 * Change the sizes under which work stays on the calling thread (tests use 0 to force splitting,
 * benchmarks to measure the crossover); returns the previous values.
 */
export function setSerialThresholds(thresholds: { flops: number; elements: number }): { flops: number; elements: number } {
  const previous = { flops: SERIAL_FLOPS, elements: SERIAL_ELEMENTS };
  SERIAL_FLOPS = thresholds.flops;
  SERIAL_ELEMENTS = thresholds.elements;
  return previous;
}

/**
 * Up to this many rows, a split GEMM with a transposed B gives each thread a range of columns instead
 * of rows: with rows, every thread of a batch-32 dense layer's dy·Wᵀ packs and transposes all of W
 * for 16 rows of C; with columns, its part of W for all 32 rows (bench/gemm-ab.ts, 2 threads, four
 * runs: 32×120×400 1.06-1.12×, 32×84×120 1.01-1.10×). Not for x·W, whose W is read in place, not packed:
 * there it was 0.94-0.98× (each thread then packs all of x instead of half).
 */
const COLUMN_SPLIT_MAX_ROWS = 32;

function staged<T>(body: (s: Staging) => T): T {
  const s = new Staging();
  let ok = false;
  try {
    const result = body(s);
    ok = true;
    return result;
  } finally {
    s.finish(ok);
  }
}

/** C[m, n] (+)= op(A) × op(B); A is [m, k] ([k, m] when transA), B [k, n] ([n, k] when transB). */
export function matmul(
  a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
  transA: boolean, transB: boolean, accumulate: boolean,
): void {
  const rt = getRuntime();
  staged((s) => {
    const pa = s.input(a, m * k), pb = s.input(b, k * n);
    const pc = accumulate ? s.inout(c, m * n) : s.output(c, m * n);
    const threads = getThreads();
    const byColumns = transB && m <= COLUMN_SPLIT_MAX_ROWS && n >= 8 * threads;
    const params = writeParams([pa, pb, pc, m, k, n, +transA, +transB, +accumulate, +byColumns]);
    const cost = 2 * m * n * k, scratchFloats = rt.exports.gemmScratchFloats(n);
    if (byColumns) {
      // One piece of columns per thread (4-column multiples, the kernels' vector width).
      parallelFor('gemm', params, n, { cost, serialBelow: SERIAL_FLOPS, align: 4, scratchFloats, piecesPerThread: 1 });
    } else {
      // Every piece packs op(B) anew, so pieces are at least 64 rows (the GEMM's row block) each.
      const piecesPerThread = Math.max(1, Math.min(4, Math.floor(m / (threads * 64))));
      parallelFor('gemm', params, m, { cost, serialBelow: SERIAL_FLOPS, align: 4, scratchFloats, piecesPerThread });
    }
  });
}

function convParams(a: number, b: number, bias: number, out: number, info: Conv2DInfo, relu: boolean, pool = false): number {
  return writeParams([
    a, b, bias, out, info.batch, info.inH, info.inW, info.inC, info.kh, info.kw, info.outC,
    info.strideH, info.strideW, info.padTop, info.padLeft, info.outH, info.outW, +relu, +pool,
  ]);
}

const convFlops = (info: Conv2DInfo) => 2 * info.batch * info.outH * info.outW * info.outC * info.kh * info.kw * info.inC;
const inSize = (info: Conv2DInfo) => info.batch * info.inH * info.inW * info.inC;
const outSize = (info: Conv2DInfo) => info.batch * info.outH * info.outW * info.outC;
const filterSize = (info: Conv2DInfo) => info.kh * info.kw * info.inC * info.outC;

/**
 * y = conv(x, w) + bias, then relu when `relu` (a fused epilogue: no extra pass over y). pool2x2: a
 * 2×2 stride-2 max pool follows in the same pass, and y is the pooled [batch, ⌊outH/2⌋, ⌊outW/2⌋, outC].
 */
export function conv2dForward(
  x: Float32Array, w: Float32Array, bias: Float32Array | null, info: Conv2DInfo, y: Float32Array, relu = false, pool2x2 = false,
): void {
  const rt = getRuntime();
  const ySize = pool2x2 ? info.batch * (info.outH >> 1) * (info.outW >> 1) * info.outC : outSize(info);
  staged((s) => {
    const px = s.input(x, inSize(info)), pw = s.input(w, filterSize(info));
    const pb = bias ? s.input(bias, info.outC) : 0;
    const params = convParams(px, pw, pb, s.output(y, ySize), info, relu, pool2x2);
    parallelFor('conv2dForward', params, info.batch, {
      cost: convFlops(info), serialBelow: SERIAL_FLOPS, scratchFloats: rt.exports.convScratchFloats(params),
    });
  });
}

/** dx = ∂loss/∂x from dy and w. */
export function conv2dBackpropInput(dy: Float32Array, w: Float32Array, info: Conv2DInfo, dx: Float32Array): void {
  const rt = getRuntime();
  staged((s) => {
    const pdy = s.input(dy, outSize(info)), pw = s.input(w, filterSize(info));
    const params = convParams(pdy, pw, 0, s.output(dx, inSize(info)), info, false);
    parallelFor('conv2dBackpropInput', params, info.batch, {
      cost: convFlops(info), serialBelow: SERIAL_FLOPS, scratchFloats: rt.exports.convScratchFloats(params),
    });
  });
}

/** Pieces of images per thread in a split filter gradient (each piece keeps its own partial sum). */
const FILTER_GRAD_PIECES_PER_THREAD = 4;
/** At most this many pieces: their partials' addresses go in the parameter block (slots 32 … 95). */
const FILTER_GRAD_MAX_PIECES = 64;
/** The pieces' partial sums, in wasm memory, grown as needed. */
let piecePartials = { ptr: 0, floats: 0 };

function piecePartialsOf(floats: number): number {
  if (piecePartials.floats < floats) {
    if (piecePartials.ptr) freeBytes(piecePartials.ptr);
    piecePartials = { ptr: allocBytes(floats * 4), floats };
  }
  return piecePartials.ptr;
}

/**
 * dw = ∂loss/∂w from x and dy: partial sums over pieces of images, then one reduction. Split over
 * threads, the pieces go through the shared queue (any thread takes any piece), each with its own
 * partial, so the result does not depend on which thread ran what, and a descheduled thread holds
 * up one piece, not half the batch.
 */
export function conv2dBackpropFilter(x: Float32Array, dy: Float32Array, info: Conv2DInfo, dw: Float32Array): void {
  const rt = getRuntime();
  staged((s) => {
    const px = s.input(x, inSize(info)), pdy = s.input(dy, outSize(info));
    const params = convParams(px, pdy, 0, s.output(dw, filterSize(info)), info, false);
    const scratchFloats = rt.exports.convScratchFloats(params);
    const threads = convFlops(info) < SERIAL_FLOPS ? 1 : Math.min(getThreads(), info.batch);
    let partials: number[];
    if (threads === 1) {
      partials = threadScratch(1, scratchFloats);
      runChunks('conv2dBackpropFilter', params, [0, info.batch], partials);
    } else {
      const grain = Math.ceil(info.batch / Math.min(threads * FILTER_GRAD_PIECES_PER_THREAD, FILTER_GRAD_MAX_PIECES));
      const pieces = Math.ceil(info.batch / grain);
      const floats = filterSize(info);
      const base = piecePartialsOf(pieces * floats);
      writeParamSlots(24, [base, grain]);
      runShared('conv2dBackpropFilterPieces', params, info.batch, grain, threadScratch(threads, scratchFloats));
      partials = Array.from({ length: pieces }, (_, i) => base + i * floats * 4);
    }
    // The partial addresses go in the parameter block after the geometry slots.
    const listSlot = 32;
    writeParamSlots(listSlot, partials);
    rt.exports.conv2dBackpropFilterReduce(params, paramSlotAddress(listSlot), partials.length);
  });
}

function poolParams(a: number, aux: number, out: number, info: Pool2DInfo, tiesAll: boolean, reluMask = false): number {
  return writeParams([
    a, aux, out, info.batch, info.inH, info.inW, info.channels, info.kh, info.kw,
    info.strideH, info.strideW, info.padTop, info.padLeft, info.outH, info.outW, +tiesAll, +reluMask,
  ]);
}

const poolIn = (info: Pool2DInfo) => info.batch * info.inH * info.inW * info.channels;
const poolOut = (info: Pool2DInfo) => info.batch * info.outH * info.outW * info.channels;
const poolWork = (info: Pool2DInfo) => poolOut(info) * info.kh * info.kw;

export function maxPoolForward(x: Float32Array, info: Pool2DInfo, y: Float32Array): void {
  poolForward('maxPoolForward', x, info, y);
}
export function avgPoolForward(x: Float32Array, info: Pool2DInfo, y: Float32Array): void {
  poolForward('avgPoolForward', x, info, y);
}

function poolForward(kernel: 'maxPoolForward' | 'avgPoolForward', x: Float32Array, info: Pool2DInfo, y: Float32Array): void {
  staged((s) => {
    const params = poolParams(s.input(x, poolIn(info)), 0, s.output(y, poolOut(info)), info, false);
    parallelFor(kernel, params, info.batch, { cost: poolWork(info), serialBelow: SERIAL_ELEMENTS });
  });
}

/**
 * dx from dy; ties 'all' gives dy to every input equal to its window's max, 'first' to the first only.
 * reluMask: also zero dx where x <= 0 (x is a relu's output: the relu's gradient, fused).
 */
export function maxPoolBackward(
  dy: Float32Array, x: Float32Array, info: Pool2DInfo, ties: 'all' | 'first', dx: Float32Array, reluMask = false,
): void {
  staged((s) => {
    const params = poolParams(s.input(dy, poolOut(info)), s.input(x, poolIn(info)), s.output(dx, poolIn(info)), info, ties === 'all', reluMask);
    parallelFor('maxPoolBackward', params, info.batch, { cost: 2 * poolWork(info), serialBelow: SERIAL_ELEMENTS });
  });
}

export function avgPoolBackward(dy: Float32Array, info: Pool2DInfo, dx: Float32Array): void {
  staged((s) => {
    const params = poolParams(s.input(dy, poolOut(info)), 0, s.output(dx, poolIn(info)), info, false);
    parallelFor('avgPoolBackward', params, info.batch, { cost: poolWork(info), serialBelow: SERIAL_ELEMENTS });
  });
}

/** y = max(x, 0) elementwise (y may be x). */
export function relu(x: Float32Array, y: Float32Array): void {
  const n = x.length;
  staged((s) => {
    const params = writeParams([s.input(x, n), s.output(y, n)]);
    parallelFor('relu', params, n, { cost: n, serialBelow: SERIAL_ELEMENTS, align: 4 });
  });
}

/** dx = dy where x > 0, else 0 (x: relu's input or output). */
export function reluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void {
  const n = dy.length;
  staged((s) => {
    const params = writeParams([s.input(dy, n), s.input(x, n), s.output(dx, n)]);
    parallelFor('reluGrad', params, n, { cost: n, serialBelow: SERIAL_ELEMENTS, align: 4 });
  });
}

/** Blocks of lcm(channels, 4) floats up to this size are summed as a flat SIMD stream (see assembly). */
const BIAS_GRAD_MAX_PERIOD = 1024;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * db[c] = Σ_r dy[r, c] for dy viewed as [dy.length / channels, channels]. Few channels: one thread
 * streams dy once (splitting by channel would make every thread read all of dy). Many: split by channel.
 */
export function biasGrad(dy: Float32Array, channels: number, db: Float32Array): void {
  const rows = dy.length / channels;
  const period = (channels * 4) / gcd(channels, 4);
  const flat = period <= BIAS_GRAD_MAX_PERIOD;
  staged((s) => {
    const params = writeParams([s.input(dy, dy.length), s.output(db, channels), rows, channels, flat ? period : 0]);
    if (flat) runChunks('biasGrad', params, [0, channels], threadScratch(1, period));
    else parallelFor('biasGrad', params, channels, { cost: dy.length, serialBelow: SERIAL_ELEMENTS });
  });
}

/**
 * Mean over rows of the cross-entropy between softmax(logits[r]) and labels[r] (one-hot or soft);
 * fills dLogits (if given) with the gradient of that mean, (softmax − labels) / rows.
 */
export function softmaxCrossEntropy(
  logits: Float32Array, labels: Float32Array, rows: number, classes: number, dLogits: Float32Array | null,
): number {
  const losses = new Float32Array(rows);
  staged((s) => {
    const params = writeParams([
      s.input(logits, rows * classes), s.input(labels, rows * classes),
      dLogits ? s.output(dLogits, rows * classes) : 0, s.output(losses, rows), rows, classes,
    ]);
    parallelFor('softmaxCrossEntropy', params, rows, { cost: rows * classes * 8, serialBelow: SERIAL_ELEMENTS });
  });
  let sum = 0;
  for (const loss of losses) sum += loss;
  return sum / rows;
}

/** One Adam step on param in place, updating the moment estimates m and v; step counts from 1. */
export function adamUpdate(
  param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
  lr: number, beta1: number, beta2: number, epsilon: number, step: number,
): void {
  const alpha = (lr * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
  adamStep(param, grad, m, v, alpha, beta1, beta2, epsilon);
}

/** adamUpdate with the bias-corrected step size alpha already computed by the caller. */
export function adamStep(
  param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
  alpha: number, beta1: number, beta2: number, epsilon: number,
): void {
  const n = param.length;
  staged((s) => {
    const params = writeParams(
      [s.inout(param, n), s.input(grad, n), s.inout(m, n), s.inout(v, n), alpha, beta1, beta2, epsilon],
      [4, 5, 6, 7],
    );
    parallelFor('adamUpdate', params, n, { cost: n * 4, serialBelow: SERIAL_ELEMENTS, align: 4 });
  });
}

/** Variables per adamStepList call: 5 parameter slots each after 5 fixed ones, within the 128-slot block. */
const ADAM_LIST_MAX = 23;

/**
 * adamStep on every variable k (params[k] with grads[k], ms[k], vs[k]) in one pool call per up to
 * 23 variables: the work is split over the concatenated elements, so small variables cost no
 * separate hand-off each (LeNet: 10 variables, 62k elements).
 */
export function adamStepList(
  params: Float32Array[], grads: Float32Array[], ms: Float32Array[], vs: Float32Array[],
  alpha: number, beta1: number, beta2: number, epsilon: number,
): void {
  for (let k0 = 0; k0 < params.length; k0 += ADAM_LIST_MAX) {
    const k1 = Math.min(params.length, k0 + ADAM_LIST_MAX);
    staged((s) => {
      const slots: number[] = [alpha, beta1, beta2, epsilon, k1 - k0];
      let total = 0;
      for (let k = k0; k < k1; k++) {
        const n = params[k].length;
        slots.push(s.inout(params[k], n), s.input(grads[k], n), s.inout(ms[k], n), s.inout(vs[k], n), total);
        total += n;
      }
      slots.push(0, 0, 0, 0, total); // the end of the last variable
      const block = writeParams(slots, [0, 1, 2, 3]);
      parallelFor('adamUpdateList', block, total, { cost: total * 4, serialBelow: SERIAL_ELEMENTS, align: 4 });
    });
  }
}

/** In place: y[r, c] = y[r, c] + bias[c], then max(·, 0) when relu; y is [rows, channels]. */
export function biasActivation(y: Float32Array, bias: Float32Array, rows: number, channels: number, relu: boolean): void {
  staged((s) => {
    const params = writeParams([s.inout(y, rows * channels), s.input(bias, channels), rows, channels, +relu]);
    parallelFor('biasAct', params, rows, { cost: rows * channels, serialBelow: SERIAL_ELEMENTS });
  });
}
