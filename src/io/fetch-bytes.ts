/**
 * Bytes from a URL with fetch, for every reader that loads over the network (model stores, MNIST in
 * browsers): failures are Errors that start with the caller's argument name and give the URL; the body
 * is read as it arrives, reported to onProgress, and refused past maxBytes without reading the rest.
 */
export interface FetchBytesOptions {
  /** Refuse a body larger than this (default: no limit beyond memory). */
  maxBytes?: number;
  /** Called per received chunk with its size and the total the server announced (0 when it did not). */
  onProgress?: (delta: number, total: number) => void;
}

export async function fetchBytes(url: string, what: string, options: FetchBytesOptions = {}): Promise<Uint8Array> {
  if (typeof fetch !== 'function') throw new Error(`${what}: cannot fetch ${url}: fetch is not available here`);
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`${what}: cannot fetch ${url}: ${(e as Error).message}`);
  }
  if (!response.ok || !response.body) throw new Error(`${what}: cannot fetch ${url}: HTTP ${response.status} ${response.statusText}`);
  const total = Number(response.headers.get('content-length') ?? 0);
  const maxBytes = options.maxBytes ?? Infinity;
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`${what}: ${url} is larger than the ${maxBytes} bytes expected`);
    }
    parts.push(value);
    options.onProgress?.(value.length, total);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) { bytes.set(p, at); at += p.length; }
  return bytes;
}
