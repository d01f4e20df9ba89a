// Elementwise and row-wise kernels of a training step. Work items are elements (or rows).
import { argI, argF, argP } from './simd';

// exp and log come from the host (the build maps Math to JSMath): AssemblyScript's own versions
// carry lookup tables as static data, which every thread's instantiation would rewrite.

/** params [x, y]: y = max(x, 0). */
export function relu(params: usize, begin: i32, end: i32, scratch: usize): void {
  const x = argP(params, 0), y = argP(params, 1);
  const zero = f32x4.splat(0);
  let i = begin;
  for (; i + 4 <= end; i += 4) {
    const at = <usize>i << 2;
    v128.store(y + at, f32x4.max(v128.load(x + at), zero));
  }
  for (; i < end; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(y + (<usize>i << 2), v > 0 ? v : 0);
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
    memory.fill(scratch, 0, <usize>period << 2);
    const total = rows * channels;
    let i = 0;
    for (; i + period <= total; i += period) {
      const block = dy + (<usize>i << 2);
      for (let j = 0; j < period; j += 4) {
        const at = <usize>j << 2;
        v128.store(scratch + at, f32x4.add(v128.load(scratch + at), v128.load(block + at)));
      }
    }
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
      if (relu) v = f32x4.max(v, zero);
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
