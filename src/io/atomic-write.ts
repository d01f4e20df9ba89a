/**
 * Atomic file writes: the bytes go to a temporary file in the destination's own directory, are flushed
 * to disk (fsync), then renamed over the destination. A crash or a full disk midway leaves either the
 * old file or the new one, never a half-written model or dataset. Rename is only atomic within one
 * file system, which is why the temporary file sits next to the target rather than in os.tmpdir().
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  return path.join(dir, `.${base}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** A process that no longer exists (kill(pid, 0) is a liveness check that sends nothing). */
function isDead(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * A writer killed between creating its temporary file and renaming it leaves that file behind; the
 * next write of the same target removes such leftovers of dead processes (best effort: never fails
 * the write). Files of live processes, which may be writing right now, are left alone.
 */
function removeStaleTemps(target: string): void {
  const dir = path.dirname(target);
  const prefix = `.${path.basename(target)}.`;
  try {
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith(prefix)) continue;
      const m = /^(\d+)\.[0-9a-f]{12}\.tmp$/.exec(name.slice(prefix.length));
      if (m && Number(m[1]) !== process.pid && isDead(Number(m[1]))) fs.rmSync(path.join(dir, name), { force: true });
    }
  } catch {
    // an unreadable directory will fail the write itself, with its own message
  }
}

function checkArgs(target: unknown, bytes: unknown): asserts target is string {
  if (typeof target !== 'string' || target.length === 0) {
    throw new Error(`path: expected a non-empty string, got ${JSON.stringify(target)}`);
  }
  if (!(bytes instanceof Uint8Array)) {
    throw new Error(`bytes: expected a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  }
}

/** Writes `bytes` to `target` atomically (synchronous). */
export function writeFileAtomicSync(target: string, bytes: Uint8Array): void {
  checkArgs(target, bytes);
  removeStaleTemps(target);
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(fd, bytes, written, bytes.length - written);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw writeError(target, err);
  }
  syncDirectorySync(path.dirname(target));
}

/** Writes `bytes` to `target` atomically; resolves once the data and the rename are on disk. */
export async function writeFileAtomic(target: string, bytes: Uint8Array): Promise<void> {
  checkArgs(target, bytes);
  removeStaleTemps(target);
  const tmp = tempPathFor(target);
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(tmp, 'wx', 0o644);
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.promises.rename(tmp, target);
  } catch (err) {
    if (handle !== undefined) await handle.close();
    await fs.promises.rm(tmp, { force: true });
    throw writeError(target, err);
  }
  syncDirectorySync(path.dirname(target));
}

/** A write failure (missing or read-only directory, full disk) as an Error naming the path; errno's code is kept. */
function writeError(target: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  if (!(e instanceof Error) || e.message.startsWith('path:')) return e;
  return Object.assign(new Error(`path: cannot write ${target}: ${e.message}`, { cause: e }), { code: e.code });
}

/** Makes the rename itself durable. Best effort: some platforms (Windows) cannot open a directory. */
function syncDirectorySync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not fatal: the file is complete and renamed; only its durability across a power cut is weaker.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Creates `dir` and its missing parents one level at a time. Node 20's `mkdirSync(dir, { recursive: true })`
 * never returns for some paths (anything under /proc), so a bad output path would hang instead of failing.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
    missing.push(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** The probe writes at most this much: enough to find a full disk, not a second copy of a huge model. */
const PROBE_MAX_BYTES = 64 * 2 ** 20;

/**
 * Fails now, not after an hour of training, if `dir` cannot be created or cannot take `bytes` more bytes
 * (read-only, full disk, a file where a directory should be): writes that many zero bytes to a temporary file
 * in `dir`, flushes them to disk and removes the file. The Error starts with `argName` and keeps errno's code.
 */
export function probeWritableDirSync(dir: string, bytes: number, argName: string): void {
  const probe = path.join(dir, `.write-probe.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    makeDirs(dir);
    fd = fs.openSync(probe, 'wx', 0o600);
    const chunk = new Uint8Array(Math.min(Math.max(bytes, 1), 2 ** 20));
    for (let left = Math.min(Math.max(bytes, 1), PROBE_MAX_BYTES); left > 0;) {
      const n = fs.writeSync(fd, chunk, 0, Math.min(left, chunk.length));
      left -= n;
    }
    fs.fsyncSync(fd);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw Object.assign(new Error(`${argName}: cannot write to ${dir}: ${e.message}`, { cause: e }), { code: e.code });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    removeQuietly(probe);
  }
}

/** Cleanup after a failure must not replace the failure's own Error (e.g. ENOTDIR when dir is a file). */
function removeQuietly(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // nothing was created there
  }
}
