/** Shared by the CLI tests: running `convnet` as a user would (a child process) and MNIST digits as image files. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/cli-helpers.js → bin/convnet.js */
export const BIN = fileURLToPath(new URL('../../bin/convnet.js', import.meta.url));

export interface RunResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs `convnet ...args` to completion. */
export function convnet(args: string[], cwd?: string): RunResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, timeout: 120_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `convnet ...args`; `waitFor(text)` resolves once stdout has shown `text`. */
export function startConvnet(args: string[]): { child: ChildProcess; waitFor(text: string): Promise<void>; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    for (const w of waiters.splice(0)) {
      if (stdout.includes(w.text)) w.resolve();
      else waiters.push(w);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const done = new Promise<RunResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    child,
    done,
    waitFor: (text) => new Promise<void>((resolve, reject) => {
      if (stdout.includes(text)) return resolve();
      waiters.push({ text, resolve });
      done.then((r) => reject(new Error(`convnet ended (code ${r.code}) before printing '${text}':\n${r.stdout}\n${r.stderr}`)));
    }),
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `convnet-${prefix}-`));
}

/** Whether /usr/bin/chromium can run headless here. */
export function chromiumPath(): string | null {
  const p = '/usr/bin/chromium';
  if (!fs.existsSync(p)) return null;
  return spawnSync(p, ['--version'], { encoding: 'utf8' }).status === 0 ? p : null;
}
