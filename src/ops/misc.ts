/** argMax, cast, oneHot and onesLike: small ops without a (useful) gradient of their own. */
import type { DType } from '../tensor/dtype.js';
import type { OpDef } from '../graph/op-def.js';
import { assertDType } from '../graph/shape-rules.js';

export interface ArgMaxAttrs { axis: number }

/** Index of the first maximum along `axis` (already normalised), as int32. */
export const argMaxOp: OpDef<ArgMaxAttrs, { outer: number; n: number; inner: number }> = {
  name: 'ArgMax',
  infer(inputs, attrs) {
    const shape = inputs[0].shape.filter((_, i) => i !== attrs.axis);
    return { shape, dtype: 'int32' };
  },
  prepare(inputs, _out, attrs) {
    const s = inputs[0].shape as number[];
    const outer = s.slice(0, attrs.axis).reduce((p, d) => p * d, 1);
    const inner = s.slice(attrs.axis + 1).reduce((p, d) => p * d, 1);
    return { outer, n: s[attrs.axis], inner };
  },
  compute(inputs, out, _attrs, s) {
    const x = inputs[0].data, o = out!.data;
    for (let a = 0; a < s.outer; a++) {
      for (let c = 0; c < s.inner; c++) {
        const base = a * s.n * s.inner + c;
        let best = 0, bestV = x[base];
        for (let j = 1; j < s.n; j++) {
          const v = x[base + j * s.inner];
          if (v > bestV || (bestV !== bestV && v === v)) { bestV = v; best = j; }
        }
        o[a * s.inner + c] = best;
      }
    }
  },
};

export interface CastAttrs { dtype: DType }

/** Converts dtype; float → int32 truncates toward zero like NumPy's astype. */
export const castOp: OpDef<CastAttrs> = {
  name: 'Cast',
  infer: (inputs, attrs) => ({ shape: inputs[0].shape, dtype: attrs.dtype }),
  compute(inputs, out) { out!.data.set(inputs[0].data); },
};

export interface OneHotAttrs { depth: number; onValue: number; offValue: number; dtype: DType }

/** Indices (any shape, int32) → one more trailing axis of length depth; out-of-range rows are all off. */
export const oneHotOp: OpDef<OneHotAttrs> = {
  name: 'OneHot',
  infer(inputs, attrs) {
    assertDType('indices', inputs[0], 'int32');
    return { shape: [...inputs[0].shape, attrs.depth], dtype: attrs.dtype };
  },
  compute(inputs, out, attrs) {
    const idx = inputs[0].data, o = out!.data, depth = attrs.depth;
    o.fill(attrs.offValue);
    for (let i = 0; i < idx.length; i++) {
      const k = idx[i];
      if (k >= 0 && k < depth) o[i * depth + k] = attrs.onValue;
    }
  },
};

/** Ones of the shape and dtype of its input (which is read for its shape only): seeds gradients. */
export const onesLikeOp: OpDef<null> = {
  name: 'OnesLike',
  infer: (inputs) => ({ shape: inputs[0].shape, dtype: inputs[0].dtype }),
  compute(_inputs, out) { out!.data.fill(1); },
};
