// `npm run bench [-- --rate 2000 --duration 10 --connections 50 --rounds 3 --warmup 2 --no-pin
//                    --format cjs|esm|both --only manual,automatic --env OTEL_X=value
//                    --try OTEL_X=value --json FILE]`
// What each approach costs against the same app untraced, measured side by side: the app's own
// CPU time per request at a fixed rate first, then requests/s at saturation.
// `npm run bench -- --breakdown`: where those microseconds go, one stage of the pipeline at a time.
import { APP_NAMES, type AppName, type ModuleFormat } from '@repo/app-catalogue';
import { startApp, type AppProcess } from '@repo/app-process';
import autocannon from 'autocannon';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchReceiver } from './bench-receiver.ts';
import { cpuSeconds, peakRssMb, pinSelf } from './process-stats.ts';
import { measureReceiver } from './receiver-throughput.ts';
import { measureSdkFloor } from './sdk-floor.ts';
import { breakdownVariants, mainVariants, type Variant } from './variants.ts';

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig();
} catch (error) {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(2);
}
const { duration, connections, rate, rounds, warmup, breakdown, formats, pin } = config;

interface Run {
  /** The app's own CPU time (user + system) per answered request at the fixed rate, in µs. */
  cpuPerRequestUs: number;
  /** Its event loop's utilisation over the same run, 0 to 1. */
  eventLoopUtilization: number;
  p99AtRateMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
  startupMs: number;
  responses: number;
  spans: number;
}

const VARIANTS = breakdown ? breakdownVariants(config.only) : mainVariants(formats, config.only, config.tried);
// The load generator and the receiver on the first CPUs, each app on the last one.
const appCpu = pin ? pinSelf() : undefined;
const receiver = await startBenchReceiver(['--decode-later']);
const runs = new Map<Variant, Run[]>(VARIANTS.map((v) => [v, []]));
const steps = rounds * VARIANTS.length;
if (config.env.length) console.log(`bench: the traced apps get ${config.env.join(' ')}`);
console.log(`bench: ${rounds} round${rounds === 1 ? '' : 's'} of ${VARIANTS.length} variants; each: ${warmup} s warm-up, ${rate} req/s for ${duration} s` +
  `${breakdown ? '' : `, then ${connections} connections flat out for ${duration} s`}${appCpu === undefined ? '' : `; apps pinned to CPU ${appCpu}, the load on the others`}`);
for (let round = 1, step = 1; round <= rounds; round++) {
  // Interleaved, so that whatever the machine does meanwhile hits every variant alike.
  for (const variant of VARIANTS) {
    const run = await measure(variant);
    runs.get(variant)!.push(run);
    console.log(`[${step++}/${steps}] round ${round} ${variant.name}: ${run.cpuPerRequestUs.toFixed(0)} µs CPU/request, ELU ${run.eventLoopUtilization.toFixed(2)}, ` +
      `p99 ${run.p99AtRateMs} ms at ${rate}/s${breakdown ? '' : `; ${Math.round(run.requestsPerSecond)} req/s flat out`}; start-up ${Math.round(run.startupMs)} ms; spans ${run.spans}/${run.responses}`);
  }
}
receiver.close();

