// The benchmark's command line, read and checked before anything starts: bench.ts prints a bad
// value's error in one line and exits with 2.
import { APP_NAMES, type AppName, type ExpressMajor, type ModuleFormat } from '@repo/app-catalogue';
import { expressMajor, readCommandLine } from '../command-line.ts';

/** A build the main table runs: a module format on an Express major (Express 4: CommonJS only). */
export interface Build {
  format: ModuleFormat;
  express: ExpressMajor;
}

export interface BenchOptions {
  /** Requests per second of the fixed-rate run, the one whose CPU time is measured. */
  rate: number;
  /** Requests per second of the latency run; by default 30% of the slowest variant's flat-out rate. */
  latencyRate?: number;
  /** --instructions: instructions per request under callgrind instead of the tables; `requests` of them, after twice as many. */
  instructions?: { requests: number };
  /** --cpu-prof DIR: a CPU profile of each app over its latency run, written there and summed up. */
  cpuProf?: string;
  /** --traces-only: each app also with spans alone (no metrics, no logs), beside itself. */
  tracesOnly: boolean;
  /** Seconds of each load run. */
  duration: number;
  /** Seconds of load before them, not measured. */
  warmup: number;
  connections: number;
  rounds: number;
  /** --format cjs|esm|both and --express 5|4|both: the builds the main table runs. */
  builds: Build[];
  /** --breakdown: the pipeline one stage at a time, and the fixed-rate run only. */
  breakdown: boolean;
  /** Each app on the last CPU, the load on the others (`--no-pin` turns it off). */
  pin: boolean;
  /** Where to write the figures as JSON. */
  json?: string;
  /** The apps to run besides the baselines; all when unset. */
  only?: AppName[];
  /** --env: variables for every traced app. */
  env: [string, string][];
  /**
   * More runs of each app beside its first, each with its variables: --try's pairs together
   * (`--try A=1 --try B=2`: one run with both), then one run for each --variant ("A=1 B=2").
   */
  tried: [string, string][][];
}

