#!/usr/bin/env python3
"""Checks that NumPy reads back, exactly, the .npy/.npz files our saveNpy/saveNpz wrote into a directory.

usage: python3 scripts/check_npy_written.py DIR
DIR/manifest.json maps each file name to what it must hold: for .npy {"descr", "shape", "values"}, for .npz
{key: {"descr", "shape", "values"}}; values are flat C-order, non-finite floats and -0.0 as the strings "nan", "inf", "-inf", "-0".
Besides the values, .npy files must have a version 1.0 header with the data aligned to 64 bytes, as
np.save writes them. Prints one line per file; exits 1 on the first mismatch."""
import json
import os
import sys
import zipfile

import numpy as np


def expected_array(spec):
    vals = [float(v) if isinstance(v, str) else v for v in spec['values']]
    return np.array(vals, dtype=np.dtype(spec['descr'])).reshape(spec['shape'])


def same(actual, spec, where):
    want = expected_array(spec)
    if actual.dtype.str != spec['descr']:
        return f'{where}: dtype {actual.dtype.str}, expected {spec["descr"]}'
    if list(actual.shape) != spec['shape']:
        return f'{where}: shape {list(actual.shape)}, expected {spec["shape"]}'
    # Compare bit patterns so NaN, -0.0 and every float32 rounding must match exactly.
    if actual.tobytes() != np.ascontiguousarray(want).tobytes():
        return f'{where}: values differ: {actual!r} vs expected {want!r}'
    return None


def check_npy_header(path):
    with open(path, 'rb') as f:
        version = np.lib.format.read_magic(f)
        if version != (1, 0):
            return f'{path}: header version {version}, expected (1, 0)'
        np.lib.format.read_array_header_1_0(f)
        if f.tell() % 64 != 0:
            return f'{path}: data starts at {f.tell()}, not a multiple of 64'
    return None


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    root = sys.argv[1]
    with open(os.path.join(root, 'manifest.json')) as f:
        manifest = json.load(f)
    for name, spec in manifest.items():
        path = os.path.join(root, name)
        if name.endswith('.npy'):
            error = check_npy_header(path) or same(np.load(path), spec, name)
        else:
            with zipfile.ZipFile(path) as z:
                bad = z.testzip()
                names = sorted(z.namelist())
            error = f'{name}: CRC error in {bad}' if bad else None
            if not error and names != sorted(k + '.npy' for k in spec):
                error = f'{name}: entries {names}, expected {sorted(k + ".npy" for k in spec)}'
            if not error:
                with np.load(path) as archive:
                    for key, sub in spec.items():
                        error = error or same(archive[key], sub, f'{name}[{key}]')
        if error:
            print('MISMATCH ' + error)
            return 1
        print(f'ok {name}')
    print(f'all {len(manifest)} files read back exactly by NumPy {np.__version__}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
