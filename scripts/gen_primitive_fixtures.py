#!/usr/bin/env python3
"""Writes test/fixtures/primitives/*.json: inputs and expected outputs of the spec's four primitives,
computed by a straightforward NumPy implementation that loops over the output like the course's
solution, with TensorFlow's 'same' padding (out = ceil(in/s), extra padding row/column at the end).

Numbers are written with Python's repr (shortest round-trip), which JSON.parse reads back exactly.
Run: python3 scripts/gen_primitive_fixtures.py
"""
import json
import math
import os

import numpy as np

OUT_DIR = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'primitives')


def same_pads(size, k, s):
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return out, total // 2, total - total // 2


def conv_geometry(x_shape, w_shape, padding, stride):
    _, h, w, _ = x_shape
    kh, kw, _, _ = w_shape
    sh, sw = stride
    if padding == 'valid':
        return (h - kh) // sh + 1, (w - kw) // sw + 1, (0, 0), (0, 0)
    oh, pt, pb = same_pads(h, kh, sh)
    ow, pl, pr = same_pads(w, kw, sw)
    return oh, ow, (pt, pb), (pl, pr)


def conv_forward(x, W, b, padding, stride):
    m = x.shape[0]
    kh, kw, _, c_new = W.shape
    sh, sw = stride
    oh, ow, ph, pw = conv_geometry(x.shape, W.shape, padding, stride)
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    Z = np.zeros((m, oh, ow, c_new))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
            for k in range(c_new):
                Z[:, i, j, k] = np.sum(patch * W[:, :, :, k], axis=(1, 2, 3))
    return Z + b


def conv_backward(dZ, x, W, padding, stride):
    m, h, w, _ = x.shape
    kh, kw, _, c_new = W.shape
    sh, sw = stride
    oh, ow, ph, pw = conv_geometry(x.shape, W.shape, padding, stride)
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    dxp = np.zeros_like(xp)
    dW = np.zeros_like(W)
    for i in range(oh):
        for j in range(ow):
            rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
            for k in range(c_new):
                g = dZ[:, i, j, k][:, None, None, None]
                dxp[:, rows, cols, :] += g * W[:, :, :, k]
                dW[:, :, :, k] += np.sum(g * xp[:, rows, cols, :], axis=0)
    dx = dxp[:, ph[0]:ph[0] + h, pw[0]:pw[0] + w, :]
    db = np.sum(dZ, axis=(0, 1, 2), keepdims=True)
    return dx, dW, db


def pool_forward(x, kernel, stride, mode):
    m, h, w, c = x.shape
    kh, kw = kernel
    sh, sw = stride
    oh, ow = (h - kh) // sh + 1, (w - kw) // sw + 1
    A = np.zeros((m, oh, ow, c))
    reduce = np.max if mode == 'max' else np.mean
    for i in range(oh):
        for j in range(ow):
            A[:, i, j, :] = reduce(x[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :], axis=(1, 2))
    return A


def pool_backward(dA, x, kernel, stride, mode):
    _, oh, ow, _ = dA.shape
    kh, kw = kernel
    sh, sw = stride
    dx = np.zeros_like(x)
    for i in range(oh):
        for j in range(ow):
            rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
            g = dA[:, i, j, :][:, None, None, :]
            if mode == 'max':
                window = x[:, rows, cols, :]
                mask = window == np.max(window, axis=(1, 2), keepdims=True)
                dx[:, rows, cols, :] += mask * g
            else:
                dx[:, rows, cols, :] += g / (kh * kw)
    return dx


def arr(a):
    a = np.asarray(a, dtype=np.float64)
    return {'shape': list(a.shape), 'data': [float(v) for v in a.ravel()]}


def conv_cases(rng):
    cases = []
    for x_shape, w_shape, padding, stride in [
        ((2, 5, 6, 3), (3, 3, 3, 4), 'same', (1, 1)),
        ((2, 7, 6, 2), (2, 2, 2, 3), 'same', (2, 2)),    # even kernel, stride 2 'same'
        ((1, 8, 7, 3), (4, 3, 3, 2), 'same', (2, 3)),    # even kernel height, asymmetric padding
        ((2, 6, 5, 1), (4, 3, 1, 2), 'valid', (2, 1)),
        ((1, 9, 9, 2), (3, 3, 2, 2), 'valid', (3, 3)),
    ]:
        x = rng.standard_normal(x_shape)
        W = rng.standard_normal(w_shape)
        b = rng.standard_normal((1, 1, 1, w_shape[3]))
        Z = conv_forward(x, W, b, padding, stride)
        dZ = rng.standard_normal(Z.shape)
        dx, dW, db = conv_backward(dZ, x, W, padding, stride)
        cases.append({'padding': padding, 'stride': list(stride),
                      'aPrev': arr(x), 'W': arr(W), 'b': arr(b), 'Z': arr(Z),
                      'dZ': arr(dZ), 'dAPrev': arr(dx), 'dW': arr(dW), 'db': arr(db)})
    return cases


def pool_cases(rng):
    cases = []
    for x_shape, kernel, stride, mode, integer in [
        ((2, 6, 7, 3), (2, 2), (2, 2), 'max', False),
        ((2, 6, 7, 3), (2, 2), (2, 2), 'avg', False),
        ((1, 7, 7, 2), (3, 2), (1, 2), 'max', True),   # overlapping windows, many tied maxima
        ((1, 7, 7, 2), (3, 2), (1, 2), 'avg', False),
        ((2, 9, 8, 1), (3, 3), (3, 3), 'max', True),   # the spec's 3-main geometry in small
    ]:
        x = rng.standard_normal(x_shape)
        if integer:
            x = np.round(x)
        A = pool_forward(x, kernel, stride, mode)
        dA = rng.standard_normal(A.shape)
        dx = pool_backward(dA, x, kernel, stride, mode)
        cases.append({'kernelShape': list(kernel), 'stride': list(stride), 'mode': mode,
                      'aPrev': arr(x), 'A': arr(A), 'dA': arr(dA), 'dAPrev': arr(dx)})
    return cases


def spec_2_main():
    """The spec's 2-main: dA_prev and db depend only on W and dZ, not on the MNIST images."""
    np.random.seed(0)
    W = np.random.randn(3, 3, 1, 2)
    b = np.random.randn(1, 1, 1, 2)
    dZ = np.random.randn(10, 26, 26, 2)
    images = np.zeros((10, 28, 28, 1))
    dx, _, db = conv_backward(dZ, images, W, 'valid', (1, 1))
    return {'W': arr(W), 'b': arr(b), 'dZ': arr(dZ), 'dAPrev0': arr(dx[0]), 'db': arr(db)}


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    rng = np.random.default_rng(20240607)
    files = {'conv.json': conv_cases(rng), 'pool.json': pool_cases(rng), 'spec-2-main.json': spec_2_main()}
    for name, content in files.items():
        with open(os.path.join(OUT_DIR, name), 'w') as f:
            json.dump(content, f, separators=(',', ':'))
    s = files['spec-2-main.json']
    print('db', s['db']['data'], 'dA_prev[0,0,0,0]', s['dAPrev0']['data'][0], 'dA_prev[0,0,1,0]', s['dAPrev0']['data'][1])


if __name__ == '__main__':
    main()