const medians = new Map(VARIANTS.map((v) => [v, medianRun(runs.get(v)!)]));
// Rows refer to one another by reference: one that was not measured in this run is a bug, not a blank cell.
const medianOf = (variant: Variant) => {
  const median = medians.get(variant);
  if (!median) throw new Error(`"${variant.name}" is referred to but was not measured`);
  return median;
};
const baseOf = (variant: Variant) => medianOf(variant.base ?? variant);
const ratio = (value: number, of: number) => (of ? (value / of).toFixed(2) : '-');
console.log(`\nMedian of ${rounds} round${rounds === 1 ? '' : 's'}; ratios (x) are to the baseline of the same run and module format.\n`);
if (breakdown) {
  // Each stage's row against the one it adds to: what that stage costs per request.
  printTable(['variant', `CPU µs/request @ ${rate}/s`, 'x base', 'µs added', 'to', 'ELU', `p99 ms @ ${rate}/s`, 'spans/answered'],
    VARIANTS.map((variant) => {
      const m = medianOf(variant);
      const against = variant.against && medianOf(variant.against);
      return [variant.name, m.cpuPerRequestUs.toFixed(1), ratio(m.cpuPerRequestUs, baseOf(variant).cpuPerRequestUs),
        against ? (m.cpuPerRequestUs - against.cpuPerRequestUs).toFixed(1) : '-', variant.against?.name.replace(`${variant.app}: `, '') ?? '',
        m.eventLoopUtilization.toFixed(2), m.p99AtRateMs, spansCell(variant, m)];
    }));
} else {
  printTable(['variant', `CPU µs/request @ ${rate}/s`, 'x base', 'ELU', `p99 ms @ ${rate}/s`, 'req/s flat out', 'x base', 'peak RSS MB', 'start-up ms', 'spans/answered'],
    VARIANTS.map((variant) => {
      const [m, base] = [medianOf(variant), baseOf(variant)];
      return [variant.name, m.cpuPerRequestUs.toFixed(1), ratio(m.cpuPerRequestUs, base.cpuPerRequestUs), m.eventLoopUtilization.toFixed(2),
        m.p99AtRateMs, Math.round(m.requestsPerSecond), ratio(m.requestsPerSecond, base.requestsPerSecond), m.peakRssMb.toFixed(0),
        `${Math.round(m.startupMs)} (${ratio(m.startupMs, base.startupMs)})`, spansCell(variant, m)];
    }));
}

let floor: Awaited<ReturnType<typeof measureSdkFloor>> | undefined;
if (breakdown) {
  console.log('\nbench: the floor, the SDK alone in this process, no HTTP: 200,000 SERVER spans with 13 attributes');
  floor = await measureSdkFloor();
  printTable(['CPU µs per span', 'created, ended, queued (exporter drops)', 'serialized to OTLP protobuf', 'both'],
    [['', floor.recordAndQueueUs.toFixed(1), floor.serializeUs.toFixed(1), (floor.recordAndQueueUs + floor.serializeUs).toFixed(1)]]);
}

let ingest: Awaited<ReturnType<typeof measureReceiver>> | undefined;
if (!breakdown) {
  console.log(`\nbench: the embedded receiver, decoding, fed batches of 512 spans over OTLP/gRPC for ${duration} s`);
  ingest = await measureReceiver(duration);
  printTable(['spans/s', 'exports', 'peak RSS MB'], [[Math.round(ingest.spansPerSecond), ingest.exports, ingest.peakRssMb.toFixed(0)]]);
}

if (config.json) {
  writeFileSync(config.json, `${JSON.stringify({ args: { duration, connections, rate, rounds, warmup, breakdown, formats }, runs: byName(runs), medians: byName(medians), receiver: ingest, floor }, null, 2)}\n`);
  console.log(`\nbench: figures written to ${config.json}`);
}

async function measure(variant: Variant): Promise<Run> {
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${receiver.grpcPort}`,
    ...(variant.baseline ? {} : Object.fromEntries(config.env.map(splitPair))),
    ...variant.env(receiver),
    ...(variant.stage ? { BENCH_STAGE: variant.stage } : {}),
    NODE_OPTIONS: `--require ${path.join(import.meta.dirname, 'app-preload.cjs')}`,
  };
  const started = performance.now();
  const app = await startApp(variant.app, { format: variant.format, variant: variant.baseline ? 'untraced' : 'start', env, cpuList: appCpu });
  try {
    const url = `${app.url}/server_request?param=bench`;
    // Start-up: from spawn to the first 200, npm included.
    for (let tries = 0; (await fetch(url).then((r) => r.status, () => 0)) !== 200; tries++) {
      if (tries === 100) throw new Error(`${variant.name} listens but does not answer 200:\n${app.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const startupMs = performance.now() - started;

    const warm = await autocannon({ url, connections, duration: warmup });
    await eventLoopUtilization(app, 1);
    const cpuBefore = cpuSeconds(app.pid);
    const fixed = await autocannon({ url, connections, duration, overallRate: rate });
    const cpu = cpuSeconds(app.pid) - cpuBefore;
    const elu = await eventLoopUtilization(app, 2);
    const max = breakdown ? undefined : await autocannon({ url, connections, duration });
    const rss = peakRssMb(app.pid);
    const exit = await app.stop('SIGTERM'); // flushes the spans still queued
    if (exit.code !== 0) throw new Error(`${variant.name} exited with ${exit.code ?? exit.signal}:\n${app.output()}`);
    const { serverSpans } = await receiver.ask<{ serverSpans: number }>('count');
    await receiver.ask('clear');
    return {
      cpuPerRequestUs: (cpu * 1e6) / fixed['2xx'],
      eventLoopUtilization: elu,
      p99AtRateMs: fixed.latency.p99,
      requestsPerSecond: max?.requests.average ?? 0,
      p50Ms: max?.latency.p50 ?? 0,
      p99Ms: max?.latency.p99 ?? 0,
      peakRssMb: rss,
      startupMs,
      // Answered with 200. A request still in flight when a run ends is served, and traced, but
      // not counted: up to one per connection per run. (autocannon's `sent` counts more than it
      // sends when a rate is set.)
      responses: 1 + warm['2xx'] + fixed['2xx'] + (max?.['2xx'] ?? 0),
      spans: serverSpans,
    };
  } finally {
    await app.stop('SIGKILL');
  }
}

