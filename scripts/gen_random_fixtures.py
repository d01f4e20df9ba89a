#!/usr/bin/env python3
"""Writes test/fixtures/random/numpy_random.json: what NumPy's legacy np.random gives for a set of call sequences.

test/random.test.ts replays each sequence on src/tensor/random.ts and compares bit for bit. Doubles are stored with
repr() (shortest round-trip form, so JSON.parse gives the identical double); long arrays are stored as a SHA-256 of
their little-endian bytes (float64 or int32) plus their first/last 20 values and their left-to-right sum.

Run: python3 scripts/gen_random_fixtures.py   (NumPy 2.x; gaussians depend on the C library's log, see random.ts)
"""
import hashlib
import json
import math
import os
import platform

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'random', 'numpy_random.json')
INLINE_LIMIT = 100  # arrays longer than this are summarised


def summarise(arr):
    arr = np.asarray(arr)
    if arr.dtype.kind in 'iu':
        raw = arr.astype('<i4').tobytes()
        flat = [int(v) for v in arr.ravel()]
        total = int(sum(flat))
    else:
        raw = arr.astype('<f8').tobytes()
        flat = [float(v) for v in arr.ravel()]
        total = 0.0
        for v in flat:  # left to right, as the JS test sums
            total += v
    return {'n': len(flat), 'sha256': hashlib.sha256(raw).hexdigest(), 'first': flat[:20], 'last': flat[-20:], 'sum': total}


def encode(result):
    """A plain number for scalars; shape + values (or a summary) for arrays."""
    if np.isscalar(result) or np.ndim(result) == 0:
        return {'scalar': result.item() if hasattr(result, 'item') else result}
    arr = np.asarray(result)
    out = {'shape': list(arr.shape), 'kind': 'int' if arr.dtype.kind in 'iu' else 'float'}
    if arr.size <= INLINE_LIMIT:
        out['values'] = arr.ravel().tolist()
    else:
        out['summary'] = summarise(arr)
    return out


def state_digest(rs):
    name, key, pos, has_gauss, gauss = rs.get_state()
    return {
        'key_sha256': hashlib.sha256(np.asarray(key, dtype='<u4').tobytes()).hexdigest(),
        'key_head': [int(k) for k in key[:4]],
        'pos': int(pos),
        'has_gauss': int(has_gauss),
        'cached_gaussian': float(gauss),
    }


def run(ops):
    """ops: list of [name, *args]; returns the ops with NumPy's result attached. Uses one RandomState."""
    rs = np.random.RandomState(0)
    out = []
    for op in ops:
        name, args = op[0], list(op[1:])
        entry = {'op': name, 'args': args}
        if name == 'seed':
            rs.seed(args[0])
        elif name == 'state':
            entry['state'] = state_digest(rs)
        elif name == 'rand':
            entry['result'] = encode(rs.rand(*args))
        elif name == 'randn':
            entry['result'] = encode(rs.randn(*args))
        elif name == 'randint':  # args: low, high, size (None for scalar)
            entry['result'] = encode(rs.randint(args[0], args[1], size=args[2]))
        elif name == 'uniform':
            entry['result'] = encode(rs.uniform(args[0], args[1], size=args[2]))
        elif name == 'normal':
            entry['result'] = encode(rs.normal(args[0], args[1], size=args[2]))
        elif name == 'permutation':
            entry['result'] = encode(rs.permutation(args[0]).astype(np.int32))
        elif name == 'shuffle':  # args: shape; shuffles arange(prod(shape)) as float64 reshaped
            x = np.arange(int(np.prod(args[0])), dtype=np.float64).reshape(args[0])
            rs.shuffle(x)
            entry['result'] = encode(x)
        else:
            raise ValueError(name)
        out.append(entry)
    return out


SEEDS = [0, 1, 42, 2**32 - 1, 12345]
LENGTHS = [1, 2, 3, 7, 624, 625, 1000, 1001, 1249]


