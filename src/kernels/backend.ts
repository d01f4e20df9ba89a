/**
 * Which kernel set the ops use. 'reference' is the plain TypeScript kernels (any float dtype,
 * everywhere); 'wasm' is the WebAssembly SIMD kernels (src/wasm/), which take float32 and hand any
 * float64 call to the TypeScript kernels, so ops never need to care. The default is 'wasm' when the
 * module was built and this runtime validates it, 'reference' otherwise.
 */
import type { FloatArray } from '../tensor/dtype.js';
import { poolInfo, type Conv2DInfo, type Pool2DInfo } from './shape.js';
import * as gemm from './gemm.js';
import * as conv from './conv2d.js';
import * as pool from './pool2d.js';
import * as fast from '../wasm/kernels.js';
import { tryRuntime } from '../wasm/runtime.js';

export type BackendName = 'reference' | 'wasm';

export interface KernelSet {
  readonly name: BackendName;
  matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number,
    transA: boolean, transB: boolean, accumulate: boolean): void;
  /**
   * relu: apply max(·, 0) to the result in the same pass (only 'wasm' fuses; 'reference' runs a second pass).
   * pool2x2: then a 2×2 stride-2 max pool; y is the pooled [batch, ⌊outH/2⌋, ⌊outW/2⌋, outC].
   */
  conv2dForward(x: FloatArray, w: FloatArray, bias: FloatArray | null, info: Conv2DInfo, y: FloatArray, relu?: boolean, pool2x2?: boolean): void;
  conv2dBackpropInput(dy: FloatArray, w: FloatArray, info: Conv2DInfo, dx: FloatArray): void;
  conv2dBackpropFilter(x: FloatArray, dy: FloatArray, info: Conv2DInfo, dw: FloatArray): void;
  biasGrad(dy: FloatArray, channels: number, db: FloatArray): void;
  maxPoolForward(x: FloatArray, info: Pool2DInfo, y: FloatArray): void;
  avgPoolForward(x: FloatArray, info: Pool2DInfo, y: FloatArray): void;
  /** reluMask: also zero dx where x <= 0 (x is a relu's output: the relu's gradient, fused in). */
  maxPoolBackward(dy: FloatArray, x: FloatArray, info: Pool2DInfo, ties: 'all' | 'first', dx: FloatArray, reluMask?: boolean): void;
  avgPoolBackward(dy: FloatArray, info: Pool2DInfo, dx: FloatArray): void;
  /** In place on y [rows, channels]: y += bias (per channel), then max(·, 0) when relu. */
  biasActivation(y: FloatArray, bias: FloatArray, rows: number, channels: number, relu: boolean): void;
  /** y = max(x, 0) over the first y.length elements (y may be x). */
  relu(x: FloatArray, y: FloatArray): void;
  /** dx = dy where x > 0, else 0 (x: relu's input or output). */
  reluGrad(dy: FloatArray, x: FloatArray, dx: FloatArray): void;
  /** One Adam step in place on param, m, v; alpha = lr·√(1−β2^t)/(1−β1^t) (the bias-corrected step size). */
  adamUpdate(param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray,
    alpha: number, beta1: number, beta2: number, epsilon: number): void;
  /** adamUpdate on every variable k of the lists (one call: the wasm set splits all of it at once). */
  adamUpdateList(params: FloatArray[], grads: FloatArray[], m: FloatArray[], v: FloatArray[],
    alpha: number, beta1: number, beta2: number, epsilon: number): void;
}

function reluInPlace(y: FloatArray, n: number): void {
  for (let i = 0; i < n; i++) if (y[i] < 0) y[i] = 0;
}

function referenceAdam(w: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray,
  alpha: number, b1: number, b2: number, eps: number): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + (1 - b1) * gi;
    const vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= alpha * mi / (Math.sqrt(vi) + eps);
  }
}