export function readBenchOptions(args: string[]): BenchOptions {
  const { values } = readCommandLine({
    command: 'bench',
    summary: 'What each approach costs against the same app untraced, side by side: CPU time per request at a fixed rate, p99 at a latency load, requests/s flat out, start-up.',
    options: {
      rate: { type: 'string', default: '2000', value: 'N', help: 'requests/s of the fixed-rate run, whose CPU time is measured' },
      'latency-rate': { type: 'string', value: 'N', help: 'requests/s of the latency run (default 30% of the slowest variant flat out)' },
      'traces-only': { type: 'boolean', default: false, help: 'each app also with spans alone (no metrics, no logs), beside itself' },
      'cpu-prof': { type: 'string', value: 'DIR', help: 'a CPU profile of each app over its latency run, written to DIR and summed up' },
      instructions: { type: 'boolean', default: false, help: 'instructions per request under callgrind, instead of the tables' },
      requests: { type: 'string', default: '1000', value: 'N', help: 'with --instructions: the requests counted, after twice as many' },
      duration: { type: 'string', default: '10', value: 'S', help: 'seconds of each load run' },
      connections: { type: 'string', default: '50', value: 'N', help: 'connections of the load generator' },
      rounds: { type: 'string', default: '3', value: 'N', help: 'rounds of every variant; the tables show the median' },
      warmup: { type: 'string', default: '2', value: 'S', help: 'seconds of load before the measured runs' },
      format: { type: 'string', default: 'cjs', value: 'cjs|esm|both', help: 'the module format of the builds measured' },
      express: { type: 'string', default: '5', value: '5|4|both', help: 'the Express major of the builds measured' },
      breakdown: { type: 'boolean', default: false, help: 'where the microseconds go, one stage of the pipeline at a time' },
      'no-pin': { type: 'boolean', default: false, help: 'do not pin each app to the last CPU and the load to the others' },
      json: { type: 'string', value: 'FILE', help: 'write the figures to FILE as JSON' },
      only: { type: 'string', value: 'APP,…', help: `the apps to measure besides the baseline (${APP_NAMES.join(', ')}; default all)` },
      env: { type: 'string', multiple: true, default: [], value: 'NAME=value', help: 'a variable for every traced app (repeatable)' },
      try: { type: 'string', multiple: true, default: [], value: 'NAME=value', help: 'a second run of each app with this variable, beside its first (repeatable)' },
      variant: { type: 'string', multiple: true, default: [], value: '"A=1 B=2"', help: 'one more run of each app with these variables together (repeatable)' },
    },
  }, args);
  const formats: ModuleFormat[] = values.format === 'both' ? ['cjs', 'esm'] : values.format === 'cjs' || values.format === 'esm' ? [values.format] : [];
  if (formats.length === 0) throw new Error(`--format ${values.format} is not one of cjs, esm, both`);
  if (values.breakdown && values.format !== 'cjs') throw new Error('--breakdown measures the CommonJS builds only (its stage switches patch the SDK\'s CommonJS files)');
  const expresses: ExpressMajor[] = values.express === 'both' ? [5, 4] : [expressMajor(values.express)];
  if (values.breakdown && values.express !== '5') throw new Error('--breakdown measures Express 5 only');
  if (!formats.includes('cjs') && expresses.includes(4)) throw new Error('--express 4 runs the CommonJS builds: it goes with --format cjs or both');
  // Express 4 runs the CommonJS build only.
  const builds = expresses.flatMap((express) => formats.filter((format) => express === 5 || format === 'cjs').map((format) => ({ format, express })));
  if (values.instructions && values.breakdown) throw new Error('--instructions counts the main variants, not --breakdown');
  if (values.breakdown && (values.try.length || values.variant.length || values['traces-only'] || values['latency-rate'] || values['cpu-prof'])) throw new Error('--try, --variant, --traces-only, --latency-rate and --cpu-prof go with the main table, not --breakdown');
  return {
    rate: positive('--rate', values.rate),
    latencyRate: values['latency-rate'] === undefined ? undefined : positive('--latency-rate', values['latency-rate']),
    tracesOnly: values['traces-only'],
    cpuProf: values['cpu-prof'],
    instructions: values.instructions ? { requests: positive('--requests', values.requests) } : undefined,
    duration: positive('--duration', values.duration),
    warmup: positive('--warmup', values.warmup),
    connections: positive('--connections', values.connections),
    rounds: positive('--rounds', values.rounds),
    builds,
    breakdown: values.breakdown,
    pin: !values['no-pin'],
    json: values.json,
    only: values.only?.split(',').map((name) => appName(name, `--only "${values.only}"`)),
    env: values.env.map(splitPair),
    tried: [...(values.try.length ? [values.try.map(splitPair)] : []), ...values.variant.map(splitPairs)],
  };
}

/** NAME=value pairs as the command line had them, for messages. */
export function formatPairs(pairs: [string, string][]): string {
  return pairs.map(([name, value]) => `${name}=${value}`).join(' ');
}

/** "A=1 B=2": the pairs of one --variant, split where a NAME= begins (a value may hold spaces: NODE_OPTIONS). */
function splitPairs(pairs: string): [string, string][] {
  const split = pairs.trim().split(/\s+(?=[A-Za-z_][A-Za-z0-9_]*=)/).map(splitPair);
  if (!split.length || !split[0][0]) throw new Error(`--variant "${pairs}": expected NAME=value pairs`);
  return split;
}

function splitPair(pair: string): [string, string] {
  const at = pair.indexOf('=');
  if (at < 1) throw new Error(`"${pair}": expected NAME=value`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

function appName(name: string, flag: string): AppName {
  if (!(APP_NAMES as readonly string[]).includes(name)) throw new Error(`${flag}: "${name}" is not one of ${APP_NAMES.join(', ')}`);
  return name as AppName;
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${flag} ${value} is not a positive number`);
  return n;
}
