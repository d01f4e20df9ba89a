#!/usr/bin/env node
// The `convnet` command: a shim that runs the compiled CLI (src/cli/main.ts, built by `npm run build`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('convnet: the command is not built yet; run `npm run build` (or `npm start`, which builds first)\n');
  process.exit(1);
}
let main;
try {
  ({ main } = await import(entry.href));
} catch (e) {
  // A half-built or stale dist/: say so in one line (the stack only with --verbose, like every other error).
  process.stderr.write(`convnet: cannot load the compiled command (${e.message.split('\n')[0]}); rebuild with \`npm run build\`\n`);
  if (process.argv.includes('--verbose')) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
