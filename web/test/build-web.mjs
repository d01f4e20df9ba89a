/**
 * Builds the pages for the browser test and bench: the gzip'd MNIST files (scripts/web-data.mjs), then
 * `vite build` of web/ into web/dist. Needs the package's browser build (npm run build) first.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = path.join(webDir, '..');
export const distDir = path.join(webDir, 'dist');

function run(args) {
  const r = spawnSync(process.execPath, args, { cwd: repoDir, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

export function buildWeb() {
  const entry = path.join(repoDir, 'dist', 'src', 'browser.js');
  if (!fs.existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  run([path.join(repoDir, 'scripts', 'web-data.mjs')]);
  run([path.join(repoDir, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', path.join(webDir, 'vite.config.ts'), '--logLevel', 'warn']);
}

/** Debian's Chromium (or CONVNET_CHROMIUM), if it is there and starts: what the browser test and bench drive. */
export function chromiumPath() {
  const p = process.env.CONVNET_CHROMIUM ?? '/usr/bin/chromium';
  if (!fs.existsSync(p)) return null;
  return spawnSync(p, ['--version'], { encoding: 'utf8' }).status === 0 ? p : null;
}

if (import.meta.url === `file://${process.argv[1]}`) buildWeb();
