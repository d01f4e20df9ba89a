/**
 * A small ZIP reader and writer on Uint8Array, enough for .npz files (which are plain ZIP archives of .npy
 * files): stored and deflated entries, ZIP64 end records and extra fields, CRC-32 checked.
 *
 * Layout (PKWARE APPNOTE): [local header, name, extra, data]* then the central directory (one record per
 * entry, pointing back at its local header) then, for ZIP64, the ZIP64 end record and its locator, and
 * last the classic end-of-central-directory record (EOCD), found by scanning back from the end.
 *
 * Safety: every offset and size is checked against the bytes present before use; a deflated entry may
 * not inflate past the size its header declares (a bounded inflate), and that declared size is
 * itself bounded by deflate's best possible ratio, so a small file can never make us allocate a lot.
 */
import { platform } from '#platform';
import { crc32 } from './crc32.js';

export interface ZipEntry { name: string; data: Uint8Array }
export interface ZipWriteOptions {
  /** Deflate every entry (like np.savez_compressed); default false: stored (like np.savez). */
  compress?: boolean;
  /** Write ZIP64 records even when the archive is small (for testing readers). */
  forceZip64?: boolean;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EXTRA_ID = 0x0001;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const FLAG_ENCRYPTED = 0x1;
const FLAG_UTF8 = 0x800;
/** Largest entry we inflate: a tensor's bytes must fit one Node buffer (and 2^31-1 int32 elements). */
export const MAX_ENTRY_BYTES = 2 ** 31 - 1;
/** Deflate cannot exceed ~1032:1 (a 258-byte match costs at least 2 bits); a larger claim is a lie. */
const MAX_DEFLATE_RATIO = 1032;
/** DOS date 1980-01-01, time 00:00: a fixed timestamp so the same tensors always give the same bytes. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

/** Throws unless `name` is a safe relative entry name: no '..' segment, no absolute path, no backslash. */
export function checkEntryName(name: string, what: string): void {
  if (name.length === 0) throw new Error(`${what}: empty entry name`);
  if (name.includes('\\')) throw new Error(`${what}: entry name ${JSON.stringify(name)} contains a backslash`);
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new Error(`${what}: entry name ${JSON.stringify(name)} is an absolute path`);
  if (name.split('/').includes('..')) throw new Error(`${what}: entry name ${JSON.stringify(name)} contains '..'`);
  if (name.includes('\0')) throw new Error(`${what}: entry name ${JSON.stringify(name)} contains a NUL character`);
}

// ---------------------------------------------------------------- reading

interface CentralRecord {
  name: string; method: number; flags: number; crc: number;
  compressedSize: number; uncompressedSize: number; localOffset: number;
}

/** Reads every entry of a ZIP archive. `source` (a path or 'bytes') starts every error message. */
export function readZip(bytes: Uint8Array, source = 'bytes'): ZipEntry[] {
  const r = new Reader(bytes, source);
  const { count, cdOffset, cdSize, cdLimit } = readEnd(r);
  if (cdOffset + cdSize > cdLimit) {
    r.fail(`central directory [${cdOffset}, ${cdOffset + cdSize}) runs past its end records at ${cdLimit}`);
  }
  // Every record takes at least 46 bytes, so a lying count cannot make us loop long or allocate much.
  if (count * 46 > cdSize) r.fail(`end record declares ${count} entries, but the ${cdSize}-byte central directory holds at most ${Math.floor(cdSize / 46)}`);
  const records: CentralRecord[] = [];
  let pos = cdOffset;
  for (let i = 0; i < count; i++) {
    const rec = readCentralRecord(r, pos, cdOffset + cdSize);
    records.push(rec.record);
    pos = rec.next;
  }
  const spans = records.map((rec) => ({ rec, ...locateData(r, rec, cdOffset) }));
  // Entries may not share bytes: overlapping records are a known zip-bomb trick (the same compressed
  // data inflated again and again) and never occur in an archive written by a real zip tool.
  const byOffset = spans.slice().sort((a, b) => a.rec.localOffset - b.rec.localOffset);
  for (let i = 1; i < byOffset.length; i++) {
    if (byOffset[i].rec.localOffset < byOffset[i - 1].end) {
      r.fail(`entries ${JSON.stringify(byOffset[i - 1].rec.name)} and ${JSON.stringify(byOffset[i].rec.name)} overlap`);
    }
  }
  const seen = new Set<string>();
  return spans.map(({ rec, start, end }) => {
    if (seen.has(rec.name)) r.fail(`duplicate entry name ${JSON.stringify(rec.name)}`);
    seen.add(rec.name);
    return { name: rec.name, data: decodeEntry(r, rec, r.bytes.subarray(start, end)) };
  });
}

/** Bounds-checked little-endian reads that fail with the source's name. */
class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly source: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  fail(what: string): never {
    throw new Error(`${this.source}: corrupt zip: ${what}`);
  }
  need(pos: number, n: number, what: string): void {
    if (pos < 0 || pos + n > this.bytes.length) this.fail(`${what} at offset ${pos} (${n} bytes) runs past the end of the ${this.bytes.length}-byte file`);
  }
  u16(pos: number): number { return this.view.getUint16(pos, true); }
  u32(pos: number): number { return this.view.getUint32(pos, true); }
  /** A 64-bit size or offset; anything beyond 2^53 cannot be real in a file we hold in memory. */
  u64(pos: number, what: string): number {
    const v = this.view.getUint32(pos + 4, true) * 2 ** 32 + this.view.getUint32(pos, true);
    if (v > Number.MAX_SAFE_INTEGER) this.fail(`${what} ${v} is absurdly large`);
    return v;
  }
}

