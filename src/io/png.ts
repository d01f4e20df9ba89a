/**
 * PNG (ISO/IEC 15948) writing (8-bit gray, RGB, RGBA) and reading (every non-interlaced kind, to 8 bits).
 *
 * A PNG is an 8-byte signature followed by chunks (length, 4-letter type, data, CRC-32 of type+data):
 * IHDR (size, bit depth, colour type), optional PLTE/tRNS, IDAT (one zlib stream, possibly split over
 * several chunks) and IEND. The zlib stream holds the scanlines, each prefixed by a filter byte
 * (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) that predicts each byte from its left/up neighbours.
 */
import { platform } from '#platform';
import { crc32 } from './crc32.js';
import { fileAccess } from '../platform/files.js';

export interface PngImage {
  width: number;
  height: number;
  /** 1 gray, 3 RGB, 4 RGBA. */
  channels: 1 | 3 | 4;
  /** Row-major pixels, `channels` bytes each: width × height × channels bytes. */
  data: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COLOR_GRAY = 0;
const COLOR_RGB = 2;
const COLOR_PALETTE = 3;
const COLOR_GRAY_ALPHA = 4;
const COLOR_RGBA = 6;
/** PNG caps dimensions at 2^31 - 1; we also cap the decoded size to what one buffer can hold. */
const MAX_DIMENSION = 2 ** 31 - 1;
const MAX_RAW_BYTES = 2 ** 31 - 1;
/** zlib cannot expand data more than ~1032×; an image claiming more than that from its IDAT is lying. */
const MAX_INFLATE_RATIO = 1032;
/** Samples per pixel and the bit depths the specification allows, by colour type. */
const SAMPLES: Record<number, number> = { [COLOR_GRAY]: 1, [COLOR_RGB]: 3, [COLOR_PALETTE]: 1, [COLOR_GRAY_ALPHA]: 2, [COLOR_RGBA]: 4 };
const ALLOWED_DEPTHS: Record<number, number[]> = {
  [COLOR_GRAY]: [1, 2, 4, 8, 16], [COLOR_RGB]: [8, 16], [COLOR_PALETTE]: [1, 2, 4, 8], [COLOR_GRAY_ALPHA]: [8, 16], [COLOR_RGBA]: [8, 16],
};

// ---------------------------------------------------------------- encoding

/** PNG bytes of an 8-bit gray, RGB or RGBA image; each row gets the filter that compresses it best. */
export function encodePng(image: PngImage): Uint8Array {
  checkImage(image);
  const { width, height, channels, data } = image;
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  const candidate = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const line = data.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? data.subarray((y - 1) * stride, y * stride) : null;
    // The usual heuristic (libpng's): pick the filter whose output has the smallest sum of |signed bytes|.
    let best = 0;
    let bestCost = Infinity;
    for (let f = 0; f <= 4; f++) {
      filterRow(f, line, prev, channels, candidate);
      let cost = 0;
      for (let i = 0; i < stride; i++) cost += candidate[i] < 128 ? candidate[i] : 256 - candidate[i];
      if (cost < bestCost) { bestCost = cost; best = f; }
    }
    const at = y * (stride + 1);
    raw[at] = best;
    filterRow(best, line, prev, channels, raw.subarray(at + 1, at + 1 + stride));
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width, false);
  v.setUint32(4, height, false);
  ihdr[8] = 8;
  ihdr[9] = channels === 1 ? COLOR_GRAY : channels === 3 ? COLOR_RGB : COLOR_RGBA;
  // ihdr[10..12]: compression 0 (deflate), filter method 0, no interlace.
  const chunks = [chunk('IHDR', ihdr), chunk('IDAT', platform.zlibDeflate(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(8 + chunks.reduce((n, c) => n + c.length, 0));
  out.set(SIGNATURE, 0);
  let pos = 8;
  for (const c of chunks) { out.set(c, pos); pos += c.length; }
  return out;
}

/** Writes an image as a PNG file (atomically). */
export function savePng(path: string, image: PngImage): void {
  if (typeof path !== 'string') throw new Error(`path: expected a string, got ${typeof path}`);
  fileAccess('savePng', 'use encodePng(image) for the bytes').writeFileAtomicSync(path, encodePng(image));
}

function checkImage(image: PngImage): void {
  if (image === null || typeof image !== 'object') throw new Error(`image: expected {width, height, channels, data}, got ${image === null ? 'null' : typeof image}`);
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || width < 1 || width > MAX_DIMENSION) throw new Error(`image.width: expected a positive integer, got ${width}`);
  if (!Number.isInteger(height) || height < 1 || height > MAX_DIMENSION) throw new Error(`image.height: expected a positive integer, got ${height}`);
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`image.channels: expected 1, 3 or 4, got ${channels}`);
  if (!(data instanceof Uint8Array)) throw new Error('image.data: expected a Uint8Array');
  if (data.length !== width * height * channels) {
    throw new Error(`image.data: expected ${width} × ${height} × ${channels} = ${width * height * channels} bytes, got ${data.length}`);
  }
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + body.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, body.length, false);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  v.setUint32(8 + body.length, crc32(out, 0, 4, 8 + body.length), false);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Applies filter `f` to `line` (previous line `prev`, or null for the first) into `out`. */
function filterRow(f: number, line: Uint8Array, prev: Uint8Array | null, bpp: number, out: Uint8Array): void {
  for (let i = 0; i < line.length; i++) {
    const a = i >= bpp ? line[i - bpp] : 0;
    const b = prev ? prev[i] : 0;
    const c = prev && i >= bpp ? prev[i - bpp] : 0;
    const predicted = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
    out[i] = (line[i] - predicted) & 0xff;
  }
}

// ---------------------------------------------------------------- decoding

interface Header { width: number; height: number; bitDepth: number; colorType: number; interlace: number }

/**
 * Decodes a non-interlaced PNG of any colour type and bit depth into 8-bit samples: gray (1/2/4/8/16-bit,
 * scaled to 0..255), RGB, RGBA, gray+alpha (returned as RGBA) or palette (returned as RGB, or RGBA when
 * the file has a tRNS chunk). 16-bit samples keep their high byte. A tRNS colour key on gray or RGB
 * images is ignored. Interlaced images are a clear Error. `source` names the file in error messages.
 */
export function decodePng(bytes: Uint8Array, source = 'bytes'): PngImage {
  if (!(bytes instanceof Uint8Array)) throw new Error(`bytes: expected a Uint8Array, got ${typeof bytes}`);
  const fail = (what: string): never => { throw new Error(`${source}: ${what}`); };
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) fail('not a PNG file (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | undefined;
  let palette: Uint8Array | undefined;
  let alpha: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  let pos = 8;
  while (!ended) {
    if (pos + 12 > bytes.length) fail(`truncated PNG: chunk header at offset ${pos} runs past the end (no IEND)`);
    const length = view.getUint32(pos, false);
    const type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
    if (length > bytes.length - pos - 12) fail(`truncated PNG: ${JSON.stringify(type)} chunk declares ${length} bytes, file holds ${bytes.length - pos - 12}`);
    const body = bytes.subarray(pos + 8, pos + 8 + length);
    const stored = view.getUint32(pos + 8 + length, false);
    if (crc32(bytes, 0, pos + 4, pos + 8 + length) !== stored) fail(`corrupt PNG: CRC mismatch in ${JSON.stringify(type)} chunk at offset ${pos}`);
    pos += 12 + length;
    if (!header && type !== 'IHDR') fail(`corrupt PNG: first chunk is ${JSON.stringify(type)}, expected IHDR`);
    switch (type) {
      case 'IHDR':
        if (header) fail('corrupt PNG: two IHDR chunks');
        header = parseHeader(body, fail);
        break;
      case 'PLTE':
        if (length % 3 !== 0 || length === 0 || length > 768) fail(`corrupt PNG: PLTE of ${length} bytes`);
        palette = body;
        break;
      case 'tRNS':
        alpha = body;
        break;
      case 'IDAT':
        idat.push(body);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Critical chunks (uppercase first letter) must be understood; ancillary ones may be skipped.
        if (/^[A-Z]/.test(type)) fail(`unsupported critical PNG chunk ${JSON.stringify(type)}`);
    }
  }
  const h = header!;
  const samples = SAMPLES[h.colorType];
  const bitsPerPixel = samples * h.bitDepth;
  // Filters work on whole bytes: the left neighbour is one pixel back, or one byte for sub-byte pixels.
  const bpp = Math.max(1, bitsPerPixel / 8);
  const stride = Math.ceil((h.width * bitsPerPixel) / 8);
  const raw = inflateScanlines(idat, h, stride, fail);
  const rows = unfilter(raw, stride, h.height, bpp, fail);
  return toImage(toBytesPerSample(rows, h, samples, stride), h, palette, alpha, fail);
}

function parseHeader(body: Uint8Array, fail: (what: string) => never): Header {
  if (body.length !== 13) fail(`corrupt PNG: IHDR of ${body.length} bytes, expected 13`);
  const v = new DataView(body.buffer, body.byteOffset, 13);
  const width = v.getUint32(0, false);
  const height = v.getUint32(4, false);
  const [bitDepth, colorType, compression, filter, interlace] = body.subarray(8, 13);
  if (width === 0 || height === 0 || width > MAX_DIMENSION || height > MAX_DIMENSION) fail(`corrupt PNG: size ${width}×${height}`);
  const depths = ALLOWED_DEPTHS[colorType];
  if (!depths) fail(`corrupt PNG: colour type ${colorType}`);
  if (!depths.includes(bitDepth)) fail(`corrupt PNG: bit depth ${bitDepth} is not allowed for colour type ${colorType} (allowed: ${depths.join(', ')})`);
  if (compression !== 0 || filter !== 0) fail(`corrupt PNG: compression method ${compression}, filter method ${filter}`);
  if (interlace === 1) fail('unsupported PNG: interlaced (Adam7) images are not supported');
  if (interlace !== 0) fail(`corrupt PNG: interlace method ${interlace}`);
  return { width, height, bitDepth, colorType, interlace };
}

function inflateScanlines(idat: Uint8Array[], h: Header, stride: number, fail: (what: string) => never): Uint8Array {
  if (idat.length === 0) fail('corrupt PNG: no IDAT chunk');
  const compressed = idat.length === 1 ? idat[0] : concat(idat);
  const expected = h.height * (1 + stride);
  // The decoded 8-bit image can be up to 8× the packed rows (1-bit gray), 4/3× for palette with alpha.
  const outputBytes = h.width * h.height * 4;
  // Checked before inflating: the claimed size must fit a buffer and be reachable from this much zlib data.
  if (expected > MAX_RAW_BYTES || outputBytes > MAX_RAW_BYTES) fail(`unsupported PNG: ${h.width}×${h.height} is too large (${expected} bytes of pixels)`);
  if (expected > compressed.length * MAX_INFLATE_RATIO + 1024) {
    fail(`corrupt PNG: ${h.width}×${h.height} needs ${expected} bytes, impossible from ${compressed.length} bytes of IDAT`);
  }
  let raw: Uint8Array;
  try {
    raw = platform.zlibInflate(compressed, expected);
  } catch (err) {
    return fail(`corrupt PNG: image data does not inflate to the ${expected} bytes ${h.width}×${h.height} needs: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (raw.length !== expected) fail(`corrupt PNG: image data inflates to ${raw.length} bytes, ${h.width}×${h.height} needs ${expected}`);
  return raw;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) { out.set(p, pos); pos += p.length; }
  return out;
}

/** Undoes the per-row filters; returns the bare rows, `stride` bytes each. */
function unfilter(raw: Uint8Array, stride: number, height: number, bpp: number, fail: (what: string) => never): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    if (f > 4) fail(`corrupt PNG: row ${y} has filter type ${f}`);
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? out[row + i - bpp] : 0;
      const b = y > 0 ? out[row - stride + i] : 0;
      const c = y > 0 && i >= bpp ? out[row - stride + i - bpp] : 0;
      const predicted = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
      out[row + i] = (src[i] + predicted) & 0xff;
    }
  }
  return out;
}

/**
 * One byte per sample: 16-bit samples keep their high byte; 1/2/4-bit samples are unpacked (MSB first)
 * and, for gray, scaled to 0..255 (palette indices stay indices).
 */
function toBytesPerSample(rows: Uint8Array, h: Header, samples: number, stride: number): Uint8Array {
  const { width, height, bitDepth } = h;
  if (bitDepth === 8) return rows;
  const count = width * samples;
  const out = new Uint8Array(height * count);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const dst = y * count;
    if (bitDepth === 16) {
      for (let i = 0; i < count; i++) out[dst + i] = rows[row + 2 * i];
      continue;
    }
    const perByte = 8 / bitDepth;
    const mask = (1 << bitDepth) - 1;
    const gain = h.colorType === COLOR_PALETTE ? 1 : 255 / mask;
    for (let i = 0; i < count; i++) {
      const shift = 8 - bitDepth * (1 + (i % perByte));
      out[dst + i] = ((rows[row + Math.floor(i / perByte)] >> shift) & mask) * gain;
    }
  }
  return out;
}

function toImage(px: Uint8Array, h: Header, palette: Uint8Array | undefined, alpha: Uint8Array | undefined, fail: (what: string) => never): PngImage {
  const { width, height } = h;
  const n = width * height;
  switch (h.colorType) {
    case COLOR_GRAY: return { width, height, channels: 1, data: px };
    case COLOR_RGB: return { width, height, channels: 3, data: px };
    case COLOR_RGBA: return { width, height, channels: 4, data: px };
    case COLOR_GRAY_ALPHA: {
      const data = new Uint8Array(n * 4);
      for (let i = 0; i < n; i++) {
        data[4 * i] = data[4 * i + 1] = data[4 * i + 2] = px[2 * i];
        data[4 * i + 3] = px[2 * i + 1];
      }
      return { width, height, channels: 4, data };
    }
    default: {
      if (!palette) return fail('corrupt PNG: palette image without a PLTE chunk');
      const entries = palette.length / 3;
      const channels = alpha ? 4 : 3;
      const data = new Uint8Array(n * channels);
      for (let i = 0; i < n; i++) {
        const k = px[i];
        if (k >= entries) fail(`corrupt PNG: pixel ${i} uses palette entry ${k}, the palette has ${entries}`);
        data[channels * i] = palette[3 * k];
        data[channels * i + 1] = palette[3 * k + 1];
        data[channels * i + 2] = palette[3 * k + 2];
        // tRNS lists alphas for the first entries; the rest are opaque.
        if (alpha) data[channels * i + 3] = k < alpha.length ? alpha[k] : 255;
      }
      return { width, height, channels, data };
    }
  }
}
