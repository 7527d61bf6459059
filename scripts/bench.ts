// `npm run bench [-- --duration 10 --connections 50 --rate 1000 --rounds 3 --json FILE
//                    --only manual,automatic --env OTEL_X=value ...]`
// What each approach costs against the same app untraced, measured side by side.
import { startApp, type AppName } from '@repo/app-process';
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { measureReceiver } from './bench-receiver-throughput.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    rate: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '2' },
    json: { type: 'string' },
    // Variants to run besides the baseline; and variables for the traced apps, to try a setting.
    only: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const duration = positive('--duration', args.duration);
const connections = positive('--connections', args.connections);
const rate = positive('--rate', args.rate);
const rounds = positive('--rounds', args.rounds);
const warmup = positive('--warmup', args.warmup);

// The baseline is the automatic app started without the register hook: the same createApp(),
// no OpenTelemetry loaded at all.
interface Variant {
  name: string;
  app: AppName;
  variant: 'start' | 'untraced';
}
const ALL_VARIANTS: Variant[] = [
  { name: 'baseline', app: 'automatic', variant: 'untraced' },
  { name: 'manual', app: 'manual', variant: 'start' },
  { name: 'automatic', app: 'automatic', variant: 'start' },
  { name: 'programmatic', app: 'programmatic', variant: 'start' },
];
const VARIANTS = ALL_VARIANTS.filter((v) => v.name === 'baseline' || !args.only || args.only.split(',').includes(v.name));
const extraEnv = Object.fromEntries(args.env.map((pair) => {
  const at = pair.indexOf('=');
  if (at < 1) throw new Error(`--env ${pair}: expected NAME=value`);
  return [pair.slice(0, at), pair.slice(at + 1)];
}));

interface Run {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  p99AtRateMs: number;
  peakRssMb: number;
  startupMs: number;
  responses: number;
  spans: number;
}

const receiver = await startBenchReceiver(['--decode-later']);
const runs: Record<string, Run[]> = Object.fromEntries(VARIANTS.map((v) => [v.name, []]));
const steps = rounds * VARIANTS.length;
if (args.env.length) console.log(`bench: the traced apps get ${args.env.join(' ')}`);
console.log(`bench: ${rounds} rounds of ${VARIANTS.map((v) => v.name).join(', ')}; ${connections} connections for ${duration} s, then ${rate} req/s for ${duration} s`);
for (let round = 1, step = 1; round <= rounds; round++) {
  // Interleaved, so that whatever the machine does meanwhile hits every variant alike.
  for (const variant of VARIANTS) {
    const run = await measure(variant);
    runs[variant.name].push(run);
    console.log(`[${step++}/${steps}] round ${round} ${variant.name}: ${Math.round(run.requestsPerSecond)} req/s, p99 ${run.p99Ms} ms, ` +
      `${run.p99AtRateMs} ms at ${rate} req/s, start-up ${Math.round(run.startupMs)} ms, spans ${run.spans}/${run.responses}`);
  }
}
receiver.child.send('close');

const medians = Object.fromEntries(VARIANTS.map((v) => [v.name, medianRun(runs[v.name])])) as Record<string, Run>;
const base = medians.baseline;
const ratio = (value: number, of: number) => (of ? (value / of).toFixed(2) : '-');
const rows = VARIANTS.map(({ name }) => {
  const m = medians[name];
  return [name, Math.round(m.requestsPerSecond), ratio(m.requestsPerSecond, base.requestsPerSecond), m.p50Ms, m.p99Ms,
    `${m.p99AtRateMs} (${ratio(m.p99AtRateMs, base.p99AtRateMs)})`, m.peakRssMb.toFixed(0),
    `${Math.round(m.startupMs)} (${ratio(m.startupMs, base.startupMs)})`, name === 'baseline' ? '-' : `${m.spans}/${m.responses}`];
});
console.log(`\nMedian of ${rounds} rounds; ratios are to the baseline of the same run.\n`);
printTable(['variant', 'req/s', 'x base', 'p50 ms', 'p99 ms', `p99 ms @ ${rate}/s`, 'peak RSS MB', 'start-up ms', 'spans/answered'], rows);

console.log(`\nbench: the embedded receiver, decoding, fed batches of 512 spans over OTLP/gRPC for ${duration} s`);
const ingest = await measureReceiver(startBenchReceiver, duration);
printTable(['spans/s', 'exports', 'peak RSS MB'], [[Math.round(ingest.spansPerSecond), ingest.exports, ingest.peakRssMb.toFixed(0)]]);

if (args.json) {
  writeFileSync(args.json, `${JSON.stringify({ args: { duration, connections, rate, rounds, warmup }, runs, medians, receiver: ingest }, null, 2)}\n`);
  console.log(`\nbench: figures written to ${args.json}`);
}

async function measure(variant: Variant): Promise<Run> {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${receiver.port}`, ...(variant.name === 'baseline' ? {} : extraEnv) };
  const started = performance.now();
  const app = await startApp(variant.app, { variant: variant.variant, env });
  const url = `${app.url}/server_request?param=bench`;
  for (let tries = 0; (await fetch(url).then((r) => r.status, () => 0)) !== 200; tries++) {
    if (tries === 100) throw new Error(`${variant.name} listens but does not answer 200:\n${app.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const startupMs = performance.now() - started;

  const warm = await autocannon({ url, connections, duration: warmup });
  const max = await autocannon({ url, connections, duration });
  const fixed = await autocannon({ url, connections, duration, overallRate: rate });
  const peakRssMb = peakRss(app.pid) / 1024;
  const exit = await app.stop('SIGTERM'); // flushes the spans still queued
  if (exit.code !== 0) throw new Error(`${variant.name} exited with ${exit.code ?? exit.signal}:\n${app.output()}`);
  const { serverSpans } = await receiver.ask<{ serverSpans: number }>('count');
  await receiver.ask('clear');
  return {
    requestsPerSecond: max.requests.average,
    p50Ms: max.latency.p50,
    p99Ms: max.latency.p99,
    p99AtRateMs: fixed.latency.p99,
    peakRssMb,
    startupMs,
    // Answered with 200. A request still in flight when a run ends is served, and traced, but
    // not counted: up to one per connection per run. (autocannon's `sent` counts more than it
    // sends when a rate is set.)
    responses: 1 + warm['2xx'] + max['2xx'] + fixed['2xx'],
    spans: serverSpans,
  };
}

/** Peak resident memory of a process, in kB (Linux). */
function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

export interface BenchReceiver {
  child: ChildProcess;
  port: number;
  ask<T = unknown>(message: 'count' | 'clear'): Promise<T>;
}

async function startBenchReceiver(flags: string[] = []): Promise<BenchReceiver> {
  const child = fork(path.join(import.meta.dirname, 'bench-receiver.ts'), flags, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await new Promise<{ port: number }>((resolve) => child.once('message', resolve as never));
  return {
    child,
    port,
    ask: (message) => new Promise((resolve) => {
      child.once('message', resolve as never);
      child.send(message);
    }),
  };
}

function medianRun(list: Run[]): Run {
  const median = (pick: (run: Run) => number) => {
    const sorted = list.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  return {
    requestsPerSecond: median((r) => r.requestsPerSecond),
    p50Ms: median((r) => r.p50Ms),
    p99Ms: median((r) => r.p99Ms),
    p99AtRateMs: median((r) => r.p99AtRateMs),
    peakRssMb: median((r) => r.peakRssMb),
    startupMs: median((r) => r.startupMs),
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

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!(n > 0)) {
    console.error(`bench: ${flag} ${value} is not a positive number`);
    process.exit(2);
  }
  return n;
}