function readEnd(r: Reader): { count: number; cdOffset: number; cdSize: number; cdLimit: number } {
  const { bytes } = r;
  if (bytes.length < 22) r.fail(`${bytes.length} bytes is too short for a zip file (no end-of-central-directory record)`);
  // The EOCD is the last 22 bytes plus a comment of up to 65535 bytes.
  let eocd = -1;
  for (let p = bytes.length - 22; p >= Math.max(0, bytes.length - 22 - U16_MAX); p--) {
    if (r.u32(p) === SIG_EOCD && p + 22 + r.u16(p + 20) <= bytes.length) { eocd = p; break; }
  }
  if (eocd < 0) r.fail('no end-of-central-directory record (not a zip file, or truncated)');
  if (r.u16(eocd + 4) !== 0 || r.u16(eocd + 6) !== 0) r.fail('multi-disk archives are not supported');
  let count = r.u16(eocd + 10);
  let cdSize = r.u32(eocd + 12);
  let cdOffset = r.u32(eocd + 16);
  let cdLimit = eocd;
  const locator = eocd - 20;
  if (locator >= 0 && r.u32(locator) === SIG_ZIP64_LOCATOR) {
    const z = r.u64(locator + 8, 'ZIP64 end record offset');
    r.need(z, 56, 'ZIP64 end record');
    if (z + 56 > locator) r.fail(`ZIP64 end record at ${z} overlaps its locator at ${locator}`);
    if (r.u32(z) !== SIG_ZIP64_EOCD) r.fail(`no ZIP64 end record at offset ${z} where the locator points`);
    if (r.u32(z + 16) !== 0 || r.u32(z + 20) !== 0) r.fail('multi-disk archives are not supported');
    count = r.u64(z + 32, 'ZIP64 entry count');
    cdSize = r.u64(z + 40, 'ZIP64 central directory size');
    cdOffset = r.u64(z + 48, 'ZIP64 central directory offset');
    cdLimit = z;
  } else if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    r.fail('end record fields are saturated (ZIP64) but there is no ZIP64 locator');
  }
  return { count, cdOffset, cdSize, cdLimit };
}

