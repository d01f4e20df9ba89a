#!/usr/bin/env python3
"""Writes test/fixtures/png/: small PNGs made with Python's zlib straight from the PNG specification
(independent of our TypeScript encoder), each next to NAME.npy holding the pixels a decoder must return
(uint8, shape (height, width, channels): gray 1, RGB 3, RGBA 4; palette expanded to RGB, or RGBA with
tRNS; gray+alpha expanded to RGBA; 16-bit samples reduced to their high byte; 1/2/4-bit gray scaled to 0..255). Rows cycle through all five filter types so every unfilter path,
Paeth included, is checked against this independent implementation. Also writes files a decoder must
refuse: interlaced, an invalid bit depth, bad CRC. Run from the repository root: python3 scripts/gen_png_fixtures.py"""
import os
import struct
import zlib

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'png')
rng = np.random.default_rng(1234)


def chunk(kind, body):
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filtered(rows, bpp):
    """Row y uses filter y % 5 (None, Sub, Up, Average, Paeth)."""
    out = bytearray()
    prev = bytes(len(rows[0]))
    for y, row in enumerate(rows):
        f = y % 5
        out.append(f)
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][f]
            out.append((x - pred) % 256)
        prev = row
    return bytes(out)


def png(width, height, bit_depth, color_type, raw, extra=b'', interlace=0):
    ihdr = struct.pack('>IIBBBBB', width, height, bit_depth, color_type, 0, 0, interlace)
    comp = zlib.compress(raw, 9)
    # Split the zlib stream over two IDAT chunks: decoders must concatenate them.
    half = len(comp) // 2
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', ihdr) + extra + chunk(b'tEXt', b'Comment\x00fixture')
            + chunk(b'IDAT', comp[:half]) + chunk(b'IDAT', comp[half:]) + chunk(b'IEND', b''))


def write(name, data, expected=None):
    with open(os.path.join(OUT, name + '.png'), 'wb') as f:
        f.write(data)
    if expected is not None:
        np.save(os.path.join(OUT, name + '.npy'), expected)


os.makedirs(OUT, exist_ok=True)
for old in os.listdir(OUT):
    os.remove(os.path.join(OUT, old))

W, H = 13, 11  # odd sizes; 11 rows cover every filter twice
smooth = (np.add.outer(np.arange(H) * 9, np.arange(W) * 5) % 256).astype(np.uint8)
for name, channels, color_type in [('gray', 1, 0), ('rgb', 3, 2), ('rgba', 4, 6)]:
    px = rng.integers(0, 256, size=(H, W, channels), dtype=np.uint8)
    px[:, :, 0] = smooth  # part smooth, part noise, so predictions matter
    rows = [px[y].tobytes() for y in range(H)]
    write(name, png(W, H, 8, color_type, filtered(rows, channels)), px if channels > 1 else px[:, :, :1])

ga = rng.integers(0, 256, size=(H, W, 2), dtype=np.uint8)
write('gray_alpha', png(W, H, 8, 4, filtered([ga[y].tobytes() for y in range(H)], 2)),
      np.stack([ga[:, :, 0]] * 3 + [ga[:, :, 1]], axis=-1))

pal = rng.integers(0, 256, size=(7, 3), dtype=np.uint8)
idx = rng.integers(0, 7, size=(H, W), dtype=np.uint8)
raw = filtered([idx[y].tobytes() for y in range(H)], 1)
write('palette', png(W, H, 8, 3, raw, chunk(b'PLTE', pal.tobytes())), pal[idx])
alpha = np.array([0, 128, 255, 7], dtype=np.uint8)  # entries 4..6 are opaque
rgba = np.concatenate([pal[idx], np.where(idx < 4, alpha[np.minimum(idx, 3)], 255)[:, :, None]], axis=-1).astype(np.uint8)
write('palette_trns', png(W, H, 8, 3, raw, chunk(b'PLTE', pal.tobytes()) + chunk(b'tRNS', alpha.tobytes())), rgba)


def pack(samples, depth):
    """Packs one row of 1/2/4-bit samples MSB first, padding the last byte with zero bits."""
    per = 8 // depth
    out = bytearray((len(samples) + per - 1) // per)
    for i, v in enumerate(samples):
        out[i // per] |= int(v) << (8 - depth * (1 + i % per))
    return bytes(out)


# Sub-byte gray and palette (odd widths, so rows end in padding bits); a decoder returns 8-bit samples,
# gray scaled by 255 / (2^depth - 1).
for depth in (1, 2, 4):
    g = rng.integers(0, 2 ** depth, size=(H, W), dtype=np.uint8)
    rows = [pack(g[y], depth) for y in range(H)]
    write(f'gray{depth}', png(W, H, depth, 0, filtered(rows, 1)), (g * (255 // (2 ** depth - 1)))[:, :, None].astype(np.uint8))
p4 = rng.integers(0, 256, size=(4, 3), dtype=np.uint8)
i4 = rng.integers(0, 4, size=(H, W), dtype=np.uint8)
write('palette2', png(W, H, 2, 3, filtered([pack(i4[y], 2) for y in range(H)], 1), chunk(b'PLTE', p4.tobytes())), p4[i4])

# 16-bit RGB and gray+alpha: big-endian samples; a decoder keeps the high byte.
rgb16 = rng.integers(0, 65536, size=(H, W, 3), dtype=np.uint16)
write('rgb16', png(W, H, 16, 2, filtered([rgb16[y].astype('>u2').tobytes() for y in range(H)], 6)), (rgb16 >> 8).astype(np.uint8))
ga16 = rng.integers(0, 65536, size=(H, W, 2), dtype=np.uint16)
hi = (ga16 >> 8).astype(np.uint8)
write('gray_alpha16', png(W, H, 16, 4, filtered([ga16[y].astype('>u2').tobytes() for y in range(H)], 4)),
      np.stack([hi[:, :, 0]] * 3 + [hi[:, :, 1]], axis=-1))

one = png(1, 1, 8, 2, b'\x00\x10\x20\x30')
write('one_pixel', one, np.array([[[0x10, 0x20, 0x30]]], dtype=np.uint8))

# To be refused with a clear message.
write('interlaced', png(2, 2, 8, 0, b'\x00\x01\x00\x02\x00\x03\x00\x04', interlace=1))
write('rgb_depth4', png(1, 1, 4, 2, b'\x00\x12\x34'))  # RGB allows only 8 and 16 bits
bad = bytearray(one)
bad[-20] ^= 0xFF  # inside the last IDAT's data: its CRC no longer matches
write('bad_crc', bytes(bad))

total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
print(f'wrote {len(os.listdir(OUT))} files, {total} bytes, to {os.path.normpath(OUT)}')