/** Asks the app's preloaded probe for its event loop utilisation since the last ask (the n-th ask). */
async function eventLoopUtilization(app: AppProcess, n: number): Promise<number> {
  process.kill(app.pid, 'SIGUSR2');
  const [, utilization] = await app.waitForOutput(new RegExp(`^bench-probe ${n} elu=([\\d.]+)$`, 'm'), 5000);
  return Number(utilization);
}

/** The variants' figures keyed by their names, for the JSON file. */
function byName<T>(figures: Map<Variant, T>): Record<string, T> {
  return Object.fromEntries([...figures].map(([variant, value]) => [variant.name, value]));
}

function spansCell(variant: Variant, m: Run): string {
  return variant.baseline ? '-' : `${m.spans}/${m.responses}`;
}

function medianRun(list: Run[]): Run {
  const median = (pick: (run: Run) => number) => {
    const sorted = list.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const numbers = Object.keys(list[0]).filter((key) => key !== 'responses' && key !== 'spans') as (keyof Run)[];
  return {
    ...(Object.fromEntries(numbers.map((key) => [key, median((run) => run[key])])) as unknown as Run),
    responses: list.reduce((sum, r) => sum + r.responses, 0),
    spans: list.reduce((sum, r) => sum + r.spans, 0),
  };
}

function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(cells[0]));
  console.log(`|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of cells.slice(1)) console.log(line(row));
}

function readConfig() {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '2000' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '3' },
      warmup: { type: 'string', default: '2' },
      format: { type: 'string', default: 'cjs' },
      breakdown: { type: 'boolean', default: false },
      'no-pin': { type: 'boolean', default: false },
      json: { type: 'string' },
      // Variants to run besides the baselines; and variables for the traced apps, to try a setting.
      only: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
      try: { type: 'string', multiple: true, default: [] },
    },
  });
  const formats: ModuleFormat[] = values.format === 'both' ? ['cjs', 'esm'] : values.format === 'cjs' || values.format === 'esm' ? [values.format] : [];
  if (formats.length === 0) throw new Error(`--format ${values.format} is not one of cjs, esm, both`);
  if (values.breakdown && values.format !== 'cjs') throw new Error('--breakdown measures the CommonJS builds only (its stage switches patch the SDK\'s CommonJS files)');
  values.env.forEach(splitPair);
  if (values.breakdown && values.try.length) throw new Error('--try goes with the main table, not --breakdown');
  return {
    rate: positive('--rate', values.rate),
    duration: positive('--duration', values.duration),
    connections: positive('--connections', values.connections),
    rounds: positive('--rounds', values.rounds),
    warmup: positive('--warmup', values.warmup),
    formats,
    breakdown: values.breakdown,
    pin: !values['no-pin'],
    json: values.json,
    only: values.only?.split(',').map((name) => appName(name, `--only "${values.only}"`)),
    env: values.env,
    tried: values.try.map(splitPair),
  };
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