def sequences():
    seqs = {}
    for s in SEEDS:
        ops = [['seed', s], ['state'],
               ['rand', 1], ['rand', 2], ['rand', 3], ['rand', 7],
               ['randn', 1], ['randn', 2], ['randn', 3], ['randn', 7],
               ['rand', 624], ['randn', 1000], ['randint', -2**31, 2**31, 625], ['randint', 0, 10, 20], ['state']]
        seqs[f'seed {s}: mixed lengths'] = ops
        fresh = []
        for n in LENGTHS:
            fresh += [['seed', s], ['rand', n], ['seed', s], ['randn', n], ['seed', s], ['randint', -2**31, 2**31, n]]
        seqs[f'seed {s}: each length from a fresh seed'] = fresh
    seqs['interleaved: the cached gaussian carries over'] = [
        ['seed', 0], ['randn', 3], ['rand', 2], ['randn', 5], ['randn'], ['rand'], ['randn', 1],
        ['normal', 1.5, 2.0, 3], ['randn'], ['uniform', -1.0, 3.0, [2, 2]], ['state'], ['randn', 2, 3], ['state']]
    seqs['reseeding mid-stream clears the cached gaussian'] = [
        ['seed', 1], ['randn', 3], ['state'], ['seed', 1], ['state'], ['randn', 3], ['randn', 1],
        ['seed', 2], ['rand', 2], ['seed', 1], ['rand', 1], ['randn', 1]]
    seqs['permutations'] = [
        ['seed', 0], ['permutation', 1], ['permutation', 0], ['permutation', 2], ['permutation', 10],
        ['permutation', 1000], ['permutation', 50000], ['rand', 1],
        ['seed', 42], ['permutation', 10], ['permutation', 50000], ['state']]
    seqs['shuffle along axis 0'] = [
        ['seed', 3], ['shuffle', [10, 3]], ['shuffle', [7]], ['shuffle', [5, 2, 2]], ['shuffle', [1, 4]], ['rand', 2]]
    seqs['randint ranges'] = [
        ['seed', 5], ['randint', 0, 10, 20], ['randint', 0, 5, 20], ['randint', -3, 3, 15], ['randint', 0, 2**31, 10],
        ['randint', 0, 2**16 + 1, 30], ['randint', 7, 8, 5], ['rand', 1], ['randint', -2**31, 2**31, 5],
        ['randint', 0, 100, None], ['randint', -5, 5, None], ['randint', 0, 3, [2, 3]], ['randint', 1, 2**31 - 1, 10],
        ['randint', -2**31, -2**31 + 3, 12], ['state']]
    seqs['uniform and normal'] = [
        ['seed', 9], ['uniform', 0.0, 1.0, None], ['uniform', -2.5, 7.25, 9], ['uniform', 3.0, 1.0, 4],
        ['normal', 0.0, 1.0, None], ['normal', -1.0, 0.5, 9], ['normal', 2.0, 0.0, 3], ['randn'], ['state']]
    seqs['array seeds (init_by_array)'] = [
        ['seed', [1, 2, 3]], ['state'], ['rand', 5], ['seed', [0]], ['state'], ['randn', 4],
        ['seed', [2**32 - 1] * 700], ['state'], ['rand', 3], ['seed', list(range(624))], ['state'], ['randint', 0, 1000, 6]]
    seqs['2-main: seed(0); randn(3,3,1,2); randn(1,1,1,2); randn(10,26,26,2)'] = [
        ['seed', 0], ['randn', 3, 3, 1, 2], ['randn', 1, 1, 1, 2], ['randn', 10, 26, 26, 2], ['state']]
    seqs['large: seed(0); randn(50000*784)'] = [['seed', 0], ['randn', 50000 * 784], ['state']]
    return seqs


def set_state_case():
    """A mid-stream NumPy state (pos inside the key, a cached gaussian) and what follows it."""
    rs = np.random.RandomState(7)
    rs.randn(3)
    name, key, pos, has_gauss, gauss = rs.get_state()
    state = {'algorithm': name, 'key': [int(k) for k in key], 'pos': int(pos), 'has_gauss': int(has_gauss),
             'cached_gaussian': float(gauss)}
    return {'state': state, 'randn4': rs.randn(4).tolist(), 'rand2': rs.rand(2).tolist()}


def log_case():
    """glibc's log (via math.log, the same libm call NumPy's gauss makes) on inputs both sides can rebuild."""
    u = np.random.RandomState(99).random_sample(300000)
    u = u[u > 0]
    xs = []
    for i, v in enumerate(u.tolist()):
        kind = i % 4
        if kind == 0:
            xs.append(v)                                   # (0, 1): the gauss inputs
        elif kind == 1:
            xs.append(0.9375 + v * 0.1272)                 # glibc's near-one path and its edges
        elif kind == 2:
            xs.append(v * 2.0 ** ((i % 2040) - 1020))      # every exponent, subnormals included
        else:
            xs.append(1.0 + v * 2.0 ** -((i % 50) + 1))   # just above 1: cancellation-heavy inputs
    ys = np.array([math.log(x) for x in xs], dtype='<f8')
    return {'seed': 99, 'count': len(xs), 'sha256': hashlib.sha256(ys.tobytes()).hexdigest(),
            'first': ys[:8].tolist(), 'inputs_first': xs[:8]}


def main():
    data = {
        'generator': 'scripts/gen_random_fixtures.py',
        'numpy': np.__version__,
        'libc': ' '.join(platform.libc_ver()),
        'machine': platform.machine(),
        'sequences': {name: run(ops) for name, ops in sequences().items()},
        'set_state': set_state_case(),
        'log': log_case(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(data, f, separators=(',', ':'))
    print(f'wrote {OUT}: {os.path.getsize(OUT)} bytes')


if __name__ == '__main__':
    main()
