/**
 * Command-line plumbing shared by every subcommand: option tables parsed with node:util parseArgs,
 * generated --help text, and the two kinds of failure the command distinguishes by exit code:
 * UsageError (the command line is wrong: exit 2) and any other Error (the work failed: exit 1).
 */
import { parseArgs } from 'node:util';

/** A mistake in the command line itself (unknown option, bad value, missing argument): exit code 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in --help after the option, e.g. 'N' in `--epochs N`. */
  value?: string;
  help: string;
}

export interface Command {
  name: string;
  /** One line for `convnet --help`. */
  summary: string;
  /** The synopsis after `convnet <name>`, e.g. 'MODEL IMAGE... [options]'. */
  usage: string;
  /** Paragraphs printed after the option list. */
  details?: string;
  options: Record<string, OptionSpec>;
  positionals: { min: number; max: number; names: string };
  /** Set for a command that hands its arguments on untouched (bench). */
  passThrough?: boolean;
  run(args: ParsedArgs): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  /** The raw arguments after the subcommand (for pass-through commands). */
  raw: string[];
}

/** Options every subcommand accepts. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h', help: 'show this help and exit' },
  verbose: { type: 'boolean', help: 'print the stack trace of an error' },
};

export function parseCommandArgs(cmd: Command, argv: string[]): ParsedArgs {
  if (cmd.passThrough) return { values: { help: argv.includes('--help') || argv.includes('-h') }, positionals: [], raw: argv };
  const options = { ...cmd.options, ...COMMON_OPTIONS };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(options).map(([k, o]) => [k, o.short ? { type: o.type, short: o.short } : { type: o.type }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(parseArgsMessage(e as Error, Object.keys(options)));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const positionals = parsed.positionals;
  if (!values.help) {
    const { min, max, names } = cmd.positionals;
    if (positionals.length < min) throw new UsageError(`expected ${names}, got ${positionals.length === 0 ? 'nothing' : positionals.join(' ')}`);
    if (positionals.length > max) throw new UsageError(`unexpected argument '${positionals[max]}'${max === 0 ? ' (this command takes only options)' : ''}`);
  }
  return { values, positionals, raw: argv };
}

/** parseArgs' messages are long and mention its own API; say what the user typed instead. */
function parseArgsMessage(e: Error & { code?: string }, known: string[]): string {
  const m = /Unknown option '([^']+)'/.exec(e.message);
  if (m) {
    const name = m[1].replace(/^-+/, '');
    const close = known.find((k) => k.toLowerCase().replace(/-/g, '') === name.toLowerCase().replace(/-/g, '')) ??
      known.find((k) => k.startsWith(name) || name.startsWith(k));
    return `unknown option '${m[1]}'${close ? ` (did you mean '--${close}'?)` : ''}`;
  }
  const missing = /Option '([^']+)' argument missing/.exec(e.message);
  if (missing) return `option '${missing[1].replace(/^-\w, /, '').replace(/ <value>$/, '')}' needs a value`;
  const noValue = /Option '([^']+)' does not take an argument/.exec(e.message);
  if (noValue) return `option '${noValue[1].replace(/^-\w, /, '')}' takes no value`;
  return e.message.split('\n')[0];
}

export function helpText(cmd: Command): string {
  const options = { ...cmd.options, ...COMMON_OPTIONS };
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.help] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length)) + 2;
  const lines = [`Usage: convnet ${cmd.name} ${cmd.usage}`, '', cmd.summary, '', 'Options:'];
  for (const [flag, help] of rows) lines.push(`  ${flag.padEnd(width)}${help}`);
  if (cmd.details) lines.push('', cmd.details);
  return lines.join('\n') + '\n';
}

/** An integer option (undefined when absent and no fallback). */
export function intOption(values: ParsedArgs['values'], name: string, min: number): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const s = String(v);
  if (!/^-?\d+$/.test(s) || Number(s) < min || !Number.isSafeInteger(Number(s))) {
    throw new UsageError(`--${name}: expected an integer >= ${min}, got '${s}'`);
  }
  return Number(s);
}

export function stringOption(values: ParsedArgs['values'], name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const s = String(v);
  if (s === '') throw new UsageError(`--${name}: expected a value, got an empty string`);
  return s;
}
