#!/usr/bin/env python3
"""Writes the small .npy/.npz fixtures of test/fixtures/npy/ with NumPy, plus expected.json describing
each array (dtype, shape, flat C-order values; non-finite floats as the strings "nan", "inf", "-inf").
Reproducible: fixed seed. Run from the repository root:  python3 scripts/gen_npy_fixtures.py"""
import io
import json
import os
import zipfile

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'npy')
rng = np.random.default_rng(20240607)
expected = {}


def values_of(a):
    out = []
    for v in np.ascontiguousarray(a).ravel().tolist():
        if isinstance(v, float) and not np.isfinite(v):
            out.append('nan' if np.isnan(v) else ('inf' if v > 0 else '-inf'))
        else:
            out.append(int(v) if isinstance(v, (bool, int)) else v)
    return out


def describe(a):
    return {'descr': a.dtype.str, 'shape': list(a.shape), 'values': values_of(a)}


def save(name, a, version=None):
    path = os.path.join(OUT, name)
    if version is None:
        np.save(path, a)
    else:
        with open(path, 'wb') as f:
            np.lib.format.write_array(f, a, version=version)
    expected[name] = describe(a)


def ints(dtype, shape, lo, hi):
    return rng.integers(lo, hi, size=shape, endpoint=True).astype(dtype)


os.makedirs(OUT, exist_ok=True)
for old in os.listdir(OUT):
    os.remove(os.path.join(OUT, old))

# Every dtype we read, little-endian (or byte-sized).
save('f4.npy', rng.standard_normal((3, 4)).astype('<f4'))
save('f8.npy', rng.standard_normal((2, 3, 4)).astype('<f8'))
save('f2.npy', np.array([0, 1, -2.5, 65504, 6e-8, 1e-4, np.inf, -np.inf, np.nan], dtype='<f2'))
save('f4_special.npy', np.array([np.inf, -np.inf, np.nan, -0.0, 1e-45, 3.4028235e38], dtype='<f4'))
save('i4.npy', ints('<i4', (5, 2), -2**31, 2**31 - 1))
save('i8.npy', ints('<i8', (7,), -2**31, 2**31 - 1))
save('u1.npy', ints('|u1', (4, 4), 0, 255))
save('b1.npy', rng.random((3, 3)) > 0.5)
save('i1.npy', ints('|i1', (6,), -128, 127))
save('i2.npy', ints('<i2', (6,), -2**15, 2**15 - 1))
save('u2.npy', ints('<u2', (6,), 0, 2**16 - 1))
save('u4.npy', ints('<u4', (6,), 0, 2**31 - 1))
save('u8.npy', ints('<u8', (3,), 0, 2**31 - 1))

# Big-endian variants: byteswapped on read.
save('f4_be.npy', rng.standard_normal((2, 5)).astype('>f4'))
save('f8_be.npy', rng.standard_normal((4,)).astype('>f8'))
save('i4_be.npy', ints('>i4', (2, 3), -2**31, 2**31 - 1))
save('i8_be.npy', ints('>i8', (5,), -2**31, 2**31 - 1))
save('i2_be.npy', ints('>i2', (4,), -2**15, 2**15 - 1))
save('u2_be.npy', ints('>u2', (4,), 0, 2**16 - 1))
save('f2_be.npy', np.array([1.5, -3.25, 1000], dtype='>f2'))

# Header versions 2.0 and 3.0 (v3 is utf8, otherwise the same).
save('v2.npy', rng.standard_normal((3, 2)).astype('<f4'), version=(2, 0))
save('v3.npy', rng.standard_normal((2, 2)).astype('<f8'), version=(3, 0))

# Fortran order: NumPy writes the column-major bytes with fortran_order True.
save('fortran_2d.npy', np.asfortranarray(rng.standard_normal((3, 4)).astype('<f8')))
save('fortran_3d.npy', np.asfortranarray(ints('<i4', (2, 3, 4), -1000, 1000)))
save('fortran_be.npy', np.asfortranarray(rng.standard_normal((3, 2)).astype('>f4')))

# 0-d and zero-size.
save('scalar.npy', np.array(3.25, dtype='<f8'))
save('scalar_i8.npy', np.array(-7, dtype='<i8'))
save('empty.npy', np.zeros((0, 3), dtype='<f4'))
save('empty_3d.npy', np.zeros((2, 0, 4), dtype='<i4'))

# Out of our int32 range: reading these must fail cleanly.
save('i8_overflow.npy', np.array([1, 2**40, 3], dtype='<i8'))
save('u4_overflow.npy', np.array([1, 2**32 - 1], dtype='<u4'))

# .npz: stored (np.savez), deflated (np.savez_compressed), and genuine ZIP64 records.
npz_arrays = {
    'x': rng.standard_normal((4, 3)).astype('<f4'),
    'labels': ints('<i8', (4,), 0, 9),
    'w': rng.standard_normal((2, 2, 1, 3)),
}
np.savez(os.path.join(OUT, 'stored.npz'), **npz_arrays)
np.savez_compressed(os.path.join(OUT, 'compressed.npz'), **npz_arrays)
# zipfile writes ZIP64 extra fields and end records only past 4 GiB / 65535 entries; lowering its limits
# makes it write them for a tiny file (the same code path, so the same bytes a huge archive would have).
saved_limits = (zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT)
zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 1, 1
try:
    np.savez(os.path.join(OUT, 'zip64.npz'), **npz_arrays)
    np.savez_compressed(os.path.join(OUT, 'zip64_compressed.npz'), **npz_arrays)
finally:
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = saved_limits
npz_expected = {k: describe(v) for k, v in npz_arrays.items()}
for name in ('stored.npz', 'compressed.npz', 'zip64.npz', 'zip64_compressed.npz'):
    expected[name] = npz_expected

# An archive whose entry name escapes the directory: must be refused.
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w') as z:
    z.writestr('../evil.npy', b'\x93NUMPY')
with open(os.path.join(OUT, 'traversal.npz'), 'wb') as f:
    f.write(buf.getvalue())

with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=None, separators=(',', ':'))
    f.write('\n')
total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
print(f'wrote {len(os.listdir(OUT))} files, {total} bytes, to {os.path.normpath(OUT)}')
