/**
 * NumPy's .npy format (numpy.lib.format): magic "\x93NUMPY", a version, a header length, a Python-literal
 * dict {'descr', 'fortran_order', 'shape'}, then the raw array bytes.
 *
 * Reading maps NumPy dtypes onto our three: f4 and f2 → float32, f8 → float64, and every integer or bool
 * type (i1 i2 i4 i8 u1 u2 u4 u8 b1) → int32, with an Error if a 64-bit or u4 value does not fit in int32.
 * Writing produces version 1.0 headers padded to 64 bytes like np.save: float32 as <f4, float64 as <f8,
 * int32 as <i4. Every size is checked against the bytes actually present before anything is allocated.
 */
import { Tensor } from '../tensor/tensor.js';
import { TypedArray } from '../tensor/dtype.js';
import { MAX_ELEMENTS, formatShape, sizeOf } from '../tensor/shape-util.js';
import { fileAccess } from '../platform/files.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** np.save aligns the data to 64 bytes so it can be memory-mapped; we do the same. */
const HEADER_ALIGN = 64;

type Kind = 'f' | 'i' | 'u' | 'b';
interface NpyDtype { kind: Kind; itemSize: number; littleEndian: boolean; descr: string }

/** The dtypes we read, as kind+size. */
const SUPPORTED = new Set(['f2', 'f4', 'f8', 'i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'b1']);

export interface NpyHeader { dtype: NpyDtype; fortranOrder: boolean; shape: number[]; dataOffset: number }

/** Parses a .npy file's bytes into a Tensor. `source` names the file in error messages. */
export function parseNpy(bytes: Uint8Array, source = 'bytes'): Tensor {
  if (!(bytes instanceof Uint8Array)) throw new Error(`bytes: expected a Uint8Array, got ${typeof bytes}`);
  const header = parseNpyHeader(bytes, source);
  const { dtype, shape, dataOffset } = header;
  const count = sizeOf(shape);
  const needed = count * dtype.itemSize;
  const available = bytes.length - dataOffset;
  if (available < needed) {
    throw new Error(`${source}: truncated .npy: header declares ${dtype.descr} ${formatShape(shape)} = ${needed} bytes of data, file holds ${available}`);
  }
  if (available > needed) {
    throw new Error(`${source}: corrupt .npy: ${available - needed} unexpected bytes after the ${needed} bytes of data for ${dtype.descr} ${formatShape(shape)}`);
  }
  let data = decodeData(bytes, dataOffset, count, dtype, source);
  if (header.fortranOrder && shape.length > 1) data = fortranToC(data, shape);
  return new Tensor(data, shape);
}

/** Reads a .npy file synchronously. */
export function loadNpy(path: string): Tensor {
  if (typeof path !== 'string') throw new Error(`path: expected a string, got ${typeof path}`);
  let bytes: Uint8Array;
  try {
    bytes = fileAccess('loadNpy', 'use parseNpy(bytes) on bytes you fetched').readFileSync(path);
  } catch (e) {
    throw readError(path, e);
  }
  return parseNpy(bytes, path);
}

/** A failed read (missing file, a directory, no permission) as an Error naming the path; errno's code is kept. */
export function readError(path: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error)) return new Error(`path: cannot read ${path}: ${String(err)}`);
  return Object.assign(new Error(`path: cannot read ${path}: ${e.message}`, { cause: e }), { code: e.code });
}

/** Writes a tensor as a .npy file (atomically: a temporary file is renamed into place). */
export function saveNpy(path: string, t: Tensor): void {
  if (typeof path !== 'string') throw new Error(`path: expected a string, got ${typeof path}`);
  fileAccess('saveNpy', 'use encodeNpy(t) for the bytes').writeFileAtomicSync(path, encodeNpy(t));
}

/** The .npy bytes of a tensor: version 1.0 (2.0 only if the header would not fit), little-endian, C order. */
export function encodeNpy(t: Tensor): Uint8Array {
  if (!(t instanceof Tensor)) throw new Error(`t: expected a Tensor, got ${t === null ? 'null' : typeof t}`);
  const descr = t.dtype === 'float32' ? '<f4' : t.dtype === 'float64' ? '<f8' : '<i4';
  const shapeText = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Header = magic(6) + version(2) + length field (2 in v1.0, 4 in v2.0) + dict + spaces + '\n'.
  let major = 1;
  let prefix = 10;
  let total = alignUp(prefix + dict.length + 1, HEADER_ALIGN);
  if (total - prefix > 0xffff) {
    major = 2;
    prefix = 12;
    total = alignUp(prefix + dict.length + 1, HEADER_ALIGN);
  }
  const headerLength = total - prefix;
  const dataBytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = new Uint8Array(total + dataBytes.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  const text = dict + ' '.repeat(headerLength - dict.length - 1) + '\n';
  for (let i = 0; i < text.length; i++) out[prefix + i] = text.charCodeAt(i);
  if (HOST_LITTLE_ENDIAN) {
    out.set(dataBytes, total);
  } else {
    writeLittleEndian(t.data, view, total);
  }
  return out;
}

function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

function writeLittleEndian(data: TypedArray, view: DataView, offset: number): void {
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(offset + 4 * i, data[i], true);
    else if (data instanceof Float64Array) view.setFloat64(offset + 8 * i, data[i], true);
    else view.setInt32(offset + 4 * i, data[i], true);
  }
}

