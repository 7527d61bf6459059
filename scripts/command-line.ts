// The project's commands' command lines, read by one parser, and how they refuse what they cannot
// use: one line, `<command>: <why>`, then exit (2 for a command line, 1 for a setting), never a
// stack trace. Each has --help; an unknown option is named with the list of options; an argument
// it cannot use is refused, never dropped.
import { EXPRESS_MAJORS, type ExpressMajor, type ModuleFormat } from '@repo/app-catalogue';
import { checkOtelSettings, withSharedEnv } from '@repo/telemetry/settings';
import { parseArgs, type ParseArgsOptionDescriptor } from 'node:util';

/** An option as a command declares it: parseArgs's descriptor, what --help says of it, and its value's name (`URL`). */
export interface OptionSpec extends ParseArgsOptionDescriptor {
  help: string;
  value?: string;
}

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** The npm script: `npm run <command>`. */
  command: string;
  /** What it does, in a line, for --help. */
  summary: string;
  options: O;
  /** The arguments besides the options, if it takes any: their name (`<param>`), what --help says, how many it needs. */
  positionals?: { name: string; help: string; required: boolean };
}

/**
 * The command line of `spec.command`, read strictly; --help prints the help and exits 0, anything
 * it cannot use is refused (exit 2). npm reads the flags before a `--` itself: with
 * `npm run compare --esm`, the script sees no --esm, only npm_config_esm in its environment.
 */
export function readCommandLine<const O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, args = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env) {
  const { command, options } = spec;
  const ownArgs = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  if (ownArgs.includes('--help') || ownArgs.includes('-h')) {
    console.log(help(spec));
    process.exit(0);
  }
  return orExit(command, 2, () => {
    // Only when npm ran this command: a command it starts (the demo's client) has npm's variables too.
    if (env.npm_lifecycle_event === command) {
      const taken = Object.keys(options).find((name) => [name, name.replace(/^no-/, '')].some((key) => env[`npm_config_${key.replaceAll('-', '_')}`] !== undefined));
      if (taken) throw new Error(`npm took --${taken} for itself: put -- before the flags (npm run ${command} -- --${taken}${options[taken].type === 'string' ? ' …' : ''})`);
    }
    let parsed;
    try {
      parsed = parseArgs({ args, options: options as O, allowPositionals: true, strict: true });
    } catch (error) {
      throw new Error(parseError(error as Error & { code?: string }, spec));
    }
    const { positionals } = parsed;
    const name = spec.positionals?.name;
    if (!name && positionals.length) throw new Error(`unexpected argument "${positionals[0]}": it takes options only (--help lists them)`);
    if (positionals.length > 1) throw new Error(`one ${name!.replace(/[<>]/g, '')} at a time, not ${positionals.length} (${positionals.map((p) => `"${p}"`).join(', ')}): run it once for each`);
    if (spec.positionals?.required && positionals.length === 0) throw new Error(`usage: ${usage(spec)} (--help says more)`);
    return parsed;
  });
}

function parseError(error: Error & { code?: string }, spec: CommandSpec<Record<string, OptionSpec>>): string {
  const flag = /'(-[^' ]*)/.exec(error.message)?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${flag}; the options are ${optionList(spec)}`;
  const option = spec.options[flag.replace(/^--/, '')];
  if (option?.type === 'boolean') return `${flag} takes no value`;
  if (option) return `${flag} needs a value (${option.value ?? 'VALUE'})`;
  return error.message.split('\n')[0];
}

const optionList = (spec: CommandSpec<Record<string, OptionSpec>>) => [...Object.entries(spec.options).map(([name, option]) => flagWithValue(name, option)), '--help'].join(', ');
const flagWithValue = (name: string, option: OptionSpec) => `--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
const usage = (spec: CommandSpec<Record<string, OptionSpec>>) => `npm run ${spec.command} -- ${spec.positionals ? `${spec.positionals.required ? spec.positionals.name : `[${spec.positionals.name}]`} ` : ''}[options]`;

function help(spec: CommandSpec<Record<string, OptionSpec>>): string {
  const rows: [string, string][] = [
    ...(spec.positionals ? [[spec.positionals.name, spec.positionals.help] as [string, string]] : []),
    ...Object.entries(spec.options).map(([name, option]): [string, string] =>
      [flagWithValue(name, option), `${option.help}${typeof option.default === 'string' ? ` (default ${String(option.default)})` : ''}`]),
    ['-h, --help', 'this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [usage(spec), ...wrap(spec.summary, 100), '', ...rows.map(([left, text]) => `  ${left.padEnd(width)}${text}`)].join('\n');
}

/** The parts of `text` between each `separator` (its words), on lines of at most `width` columns. */
export function wrap(text: string, width: number, separator = ' '): string[] {
  const lines = [''];
  for (const word of text.split(separator)) {
    if (lines.at(-1) && lines.at(-1)!.length + separator.length + word.length > width) lines.push('');
    lines[lines.length - 1] += `${lines.at(-1) ? separator : ''}${word}`;
  }
  return lines;
}

/** `read()`'s value, or its error's message in one line and the process gone with `code`. */
export function orExit<T>(command: string, code: 1 | 2, read: () => T): T {
  try {
    return read();
  } catch (error) {
    console.error(`${command}: ${(error as Error).message}`);
    process.exit(code);
  }
}

/** `--express 4|5`: the Express major to start the apps on; Express 4 runs their CommonJS builds only. */
export function expressMajor(value: string, format: ModuleFormat = 'cjs'): ExpressMajor {
  const major = EXPRESS_MAJORS.find((candidate) => String(candidate) === value);
  if (major === undefined) throw new Error(`--express "${value}" is not one of ${EXPRESS_MAJORS.join(', ')}`);
  if (major === 4 && format === 'esm') throw new Error('--express 4 runs the CommonJS builds, not --esm');
  return major;
}

/** The settings the apps will read, checked before a command starts them, as each app checks them. */
export function checkAppSettings(command: string, env: Record<string, string | undefined>): void {
  orExit(command, 1, () => {
    try {
      checkOtelSettings(withSharedEnv(env));
    } catch (error) {
      throw new Error(`cannot start: ${(error as Error).message}`);
    }
  });
}
