/**
 * NumPy's .npz: a ZIP archive holding one "<key>.npy" file per array. np.savez stores the entries,
 * np.savez_compressed deflates them; we read both and write either (stored by default).
 */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/shape-util.js';
import { encodeNpy, parseNpy, readError } from './npy.js';
import { checkEntryName, readZip, writeZip } from './zip.js';
import { fileAccess } from '../platform/files.js';

export interface SaveNpzOptions {
  /** Deflate the entries, like np.savez_compressed. Default false, like np.savez. */
  compress?: boolean;
}

/** Parses .npz bytes into {key: Tensor}; keys drop the '.npy' suffix as np.load does. */
export function parseNpz(bytes: Uint8Array, source = 'bytes'): Record<string, Tensor> {
  if (!(bytes instanceof Uint8Array)) throw new Error(`bytes: expected a Uint8Array, got ${describe(bytes)}`);
  const out: Record<string, Tensor> = Object.create(null);
  for (const entry of readZip(bytes, source)) {
    const key = entry.name.endsWith('.npy') ? entry.name.slice(0, -4) : entry.name;
    if (key in out) throw new Error(`${source}: two entries give the key ${JSON.stringify(key)}`);
    out[key] = parseNpy(entry.data, `${source}:${entry.name}`);
  }
  return out;
}

/** Reads a .npz file. */
export async function loadNpz(path: string): Promise<Record<string, Tensor>> {
  if (typeof path !== 'string') throw new Error(`path: expected a string, got ${describe(path)}`);
  let bytes: Uint8Array;
  try {
    bytes = await fileAccess('loadNpz', 'use parseNpz(bytes) on bytes you fetched').readFile(path);
  } catch (e) {
    throw readError(path, e);
  }
  return parseNpz(bytes, path);
}

/** The .npz bytes of a record of tensors, in the record's key order. */
export function encodeNpz(arrays: Record<string, Tensor>, options: SaveNpzOptions = {}): Uint8Array {
  if (arrays === null || typeof arrays !== 'object' || Array.isArray(arrays)) {
    throw new Error(`arrays: expected a Record<string, Tensor>, got ${describe(arrays)}`);
  }
  const entries = Object.entries(arrays).map(([key, t]) => {
    if (!(t instanceof Tensor)) throw new Error(`arrays.${key}: expected a Tensor, got ${describe(t)}`);
    checkEntryName(key, `arrays.${key}`);
    return { name: `${key}.npy`, data: encodeNpy(t) };
  });
  return writeZip(entries, { compress: options.compress ?? false });
}

/** Writes a .npz file atomically. */
export async function saveNpz(path: string, arrays: Record<string, Tensor>, options: SaveNpzOptions = {}): Promise<void> {
  if (typeof path !== 'string') throw new Error(`path: expected a string, got ${describe(path)}`);
  await fileAccess('saveNpz', 'use encodeNpz(arrays) for the bytes').writeFileAtomic(path, encodeNpz(arrays, options));
}
