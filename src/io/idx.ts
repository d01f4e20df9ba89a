/**
 * The IDX format of the MNIST files (yann.lecun.com/exdb/mnist): a big-endian magic 0x0000TTNN
 * (TT = element type, NN = number of dimensions), NN big-endian uint32 dimensions, then the data.
 * Only unsigned bytes (TT = 0x08) are supported: images (0x00000803) and labels (0x00000801).
 */
import { MAX_ELEMENTS, formatShape } from '../tensor/shape-util.js';

export interface IdxArray {
  /** The dimensions from the header, e.g. [60000, 28, 28]. */
  shape: number[];
  /** The elements, row-major: a view into the input bytes (not copied). */
  data: Uint8Array;
}

const TYPE_UBYTE = 0x08;

/** Parses IDX bytes; `source` names the file in error messages. */
export function parseIdx(bytes: Uint8Array, source = 'bytes'): IdxArray {
  if (!(bytes instanceof Uint8Array)) throw new Error(`bytes: expected a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 4) throw new Error(`${source}: truncated IDX file: ${bytes.length} bytes, shorter than the 4-byte magic`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${source}: not an IDX file: magic starts with 0x${hex2(bytes[0])}${hex2(bytes[1])}, expected 0x0000`);
  }
  const type = bytes[2];
  const rank = bytes[3];
  if (type !== TYPE_UBYTE) throw new Error(`${source}: unsupported IDX element type 0x${hex2(type)} (only 0x08, unsigned byte)`);
  if (rank === 0) throw new Error(`${source}: IDX header declares 0 dimensions`);
  const dataOffset = 4 + 4 * rank;
  if (bytes.length < dataOffset) throw new Error(`${source}: truncated IDX file: ${bytes.length} bytes, header needs ${dataOffset} for ${rank} dimensions`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  if (count > MAX_ELEMENTS) throw new Error(`${source}: IDX shape ${formatShape(shape)} has ${count} elements, more than ${MAX_ELEMENTS}`);
  const available = bytes.length - dataOffset;
  if (available !== count) {
    throw new Error(`${source}: ${available < count ? 'truncated' : 'corrupt'} IDX file: shape ${formatShape(shape)} needs ${count} bytes of data, file holds ${available}`);
  }
  return { shape, data: bytes.subarray(dataOffset) };
}

function hex2(b: number): string {
  return b.toString(16).padStart(2, '0');
}
