#!/usr/bin/env node
// The `convnet` command: a shim that runs the compiled CLI (src/cli/main.ts, built by `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('convnet: the command is not built yet; run `npm run build` (or `npm start`, which builds first)\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
