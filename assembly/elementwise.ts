// Elementwise and row-wise kernels of a training step. Work items are elements (or rows).
import { argI, argF, argP } from './simd';

// exp and log come from the host (the build maps Math to JSMath): AssemblyScript's own versions
// carry lookup tables as static data, which every thread's instantiation would rewrite.

/**
 * params [x, y]: y = x < 0 ? 0 : x (NaN and -0 pass through, as in the reference). Every relu here is
 * f32x4.pmax(x, 0), which is exactly that and one maxps on x64; f32x4.max's NaN and ±0 rules cost V8
 * ~8 instructions, and turn -0 into +0.
 */
export function relu(params: usize, begin: i32, end: i32, scratch: usize): void {
  const x = argP(params, 0), y = argP(params, 1);
  const zero = f32x4.splat(0);
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    const at = <usize>i << 2;
    v128.store(y + at, f32x4.pmax(v128.load(x + at), zero));
  }
  for (; i < end; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v < 0 ? 0 : v);
  }
}

/** params [dy, x, dx]: dx = dy where x > 0, else 0 (x may be relu's input or its output). */
export function reluGrad(params: usize, begin: i32, end: i32, scratch: usize): void {
  const dy = argP(params, 0), x = argP(params, 1), dx = argP(params, 2);
  const zero = f32x4.splat(0);
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    const at = <usize>i << 2;
    const positive = f32x4.gt(v128.load(x + at), zero);
    v128.store(dx + at, v128.and(v128.load(dy + at), positive));
  }
  for (; i < end; i++) {
    const at = <usize>i << 2;
    store<f32>(dx + at, load<f32>(x + at) > 0 ? load<f32>(dy + at) : 0);
  }
}

/**
 * out[v] = Σ_b src[b·period + 4v … +3] for v < n (n = 1…4, a constant at every call site, so the
 * unused accumulators fold away): two blocks per iteration on separate accumulators, so the adds of
 * consecutive blocks do not wait on each other.
 */
@inline function sumBlockColumns(src: usize, blocks: i32, period: i32, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let a0 = zero, a1 = zero, a2 = zero, a3 = zero, b0 = zero, b1 = zero, b2 = zero, b3 = zero;
  const step = <usize>period << 2;
  let p = src;
  let b = 0;
  for (; b + 2 <= blocks; b += 2, p += 2 * step) {
    const q = p + step;
    a0 = f32x4.add(a0, v128.load(p)); b0 = f32x4.add(b0, v128.load(q));
    if (n > 1) { a1 = f32x4.add(a1, v128.load(p, 16)); b1 = f32x4.add(b1, v128.load(q, 16)); }
    if (n > 2) { a2 = f32x4.add(a2, v128.load(p, 32)); b2 = f32x4.add(b2, v128.load(q, 32)); }
    if (n > 3) { a3 = f32x4.add(a3, v128.load(p, 48)); b3 = f32x4.add(b3, v128.load(q, 48)); }
  }
  if (b < blocks) {
    a0 = f32x4.add(a0, v128.load(p));
    if (n > 1) a1 = f32x4.add(a1, v128.load(p, 16));
    if (n > 2) a2 = f32x4.add(a2, v128.load(p, 32));
    if (n > 3) a3 = f32x4.add(a3, v128.load(p, 48));
  }
  v128.store(out, f32x4.add(a0, b0));
  if (n > 1) v128.store(out, f32x4.add(a1, b1), 16);
  if (n > 2) v128.store(out, f32x4.add(a2, b2), 32);
  if (n > 3) v128.store(out, f32x4.add(a3, b3), 48);
}

/**
 * params [dy, db, rows, channels]: db[c] = Σ_rows dy[r, c]; work items are channels. When one call
 * covers every channel and scratch holds lcm(channels, 4) floats, dy is summed as a flat stream in
 * SIMD blocks of lcm(channels, 4) (which keeps each lane on one channel), then folded per channel:
 * few channels (LeNet's 6) would otherwise leave the lanes idle.
 */
