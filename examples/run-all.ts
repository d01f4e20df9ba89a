/**
 * `npm start`: runs the ported spec examples one after another, each in its own process (as the spec runs
 * each main file), stopping at the first failure: the four primitives (0–3), then LeNet-5 trained with the
 * layers API (5). Extra arguments (e.g. `--out DIR`, `--epochs 1`) are passed on.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const examples = ['0-main', '1-main', '2-main', '3-main', '5-main'];

for (const name of examples) {
  console.log(`\n$ ./${name}`);
  const result = spawnSync(process.execPath, [join(here, `${name}.js`), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`${name} failed (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
}
