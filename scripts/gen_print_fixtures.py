#!/usr/bin/env python3
"""Writes test/fixtures/print/cases.json: NumPy's str() and repr() of many arrays, for test/print.test.ts.

Each case: shape, dtype, the flat data (as repr(float) strings when small, as base64 of the little-endian
bytes when large; both exact), NumPy's str and repr, and optionally the legacy print mode it was made under.
Run from the repository root: python3 scripts/gen_print_fixtures.py  (seeded: the output is reproducible).
"""
import base64
import json
import os
import struct

import numpy as np

rng = np.random.RandomState(1234)
np.seterr(over="ignore")  # float32 casts of huge values are meant to overflow to inf
cases = []


def add(name, a, legacy=None):
    a = np.asarray(a)
    assert a.dtype in (np.float64, np.float32, np.int32), a.dtype
    a = a.copy(order="C")  # (np.ascontiguousarray would turn a 0-d array into a 1-d one)
    case = {"name": name, "shape": list(a.shape), "dtype": str(a.dtype)}
    flat = a.reshape(-1)
    if flat.size <= 64:
        case["values"] = [repr(float(v)) if a.dtype != np.int32 else int(v) for v in flat]
    else:
        case["b64"] = base64.b64encode(flat.astype(a.dtype.newbyteorder("<")).tobytes()).decode("ascii")
    if legacy is not None:
        case["legacy"] = legacy
        with np.printoptions(legacy=legacy):
            case["str"], case["repr"] = str(a), repr(a)
    else:
        case["str"], case["repr"] = str(a), repr(a)
    cases.append(case)


# Random normals of many shapes: 1-D to 5-D, wrapping widths, sizes around the 1000-element threshold.
for shape in [(1,), (5,), (10,), (30,), (100,), (3, 4), (8, 10), (2, 3, 4), (2, 2, 2, 3), (2, 1, 2, 2, 3),
              (1001,), (32, 32), (1, 1, 1, 1, 1), (6, 1), (7, 1),
              (1, 1001)]:
    add(f"randn{shape}", rng.randn(*shape))
for shape in [(10,), (3, 4), (2, 3, 4), (1001,), (10, 101), (7, 7, 21), (2, 2, 2, 2, 64), (2, 7, 1, 2, 40)]:
    add(f"randn-float32{shape}", rng.randn(*shape).astype(np.float32))

# Magnitudes that decide positional against scientific notation.
for k in [-9, -6, -5, -4, -3, -1, 0, 2, 3, 5, 6, 7, 8, 9, 12, 20, 100, 300]:
    add(f"randn*1e{k}", rng.randn(7) * 10.0 ** k)
    add(f"randn*1e{k}-float32", (rng.randn(7) * 10.0 ** k).astype(np.float32))
for name, values in [
    ("mixed-1e-5", [1e-5, 1.0, 1e3]), ("ratio-1001", [1.0, 1001.0]), ("ratio-1000", [1.0, 1000.0]),
    ("1e8", [1e8, 1.0]), ("just-below-1e8", [99999999.0, 1.0]), ("1e-4", [1e-4, 0.5]),
    ("below-1e-4", [9.99e-5, 0.5]), ("zero-and-tiny", [0.0, 1e-5]), ("zeros", [0.0, -0.0, 1.5]),
    ("neg-zero", [-0.0]), ("zero", [0.0]), ("integral", [1.0, 2.0, 3.0]), ("integral-mixed", [0.0, 100.0, -5.0]),
    ("half", [1.5, 0.0]), ("ties", [0.001953125, 0.123456785, 0.5, 2.5]), ("round-to-ten", [9.999999999, 1.0]),
    ("round-up-carry", [0.999999999, 0.5]), ("eighth-digit", [0.123456789, 1.0 / 3.0, 2.0 / 3.0]),
    ("extremes", [np.finfo(np.float64).max, 5e-324, 1.0]), ("subnormals", [5e-324, 1e-310, 2.2250738585072014e-308]),
    ("powers-of-two", [2.0 ** k for k in (-30, -20, -1, 0, 1, 30, 60)]), ("1e16", [1e16, 1e15, 1.0]),
    ("nan", [np.nan, 1.5]), ("infs", [np.inf, -np.inf, 0.5]), ("only-nan", [np.nan]), ("nan-inf", [np.nan, np.inf]),
    ("neg-inf-sci", [-np.inf, 1e-5, 3.0]), ("nan-sci", [np.nan, 1e-7, 1e-5]), ("neg-inf-only", [-np.inf, np.nan]),
    ("big-ints-as-float", [123456789.0, -987654321.0]), ("long-fraction", [1.0000001, 22.5, -333.25]),
]:
    add(name, np.array(values, dtype=np.float64))
    add(name + "-float32", np.array(values, dtype=np.float32))

# Float32 specifics: type-dependent cut-off at 1e6, float32 1e-4, subnormals, the spec's Y_pred[0].
for name, values in [
    ("f32-1e6", [1e6, 2e6]), ("f32-below-1e6", [999999.0, 2000.0]), ("f32-1e7", [1.5e7, 2e7]),
    ("f32-1e-4", [np.float32(1e-4), 0.5]), ("f32-subnormal", [1e-45, 1e-40, 1.0]), ("f32-max", [3.4028235e38, -1.0]),
    ("spec-ypred", [2.3144582e-16, 9.3501662e-10, 1.5114866e-11, 1.0000000e+00, 4.1006549e-14,
                    3.0734011e-09, 5.3557121e-11, 4.1970327e-11, 1.2145798e-09, 5.1159105e-10]),
]:
    add(name, np.array(values, dtype=np.float32))