/** Reads magic, version and the header dict; validates everything except the data length. */
export function parseNpyHeader(bytes: Uint8Array, source: string): NpyHeader {
  if (bytes.length < 10) throw new Error(`${source}: truncated .npy: ${bytes.length} bytes, shorter than the 10-byte preamble`);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new Error(`${source}: not a .npy file: bad magic (expected \\x93NUMPY)`);
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3 || minor !== 0) {
    throw new Error(`${source}: unsupported .npy version ${major}.${minor} (expected 1.0, 2.0 or 3.0)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else {
    if (bytes.length < 12) throw new Error(`${source}: truncated .npy: ${bytes.length} bytes, shorter than the 12-byte v${major} preamble`);
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  }
  const dataOffset = headerStart + headerLength;
  if (dataOffset > bytes.length) {
    throw new Error(`${source}: truncated .npy: header declares ${headerLength} bytes, file holds ${bytes.length - headerStart} after the preamble`);
  }
  const raw = bytes.subarray(headerStart, dataOffset);
  // v1.0 and v2.0 headers are latin1; v3.0 allows utf8 (structured field names).
  const text = major === 3 ? new TextDecoder('utf-8', { fatal: false }).decode(raw) : latin1(raw);
  const dict = parseHeaderDict(text, source);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') throw new Error(`${source}: corrupt .npy header: 'descr' must be a dtype string, got ${describeValue(descr)}`);
  if (typeof fortran !== 'boolean') throw new Error(`${source}: corrupt .npy header: 'fortran_order' must be True or False, got ${describeValue(fortran)}`);
  if (!Array.isArray(shape)) throw new Error(`${source}: corrupt .npy header: 'shape' must be a tuple of integers, got ${describeValue(shape)}`);
  for (const k of dict.keys()) {
    if (k !== 'descr' && k !== 'fortran_order' && k !== 'shape') throw new Error(`${source}: corrupt .npy header: unexpected key '${k}'`);
  }
  const dtype = parseDescr(descr, source);
  let product = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new Error(`${source}: corrupt .npy header: shape ${formatShape(shape)} has a dimension that is not a non-negative integer`);
    product *= d;
  }
  if (product > MAX_ELEMENTS) {
    throw new Error(`${source}: .npy shape ${formatShape(shape)} has ${product} elements, more than the ${MAX_ELEMENTS} a tensor can hold`);
  }
  return { dtype, fortranOrder: fortran, shape, dataOffset };
}

function latin1(raw: Uint8Array): string {
  let s = '';
  for (let i = 0; i < raw.length; i++) s += String.fromCharCode(raw[i]);
  return s;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return `(${v.join(', ')})`;
  return JSON.stringify(v);
}

/** '<f4', '>i8', '|u1', '|b1' … → kind, size and byte order; anything else (structured, strings, objects) is an Error. */
function parseDescr(descr: string, source: string): NpyDtype {
  const m = /^([<>|=])([a-z])(\d+)$/.exec(descr);
  if (!m || !SUPPORTED.has(m[2] + m[3])) {
    throw new Error(`${source}: unsupported .npy dtype '${descr}' (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, either byte order)`);
  }
  const itemSize = Number(m[3]);
  // '=' is native order; '|' marks single bytes where order is moot.
  const littleEndian = m[1] === '<' || m[1] === '|' || (m[1] === '=' && HOST_LITTLE_ENDIAN);
  return { kind: m[2] as Kind, itemSize, littleEndian, descr };
}

type HeaderValue = string | boolean | number[] | number | null;

/**
 * Parses the header: a Python dict literal with string keys whose values are strings, True/False/None,
 * integers or tuples of integers. Deliberately small: anything else is a corrupt header.
 */
function parseHeaderDict(text: string, source: string): Map<string, HeaderValue> {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`${source}: corrupt .npy header: ${what} at character ${pos} of ${JSON.stringify(text.slice(0, 120))}`);
  };
  const skipSpace = (): void => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const expect = (ch: string): void => {
    skipSpace();
    if (text[pos] !== ch) fail(`expected '${ch}'`);
    pos++;
  };
  const parseString = (): string => {
    skipSpace();
    const quote = text[pos];
    if (quote !== "'" && quote !== '"') fail('expected a quoted string');
    const end = text.indexOf(quote, pos + 1);
    if (end < 0) fail('unterminated string');
    const s = text.slice(pos + 1, end);
    pos = end + 1;
    return s;
  };
  const parseInt = (): number => {
    skipSpace();
    const m = /^-?\d+L?/.exec(text.slice(pos, pos + 40));
    if (!m) fail('expected an integer');
    pos += m![0].length;
    return Number(m![0].replace('L', ''));
  };
  const parseValue = (): HeaderValue => {
    skipSpace();
    const c = text[pos];
    if (c === "'" || c === '"') return parseString();
    if (text.startsWith('True', pos)) { pos += 4; return true; }
    if (text.startsWith('False', pos)) { pos += 5; return false; }
    if (text.startsWith('None', pos)) { pos += 4; return null; }
    if (c === '(') {
      pos++;
      const items: number[] = [];
      skipSpace();
      while (text[pos] !== ')') {
        if (items.length > 64) fail('tuple longer than 64 dimensions');
        items.push(parseInt());
        skipSpace();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== ')') fail("expected ',' or ')' in tuple");
        skipSpace();
      }
      pos++;
      return items;
    }
    if (c === '-' || (c >= '0' && c <= '9')) return parseInt();
    if (c === '[') return fail('structured dtypes (a list as descr) are not supported');
    return fail('expected a value');
  };
  const dict = new Map<string, HeaderValue>();
  expect('{');
  skipSpace();
  while (text[pos] !== '}') {
    if (pos >= text.length) fail("unterminated dict, expected '}'");
    const key = parseString();
    if (dict.has(key)) fail(`duplicate key '${key}'`);
    expect(':');
    dict.set(key, parseValue());
    skipSpace();
    if (text[pos] === ',') pos++;
    else if (text[pos] !== '}') fail("expected ',' or '}'");
    skipSpace();
  }
  pos++;
  if (text.slice(pos).trim() !== '') fail('unexpected text after the dict');
  return dict;
}

/** Converts `count` items at `offset` into our dtype. The caller has checked the bytes are there. */
function decodeData(bytes: Uint8Array, offset: number, count: number, dt: NpyDtype, source: string): TypedArray {
  const { kind, itemSize } = dt;
  const nativeOrder = dt.littleEndian === HOST_LITTLE_ENDIAN || itemSize === 1;
  // A fresh, aligned copy of the data: Node's Buffers may sit at any offset in a shared pool.
  // (Uint8Array.prototype.slice copies; Buffer's own slice would not.)
  const copy = (): ArrayBuffer => Uint8Array.prototype.slice.call(bytes, offset, offset + count * itemSize).buffer;
  if (kind === 'f' && itemSize === 4 && nativeOrder) return new Float32Array(copy());
  if (kind === 'f' && itemSize === 8 && nativeOrder) return new Float64Array(copy());
  if (kind === 'i' && itemSize === 4 && nativeOrder) return new Int32Array(copy());
  if (kind === 'u' && itemSize === 1) return Int32Array.from(bytes.subarray(offset, offset + count));
  if (kind === 'b' && itemSize === 1) {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = bytes[offset + i] !== 0 ? 1 : 0;
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * itemSize);
  const le = dt.littleEndian;
  if (kind === 'f') {
    const out = itemSize === 8 ? new Float64Array(count) : new Float32Array(count);
    for (let i = 0; i < count; i++) {
      out[i] = itemSize === 8 ? view.getFloat64(8 * i, le) : itemSize === 4 ? view.getFloat32(4 * i, le) : halfToFloat(view.getUint16(2 * i, le));
    }
    return out;
  }
  const out = new Int32Array(count);
  if (itemSize === 8) {
    // 64-bit integers: the value fits int32 exactly when the high word is the sign extension of the low one.
    const loAt = le ? 0 : 4;
    const hiAt = le ? 4 : 0;
    for (let i = 0; i < count; i++) {
      const lo = view.getInt32(8 * i + loAt, le);
      const hi = view.getInt32(8 * i + hiAt, le);
      const fits = kind === 'i' ? hi === lo >> 31 : hi === 0 && lo >= 0;
      if (!fits) throw new Error(`${source}: ${dt.descr} element ${i} does not fit in int32 (our integer dtype)`);
      out[i] = lo;
    }
    return out;
  }
  for (let i = 0; i < count; i++) {
    let v: number;
    if (itemSize === 1) v = view.getInt8(i);
    else if (itemSize === 2) v = kind === 'i' ? view.getInt16(2 * i, le) : view.getUint16(2 * i, le);
    else v = kind === 'i' ? view.getInt32(4 * i, le) : view.getUint32(4 * i, le);
    if (v > 0x7fffffff) throw new Error(`${source}: ${dt.descr} element ${i} = ${v} does not fit in int32 (our integer dtype)`);
    out[i] = v;
  }
  return out;
}

/** IEEE 754 binary16 → number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Reorders column-major data of `shape` into row-major order. */
function fortranToC(src: TypedArray, shape: number[]): TypedArray {
  const rank = shape.length;
  const out = new (src.constructor as new (n: number) => TypedArray)(src.length);
  if (src.length === 0) return out;
  // Column-major strides: dimension k steps over the product of the dimensions before it.
  const fStride = new Array<number>(rank);
  let s = 1;
  for (let k = 0; k < rank; k++) { fStride[k] = s; s *= shape[k]; }
  const index = new Array<number>(rank).fill(0);
  let fOffset = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = src[fOffset];
    // Advance the C-order multi-index (last dimension fastest), keeping the Fortran offset in step.
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      fOffset += fStride[k];
      if (index[k] < shape[k]) break;
      fOffset -= fStride[k] * shape[k];
      index[k] = 0;
    }
  }
  return out;
}