const reference: KernelSet = {
  name: 'reference',
  matmul: gemm.matmul,
  conv2dForward(x, w, bias, info, y, relu = false, pool2x2 = false) {
    const size = info.batch * info.outH * info.outW * info.outC;
    const full = pool2x2 ? new (y.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(size) : y;
    conv.conv2dForward(x, w, bias, info, full);
    if (relu) reluInPlace(full, size);
    if (pool2x2) pool.maxPoolForward(full, poolInfo([info.batch, info.outH, info.outW, info.outC], [2, 2], [2, 2], 'valid'), y);
  },
  conv2dBackpropInput: conv.conv2dBackpropInput,
  conv2dBackpropFilter: conv.conv2dBackpropFilter,
  biasGrad: conv.biasGradNHWC,
  maxPoolForward: pool.maxPoolForward,
  avgPoolForward: pool.avgPoolForward,
  maxPoolBackward(dy, x, info, ties, dx, reluMask = false) {
    pool.maxPoolBackward(dy, x, info, ties, dx);
    if (reluMask) for (let i = 0; i < dx.length; i++) if (!(x[i] > 0)) dx[i] = 0;
  },
  avgPoolBackward: pool.avgPoolBackward,
  biasActivation(y, bias, rows, channels, relu) {
    for (let r = 0; r < rows; r++) {
      const base = r * channels;
      for (let c = 0; c < channels; c++) {
        const v = y[base + c] + bias[c];
        y[base + c] = relu && v < 0 ? 0 : v;
      }
    }
  },
  // NaN stays NaN (as NumPy's maximum(x, 0) and TensorFlow's relu have it), like the fused bias + relu.
  relu(x, y) { for (let i = 0; i < y.length; i++) { const v = x[i]; y[i] = v < 0 ? 0 : v; } },
  reluGrad(dy, x, dx) { for (let i = 0; i < dx.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0; },
  adamUpdate: referenceAdam,
  adamUpdateList(params, grads, m, v, alpha, beta1, beta2, epsilon) {
    for (let k = 0; k < params.length; k++) referenceAdam(params[k], grads[k], m[k], v[k], alpha, beta1, beta2, epsilon);
  },
};

const f32 = (...arrays: (FloatArray | null)[]) => arrays.every((a) => a === null || a instanceof Float32Array);

/** float32 calls go to WebAssembly, anything else to the reference set. */
const wasm: KernelSet = {
  name: 'wasm',
  matmul(a, b, c, m, k, n, transA, transB, accumulate) {
    if (f32(a, b, c)) fast.matmul(a as Float32Array, b as Float32Array, c as Float32Array, m, k, n, transA, transB, accumulate);
    else reference.matmul(a, b, c, m, k, n, transA, transB, accumulate);
  },
  conv2dForward(x, w, bias, info, y, relu = false, pool2x2 = false) {
    if (f32(x, w, bias, y)) fast.conv2dForward(x as Float32Array, w as Float32Array, bias as Float32Array | null, info, y as Float32Array, relu, pool2x2);
    else reference.conv2dForward(x, w, bias, info, y, relu, pool2x2);
  },
  conv2dBackpropInput(dy, w, info, dx) {
    if (f32(dy, w, dx)) fast.conv2dBackpropInput(dy as Float32Array, w as Float32Array, info, dx as Float32Array);
    else reference.conv2dBackpropInput(dy, w, info, dx);
  },
  conv2dBackpropFilter(x, dy, info, dw) {
    if (f32(x, dy, dw)) fast.conv2dBackpropFilter(x as Float32Array, dy as Float32Array, info, dw as Float32Array);
    else reference.conv2dBackpropFilter(x, dy, info, dw);
  },
  biasGrad(dy, channels, db) {
    if (f32(dy, db)) fast.biasGrad(dy as Float32Array, channels, db as Float32Array);
    else reference.biasGrad(dy, channels, db);
  },
  maxPoolForward(x, info, y) {
    if (f32(x, y)) fast.maxPoolForward(x as Float32Array, info, y as Float32Array);
    else reference.maxPoolForward(x, info, y);
  },
  avgPoolForward(x, info, y) {
    if (f32(x, y)) fast.avgPoolForward(x as Float32Array, info, y as Float32Array);
    else reference.avgPoolForward(x, info, y);
  },
  maxPoolBackward(dy, x, info, ties, dx, reluMask = false) {
    if (f32(dy, x, dx)) fast.maxPoolBackward(dy as Float32Array, x as Float32Array, info, ties, dx as Float32Array, reluMask);
    else reference.maxPoolBackward(dy, x, info, ties, dx, reluMask);
  },
  avgPoolBackward(dy, info, dx) {
    if (f32(dy, dx)) fast.avgPoolBackward(dy as Float32Array, info, dx as Float32Array);
    else reference.avgPoolBackward(dy, info, dx);
  },
  biasActivation(y, bias, rows, channels, relu) {
    if (f32(y, bias)) fast.biasActivation(y as Float32Array, bias as Float32Array, rows, channels, relu);
    else reference.biasActivation(y, bias, rows, channels, relu);
  },
  relu(x, y) {
    if (f32(x, y) && x.length === y.length) fast.relu(x as Float32Array, y as Float32Array);
    else reference.relu(x, y);
  },
  reluGrad(dy, x, dx) {
    if (f32(dy, x, dx) && dy.length === dx.length) fast.reluGrad(dy as Float32Array, x as Float32Array, dx as Float32Array);
    else reference.reluGrad(dy, x, dx);
  },
  adamUpdate(param, grad, m, v, alpha, beta1, beta2, epsilon) {
    if (f32(param, grad, m, v)) fast.adamStep(param as Float32Array, grad as Float32Array, m as Float32Array, v as Float32Array, alpha, beta1, beta2, epsilon);
    else reference.adamUpdate(param, grad, m, v, alpha, beta1, beta2, epsilon);
  },
  adamUpdateList(params, grads, m, v, alpha, beta1, beta2, epsilon) {
    if (params.every((p, k) => f32(p, grads[k], m[k], v[k]))) {
      fast.adamStepList(params as Float32Array[], grads as Float32Array[], m as Float32Array[], v as Float32Array[], alpha, beta1, beta2, epsilon);
    } else reference.adamUpdateList(params, grads, m, v, alpha, beta1, beta2, epsilon);
  },
};

/** True when the WebAssembly kernels can run here (module built, SIMD and shared memory supported). */
export function wasmAvailable(): boolean {
  return tryRuntime() !== null;
}

let active: KernelSet | undefined;

export function setBackend(name: BackendName): void {
  if (name === 'reference') active = reference;
  else if (name === 'wasm') {
    if (!wasmAvailable()) {
      throw new Error("name: expected a backend available here; 'wasm' needs WebAssembly SIMD and the built module (node scripts/build-wasm.mjs)");
    }
    active = wasm;
  } else {
    throw new Error(`name: expected 'reference' or 'wasm', got ${JSON.stringify(name)}`);
  }
}

export function getBackend(): BackendName {
  return kernels().name;
}

/** The active kernel set; ops call kernels().conv2dForward(…) and so on. */
export function kernels(): KernelSet {
  if (!active) active = wasmAvailable() ? wasm : reference;
  return active;
}
