/**
 * The `convnet` command: `convnet <command> [options]`. Finds the subcommand, parses its options,
 * runs it and turns failures into one line on stderr: exit 2 for a wrong command line, 1 for a failed
 * run (missing file, model that does not fit the data), with the stack trace only under --verbose.
 */
import { Command, UsageError, helpText, parseCommandArgs } from './args.js';
import { trainCommand } from './train.js';
import { predictCommand } from './predict.js';
import { evaluateCommand } from './evaluate.js';
import { inspectCommand } from './inspect.js';
import { benchCommand } from './bench.js';

export const COMMANDS: Command[] = [trainCommand, predictCommand, evaluateCommand, inspectCommand, benchCommand];

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'Usage: convnet <command> [options]',
    '',
    'Train LeNet-5 on MNIST, look at what it learned, and use it on your own images.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "Run 'convnet <command> --help' for a command's options.",
    'Example: convnet train --epochs 1 --limit 5000 && convnet predict runs/<timestamp> digit.png',
    '',
  ].join('\n');
}

/** Runs the command line `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  // `convnet predict … | head` closes our stdout early: stop quietly, as other command-line tools do.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); else throw e; });
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(topHelp());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`convnet: unknown command '${name}'; commands are ${COMMANDS.map((c) => c.name).join(', ')} (see convnet --help)\n`);
    return EXIT_USAGE;
  }
  const verbose = rest.includes('--verbose');
  try {
    const args = parseCommandArgs(cmd, rest);
    if (args.values.help) {
      process.stdout.write(helpText(cmd));
      return EXIT_OK;
    }
    return await cmd.run(args);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const usage = err instanceof UsageError;
    const firstLine = err.message.split('\n')[0];
    process.stderr.write(`convnet ${cmd.name}: ${firstLine}${usage ? ` (see convnet ${cmd.name} --help)` : ''}\n`);
    if (verbose && err.stack) process.stderr.write(err.stack + '\n');
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }
}
