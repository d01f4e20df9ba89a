/**
 * `convnet bench`: runs the benchmark table (dist/bench/index.js, built from bench/) in a child
 * process, passing every argument on, and exits with its exit code.
 */
import * as fs from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command, ParsedArgs } from './args.js';

/** dist/src/cli/bench.js → dist/bench/index.js */
export const BENCH_ENTRY = fileURLToPath(new URL('../../bench/index.js', import.meta.url));

export const benchCommand: Command = {
  name: 'bench',
  summary: 'Run the benchmarks (ours vs TensorFlow.js); arguments are passed on to the benchmark script.',
  usage: '[benchmark arguments...]',
  positionals: { min: 0, max: Infinity, names: 'benchmark arguments' },
  options: {},
  passThrough: true,
  details: `Runs node ${BENCH_ENTRY} with the given arguments, e.g. \`convnet bench lenet\` runs only the benchmarks whose name contains "lenet".\nBENCH_SCALE=0.1 shrinks the workloads for a quick look.`,
  run: runBench,
};

async function runBench(args: ParsedArgs): Promise<number> {
  if (!fs.existsSync(BENCH_ENTRY)) throw new Error(`the benchmarks are not built: ${BENCH_ENTRY} does not exist (run npm run build)`);
  const rest = args.raw[0] === '--' ? args.raw.slice(1) : args.raw.filter((a) => a !== '--verbose');
  const child = spawn(process.execPath, [BENCH_ENTRY, ...rest], { stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal; the parent just waits for it.
  const ignore = () => {};
  process.on('SIGINT', ignore);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', (e) => reject(new Error(`cannot start the benchmarks: ${e.message}`)));
      child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
    });
  } finally {
    process.off('SIGINT', ignore);
  }
}