function readCentralRecord(r: Reader, pos: number, end: number): { record: CentralRecord; next: number } {
  if (pos + 46 > end) r.fail(`central directory record at ${pos} runs past the directory's end at ${end}`);
  if (r.u32(pos) !== SIG_CENTRAL) r.fail(`bad central directory signature at offset ${pos}`);
  const flags = r.u16(pos + 8);
  const method = r.u16(pos + 10);
  const crc = r.u32(pos + 16);
  let compressedSize = r.u32(pos + 20);
  let uncompressedSize = r.u32(pos + 24);
  const nameLen = r.u16(pos + 28);
  const extraLen = r.u16(pos + 30);
  const commentLen = r.u16(pos + 32);
  const disk = r.u16(pos + 34);
  let localOffset = r.u32(pos + 42);
  const next = pos + 46 + nameLen + extraLen + commentLen;
  if (next > end) r.fail(`central directory record at ${pos} runs past the directory's end at ${end}`);
  const nameBytes = r.bytes.subarray(pos + 46, pos + 46 + nameLen);
  const name = flags & FLAG_UTF8 ? new TextDecoder().decode(nameBytes) : cp437ish(nameBytes);
  // ZIP64 extra field: holds, in this order, only the fields saturated in the record itself.
  let e = pos + 46 + nameLen;
  const extraEnd = e + extraLen;
  while (e + 4 <= extraEnd) {
    const id = r.u16(e);
    const size = r.u16(e + 2);
    const body = e + 4;
    if (body + size > extraEnd) r.fail(`extra field of entry ${JSON.stringify(name)} runs past its record`);
    if (id === ZIP64_EXTRA_ID) {
      let q = body;
      const take = (what: string): number => {
        if (q + 8 > body + size) r.fail(`ZIP64 extra field of entry ${JSON.stringify(name)} is too short for its ${what}`);
        const v = r.u64(q, what);
        q += 8;
        return v;
      };
      if (uncompressedSize === U32_MAX) uncompressedSize = take('uncompressed size');
      if (compressedSize === U32_MAX) compressedSize = take('compressed size');
      if (localOffset === U32_MAX) localOffset = take('local header offset');
    }
    e = body + size;
  }
  if (disk !== 0 && disk !== U16_MAX) r.fail('multi-disk archives are not supported');
  checkEntryName(name, r.source);
  return { record: { name, method, flags, crc, compressedSize, uncompressedSize, localOffset }, next };
}