export function biasGrad(params: usize, begin: i32, end: i32, scratch: usize): void {
  const dy = argP(params, 0), db = argP(params, 1);
  const rows = argI(params, 2), channels = argI(params, 3), period = argI(params, 4);
  for (let ch = begin; ch < end; ch++) store<f32>(db + (<usize>ch << 2), 0);
  if (period > 0 && begin == 0 && end == channels) {
    const total = rows * channels;
    const blocks = total / period;
    // Up to 4 vectors of the block at a time, summed over every block in registers (the sums used
    // to make a round trip through scratch per block: LeNet conv1's [32,28,28,6] took 87 µs).
    for (let j = 0; j < period; j += 16) {
      const left = (period - j) >> 2;
      if (left >= 4) sumBlockColumns(dy + (<usize>j << 2), blocks, period, scratch + (<usize>j << 2), 4);
      else if (left == 3) sumBlockColumns(dy + (<usize>j << 2), blocks, period, scratch + (<usize>j << 2), 3);
      else if (left == 2) sumBlockColumns(dy + (<usize>j << 2), blocks, period, scratch + (<usize>j << 2), 2);
      else sumBlockColumns(dy + (<usize>j << 2), blocks, period, scratch + (<usize>j << 2), 1);
    }
    let i = blocks * period;
    for (let j = 0; j < period; j++) {
      const at = db + (<usize>(j % channels) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(scratch + (<usize>j << 2)));
    }
    for (; i < total; i++) {
      const at = db + (<usize>(i % channels) << 2);
      store<f32>(at, load<f32>(at) + load<f32>(dy + (<usize>i << 2)));
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = dy + ((<usize>r * channels) << 2);
    for (let ch = begin; ch < end; ch++) {
      const at = db + (<usize>ch << 2);
      store<f32>(at, load<f32>(at) + load<f32>(row + (<usize>ch << 2)));
    }
  }
}

/**
 * params [logits, labels, dLogits (0 = none), losses, rows, classes]: per row, the cross-entropy of
 * softmax(logits) against the (one-hot or soft) labels, computed stably by subtracting the row max;
 * dLogits = (softmax − labels) / rows, the gradient of the batch mean. Work items are rows.
 */
export function softmaxCrossEntropy(params: usize, begin: i32, end: i32, scratch: usize): void {
  const logits = argP(params, 0), labels = argP(params, 1), dLogits = argP(params, 2), losses = argP(params, 3);
  const rows = argI(params, 4), classes = argI(params, 5);
  const invRows: f32 = 1 / <f32>rows;
  for (let r = begin; r < end; r++) {
    const z = logits + ((<usize>r * classes) << 2);
    const t = labels + ((<usize>r * classes) << 2);
    let top: f32 = -Infinity;
    for (let j = 0; j < classes; j++) top = max(top, load<f32>(z + (<usize>j << 2)));
    let sum: f64 = 0;
    for (let j = 0; j < classes; j++) sum += Math.exp(<f64>(load<f32>(z + (<usize>j << 2)) - top));
    const logSum = Math.log(sum);
    let loss: f64 = 0;
    for (let j = 0; j < classes; j++) {
      const at = <usize>j << 2;
      const logP = <f64>(load<f32>(z + at) - top) - logSum;
      const label = load<f32>(t + at);
      if (label != 0) loss -= <f64>label * logP;
      if (dLogits != 0) store<f32>(dLogits + ((<usize>r * classes) << 2) + at, (<f32>Math.exp(logP) - label) * invRows);
    }
    store<f32>(losses + (<usize>r << 2), <f32>loss);
  }
}

/**
 * params [param, grad, m, v, alpha, beta1, beta2, epsilon]: one Adam step (Kingma & Ba, with the
 * bias corrections folded into the step size alpha = lr·√(1−β2^t)/(1−β1^t) as TensorFlow does; the
 * caller computes alpha, which keeps pow and its tables out of the module). Work items are elements.
 */
export function adamUpdate(params: usize, begin: i32, end: i32, scratch: usize): void {
  adamRange(argP(params, 0), argP(params, 1), argP(params, 2), argP(params, 3),
    argF(params, 4), argF(params, 5), argF(params, 6), argF(params, 7), begin, end);
}

/** Elements [begin, end) of one Adam step on w with gradient g and moments m, v. */
@inline function adamRange(w: usize, g: usize, m: usize, v: usize, alpha: f32, beta1: f32, beta2: f32, eps: f32, begin: i32, end: i32): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(1 - beta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(1 - beta2);
  const a = f32x4.splat(alpha), e = f32x4.splat(eps);
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    const at = <usize>i << 2;
    const grad = v128.load(g + at);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + at)), f32x4.mul(c1, grad));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + at)), f32x4.mul(c2, f32x4.mul(grad, grad)));
    v128.store(m + at, mi);
    v128.store(v + at, vi);
    const update = f32x4.div(f32x4.mul(a, mi), f32x4.add(f32x4.sqrt(vi), e));
    v128.store(w + at, f32x4.sub(v128.load(w + at), update));
  }
  for (; i < end; i++) {
    const at = <usize>i << 2;
    const grad = load<f32>(g + at);
    const mi = beta1 * load<f32>(m + at) + (1 - beta1) * grad;
    const vi = beta2 * load<f32>(v + at) + (1 - beta2) * grad * grad;
    store<f32>(m + at, mi);
    store<f32>(v + at, vi);
    store<f32>(w + at, load<f32>(w + at) - alpha * mi / (Mathf.sqrt(vi) + eps));
  }
}

/**
 * Adam over a list of variables in one call: params [alpha, beta1, beta2, eps, count, then per
 * variable (w, g, m, v, first)], `first` being the variable's first element in the concatenation of
 * all of them (count + 1 of those: the last is the total). Work items are elements of that
 * concatenation, so one call updates every variable with the work split evenly across threads.
 */
export function adamUpdateList(params: usize, begin: i32, end: i32, scratch: usize): void {
  const count = argI(params, 4);
  for (let k = 0; k < count; k++) {
    const slot = 5 + 5 * k;
    const first = argI(params, slot + 4), next = argI(params, slot + 9);
    const lo = max(begin, first), hi = min(end, next);
    if (lo >= hi) continue;
    adamRange(argP(params, slot), argP(params, slot + 1), argP(params, slot + 2), argP(params, slot + 3),
      argF(params, 0), argF(params, 1), argF(params, 2), argF(params, 3), lo - first, hi - first);
  }
}

/** params [y, bias, rows, channels, relu]: in place, y[r, c] = act(y[r, c] + bias[c]); work items are rows. */
export function biasAct(params: usize, begin: i32, end: i32, scratch: usize): void {
  const y = argP(params, 0), bias = argP(params, 1);
  const channels = argI(params, 3), relu = argI(params, 4) != 0;
  const zero = f32x4.splat(0);
  for (let r = begin; r < end; r++) {
    const row = y + ((<usize>r * channels) << 2);
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const at = <usize>c << 2;
      let v = f32x4.add(v128.load(row + at), v128.load(bias + at));
      if (relu) v = f32x4.pmax(v, zero);
      v128.store(row + at, v);
    }
    for (; c < channels; c++) {
      const at = <usize>c << 2;
      let v = load<f32>(row + at) + load<f32>(bias + at);
      if (relu && v < 0) v = 0;
      store<f32>(row + at, v);
    }
  }
}