e = np.exp(rng.randn(4, 10) * 12).astype(np.float32)
add("softmax-float32", e / e.sum(axis=1, keepdims=True))

# Integers (int32), wrapping, summarised, extremes.
add("int-arange", np.arange(10, dtype=np.int32))
add("int-threshold-1000", rng.randint(0, 10, size=(1000,)).astype(np.int32))
add("int-neg", np.array([-5, 3, 100, -1000], dtype=np.int32))
add("int-extremes", np.array([2 ** 31 - 1, -2 ** 31, 0], dtype=np.int32))
add("int-3x4", rng.randint(-50, 50, size=(3, 4)).astype(np.int32))
add("int-wrap", rng.randint(0, 100000, size=(60,)).astype(np.int32))
add("int-summary", rng.randint(-9, 10, size=(1200,)).astype(np.int32))
add("int-3d-summary", rng.randint(0, 10, size=(11, 10, 10)).astype(np.int32))
add("int-labels", rng.randint(0, 10, size=(32,)).astype(np.int32))

# Rank 0: str prints like the scalar with all its digits; repr goes through the array formatter.
for v in [1.5, 1.0, 0.0, -0.0, 1e-5, 1.5e-5, 1e-4, 1e16, 1.5e16, 9999999999999998.0, 123456789.123, 0.1, 1 / 3,
          -2.5e-300, 999999.0, 1e6, 1.0000001e-4, np.nan, np.inf, -np.inf, 5e-324]:
    add(f"scalar {v!r}", np.array(v, dtype=np.float64))
    add(f"scalar-float32 {v!r}", np.array(v, dtype=np.float32))
add("scalar-int", np.array(7, dtype=np.int32))
add("scalar-int-neg", np.array(-2 ** 31, dtype=np.int32))

# Shortest round-trip digits, checked on str() of 0-d arrays (stored compactly as lists of scalars):
# random bit patterns; powers of two, where the float below is nearer than the float above; and integers whose
# shortest candidate lies exactly half an ulp away (it counts as reading back only when the mantissa is even).
scalar_lists = []


def add_scalars(name, values, dtype):
    values = [v for v in np.asarray(values, dtype=dtype) if np.isfinite(v)]
    scalar_lists.append({"name": name, "dtype": np.dtype(dtype).name, "values": [repr(float(v)) for v in values],
                         "str": [str(np.array(v, dtype=dtype)) for v in values]})


bits64 = rng.randint(0, 2 ** 63, size=200, dtype=np.int64).astype(np.uint64) * np.uint64(2) + np.uint64(1)
add_scalars("bits64", bits64.view(np.float64), np.float64)
bits32 = rng.randint(0, 2 ** 32, size=200, dtype=np.int64).astype(np.uint32)
add_scalars("bits32", bits32.view(np.float32), np.float32)
add_scalars("powers-of-two-64", [2.0 ** k for k in range(-1074, 1024, 4)], np.float64)
add_scalars("powers-of-two-32", [2.0 ** k for k in range(-149, 128)], np.float32)
add_scalars("half-ulp-ties-32", [2.0 ** 25 + 8 * k for k in range(150)], np.float32)
add_scalars("half-ulp-ties-64", [2.0 ** 54 + 4 * k for k in range(150)], np.float64)
# ... and in arrays, where scientific notation pads every element to the longest one's digits.
for i in range(6):
    xs = np.frombuffer(rng.randint(0, 2 ** 62, size=6, dtype=np.int64).tobytes(), dtype=np.float64)
    add(f"bits64-array{i}", xs[np.isfinite(xs)])
    ys = np.frombuffer(rng.randint(0, 2 ** 30, size=6, dtype=np.int64).astype(np.uint32).tobytes(), dtype=np.float32)
    add(f"bits32-array{i}", ys)

# Empty arrays and zero-size dimensions.
for shape in [(0,), (0, 3), (3, 0), (2, 0, 4)]:
    for dtype in (np.float64, np.float32, np.int32):
        add(f"empty{shape}", np.zeros(shape, dtype=dtype))

# Line-length edge cases for the repr's trailing `dtype=` and for wrapping.
for n in range(14, 20):
    add(f"float32-row{n}", rng.rand(n).astype(np.float32))
add("wide-2d", rng.randn(3, 12) * 1000)
add("wide-3d-float32", rng.randn(2, 2, 11).astype(np.float32))
add("narrow-column", rng.randn(12, 1))

# The spec's conv_backward output: a (10, 28, 28, 1) array is too big to store, a (10, 11, 11, 1) one is alike.
add("spec-like-4d", rng.randn(10, 11, 11, 1) * 3)

# Legacy mode '2.2': summarised reprs without shape=, float32 cut-off 1e8.
add("legacy-summary", rng.randn(3, 7, 50), legacy="2.2")
add("legacy-f32-1e6", np.array([1e6, 2e6], dtype=np.float32), legacy="2.2")
for v in [1e6, 1e7, 1.5e15, 1e16]:
    add(f"legacy-scalar-float32 {v!r}", np.array(v, dtype=np.float32), legacy="2.2")
add("legacy-int-summary", rng.randint(0, 5, size=(1001,)).astype(np.int32), legacy="2.2")

out_dir = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "print")
os.makedirs(out_dir, exist_ok=True)
path = os.path.join(out_dir, "cases.json")
with open(path, "w") as f:
    json.dump({"numpy": np.__version__, "cases": cases, "scalars": scalar_lists}, f, indent=0, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases and {sum(len(c['values']) for c in scalar_lists)} scalars to {os.path.normpath(path)} ({os.path.getsize(path)} bytes)")