/** Names without the UTF-8 flag are CP437; ASCII is the same in both, which is all .npz names use. */
function cp437ish(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Where an entry's data lies: after its local header, before the central directory. */
function locateData(r: Reader, rec: CentralRecord, cdOffset: number): { start: number; end: number } {
  const label = `entry ${JSON.stringify(rec.name)}`;
  const p = rec.localOffset;
  r.need(p, 30, `local header of ${label}`);
  if (r.u32(p) !== SIG_LOCAL) r.fail(`bad local header signature for ${label} at offset ${p}`);
  const nameLen = r.u16(p + 26);
  const start = p + 30 + nameLen + r.u16(p + 28);
  const end = start + rec.compressedSize;
  if (end > cdOffset) r.fail(`${label} data [${start}, ${end}) runs into the central directory at ${cdOffset} (truncated?)`);
  return { start, end };
}

function decodeEntry(r: Reader, rec: CentralRecord, raw: Uint8Array): Uint8Array {
  const label = `entry ${JSON.stringify(rec.name)}`;
  if (rec.flags & FLAG_ENCRYPTED) r.fail(`${label} is encrypted (not supported)`);
  let data: Uint8Array;
  if (rec.method === METHOD_STORED) {
    if (rec.compressedSize !== rec.uncompressedSize) r.fail(`stored ${label} has compressed size ${rec.compressedSize} != uncompressed size ${rec.uncompressedSize}`);
    data = raw;
  } else if (rec.method === METHOD_DEFLATE) {
    data = inflateBounded(r, raw, rec.uncompressedSize, label);
  } else {
    return r.fail(`${label} uses compression method ${rec.method} (supported: 0 stored, 8 deflate)`);
  }
  const actual = crc32(data);
  if (actual !== rec.crc) r.fail(`CRC-32 mismatch in ${label}: stored ${hex(rec.crc)}, computed ${hex(actual)}`);
  return data;
}

function inflateBounded(r: Reader, raw: Uint8Array, declared: number, label: string): Uint8Array {
  if (declared > MAX_ENTRY_BYTES) r.fail(`${label} declares ${declared} uncompressed bytes, more than the ${MAX_ENTRY_BYTES} we accept`);
  if (declared > raw.length * MAX_DEFLATE_RATIO + 64) {
    r.fail(`${label} declares ${declared} uncompressed bytes from ${raw.length} compressed: impossible for deflate`);
  }
  let out: Uint8Array;
  try {
    out = platform.inflateRaw(raw, declared);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return r.fail(`${label} does not inflate to its declared ${declared} bytes: ${msg}`);
  }
  if (out.length !== declared) r.fail(`${label} inflates to ${out.length} bytes, header declares ${declared}`);
  return out;
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

// ---------------------------------------------------------------- writing

interface Prepared { nameBytes: Uint8Array; data: Uint8Array; method: number; crc: number; size: number; offset: number; zip64: boolean }

/** Builds a ZIP archive of `entries`, in order. */
export function writeZip(entries: readonly ZipEntry[], options: ZipWriteOptions = {}): Uint8Array {
  const compress = options.compress ?? false;
  const force = options.forceZip64 ?? false;
  const names = new Set<string>();
  const encoder = new TextEncoder();
  let offset = 0;
  const prepared: Prepared[] = entries.map((entry, i) => {
    checkEntryName(entry.name, `entries[${i}].name`);
    if (names.has(entry.name)) throw new Error(`entries[${i}].name: duplicate entry name ${JSON.stringify(entry.name)}`);
    names.add(entry.name);
    if (!(entry.data instanceof Uint8Array)) throw new Error(`entries[${i}].data: expected a Uint8Array`);
    const data = compress ? platform.deflateRaw(entry.data) : entry.data;
    const nameBytes = encoder.encode(entry.name);
    const zip64 = force || entry.data.length >= U32_MAX || data.length >= U32_MAX || offset >= U32_MAX;
    const p: Prepared = {
      nameBytes, data, method: compress ? METHOD_DEFLATE : METHOD_STORED, crc: crc32(entry.data),
      size: entry.data.length, offset, zip64,
    };
    offset += 30 + nameBytes.length + (zip64 ? 20 : 0) + data.length;
    return p;
  });
  const cdOffset = offset;
  const cdSize = prepared.reduce((n, p) => n + 46 + p.nameBytes.length + (p.zip64 ? 28 : 0), 0);
  const zip64End = force || prepared.length >= U16_MAX || cdOffset >= U32_MAX || cdSize >= U32_MAX;
  const out = new Uint8Array(cdOffset + cdSize + (zip64End ? 56 + 20 : 0) + 22);
  const w = new DataView(out.buffer);
  for (const p of prepared) writeLocal(out, w, p);
  let pos = cdOffset;
  for (const p of prepared) pos = writeCentral(out, w, p, pos);
  if (zip64End) {
    const z = pos;
    w.setUint32(pos, SIG_ZIP64_EOCD, true);
    setU64(w, pos + 4, 56 - 12); // size of the rest of this record
    w.setUint16(pos + 12, 45, true); // version made by
    w.setUint16(pos + 14, 45, true); // version needed
    setU64(w, pos + 24, prepared.length);
    setU64(w, pos + 32, prepared.length);
    setU64(w, pos + 40, cdSize);
    setU64(w, pos + 48, cdOffset);
    pos += 56;
    w.setUint32(pos, SIG_ZIP64_LOCATOR, true);
    setU64(w, pos + 8, z);
    w.setUint32(pos + 16, 1, true); // total number of disks
    pos += 20;
  }
  w.setUint32(pos, SIG_EOCD, true);
  w.setUint16(pos + 8, zip64End ? U16_MAX : prepared.length, true);
  w.setUint16(pos + 10, zip64End ? U16_MAX : prepared.length, true);
  w.setUint32(pos + 12, zip64End ? U32_MAX : cdSize, true);
  w.setUint32(pos + 16, zip64End ? U32_MAX : cdOffset, true);
  return out;
}

function setU64(w: DataView, pos: number, v: number): void {
  w.setUint32(pos, v % 2 ** 32, true);
  w.setUint32(pos + 4, Math.floor(v / 2 ** 32), true);
}

function flagsOf(p: Prepared): number {
  return p.nameBytes.some((b) => b >= 0x80) ? FLAG_UTF8 : 0;
}

function writeLocal(out: Uint8Array, w: DataView, p: Prepared): void {
  let pos = p.offset;
  w.setUint32(pos, SIG_LOCAL, true);
  w.setUint16(pos + 4, p.zip64 ? 45 : 20, true);
  w.setUint16(pos + 6, flagsOf(p), true);
  w.setUint16(pos + 8, p.method, true);
  w.setUint16(pos + 10, DOS_TIME, true);
  w.setUint16(pos + 12, DOS_DATE, true);
  w.setUint32(pos + 14, p.crc, true);
  w.setUint32(pos + 18, p.zip64 ? U32_MAX : p.data.length, true);
  w.setUint32(pos + 22, p.zip64 ? U32_MAX : p.size, true);
  w.setUint16(pos + 26, p.nameBytes.length, true);
  w.setUint16(pos + 28, p.zip64 ? 20 : 0, true);
  out.set(p.nameBytes, pos + 30);
  pos += 30 + p.nameBytes.length;
  if (p.zip64) {
    // In a local header the ZIP64 extra always carries both sizes.
    w.setUint16(pos, ZIP64_EXTRA_ID, true);
    w.setUint16(pos + 2, 16, true);
    setU64(w, pos + 4, p.size);
    setU64(w, pos + 12, p.data.length);
    pos += 20;
  }
  out.set(p.data, pos);
}

function writeCentral(out: Uint8Array, w: DataView, p: Prepared, pos: number): number {
  w.setUint32(pos, SIG_CENTRAL, true);
  w.setUint16(pos + 4, p.zip64 ? 45 : 20, true); // version made by (MS-DOS attributes)
  w.setUint16(pos + 6, p.zip64 ? 45 : 20, true); // version needed
  w.setUint16(pos + 8, flagsOf(p), true);
  w.setUint16(pos + 10, p.method, true);
  w.setUint16(pos + 12, DOS_TIME, true);
  w.setUint16(pos + 14, DOS_DATE, true);
  w.setUint32(pos + 16, p.crc, true);
  w.setUint32(pos + 20, p.zip64 ? U32_MAX : p.data.length, true);
  w.setUint32(pos + 24, p.zip64 ? U32_MAX : p.size, true);
  w.setUint16(pos + 28, p.nameBytes.length, true);
  w.setUint16(pos + 30, p.zip64 ? 28 : 0, true);
  w.setUint32(pos + 42, p.zip64 ? U32_MAX : p.offset, true);
  out.set(p.nameBytes, pos + 46);
  pos += 46 + p.nameBytes.length;
  if (p.zip64) {
    w.setUint16(pos, ZIP64_EXTRA_ID, true);
    w.setUint16(pos + 2, 24, true);
    setU64(w, pos + 4, p.size);
    setU64(w, pos + 12, p.data.length);
    setU64(w, pos + 20, p.offset);
    pos += 28;
  }
  return pos;
}
