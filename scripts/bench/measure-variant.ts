// One variant measured once: started as its users start it, warmed up, loaded at a fixed rate
// while its own CPU time is read, then (outside --breakdown) loaded flat out; stopped, which
// flushes its spans; and the SERVER spans that reached the receiver counted.
import { startApp, type AppProcess } from '@repo/app-process';
import autocannon from 'autocannon';
import path from 'node:path';
import type { BenchOptions } from './bench-options.ts';
import type { BenchReceiver } from './bench-receiver.ts';
import { cpuSeconds, cpuSplit, cpuSplitBetween, peakRssMb, type CpuSplit } from './process-stats.ts';
import { pacedLoad } from './paced-load.ts';
import type { Variant } from './variants.ts';

export interface Run {
  /** The app's own CPU time (user + system) per answered request at the fixed rate, in µs. */
  cpuPerRequestUs: number;
  /** Its event loop's utilisation over the same run, 0 to 1. */
  eventLoopUtilization: number;
  /** The same CPU time by thread and user/system, and the minor page faults, per request (µs, faults). */
  perRequest: CpuSplit;
  /** The garbage collector's pauses of the main thread over the same run: how many, and µs per request. */
  gcPauses: number;
  gcPauseUsPerRequest: number;
  p99AtRateMs: number;
  /** At the latency load, the same rate for every variant, well below each one's saturation: */
  p99AtLatencyLoadMs: number;
  eluAtLatencyLoad: number;
  /** Its requests answered, and the SERVER spans of them that arrived: none dropped when equal. */
  answeredAtLatencyLoad: number;
  spansAtLatencyLoad: number;
  /** The longest GC pause of the main thread, and the longest the event loop was held, in ms. */
  longestGcPauseMs: number;
  longestLoopDelayMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
  startupMs: number;
  responses: number;
  spans: number;
  /** With --cpu-prof: the file of the app's CPU profile over the latency run. */
  profile?: string;
  /** With BENCH_STAGE: the stage, and how often the app called its patch (never 0: refused). */
  stage?: { name: string; calls: number };
}

/** A variant that could not be measured as it should: bench.ts says why and stops. */
export class VariantFailed extends Error {
  override name = 'VariantFailed';
}

/** What every measurement of one benchmark run shares. */
export interface RunContext {
  options: BenchOptions;
  /** The collector every traced app exports to. */
  receiver: BenchReceiver;
  /** The CPU each app is pinned to; undefined when not pinned. */
  appCpu: string | undefined;
  /** Requests/s of the latency run; none in the breakdown. */
  latencyRate?: number;
}

export async function measureVariant(variant: Variant, context: RunContext): Promise<Run> {
  const { warmup, duration, rate, connections, breakdown } = context.options;
  return withApp(variant, context, async (app, url, startupMs) => {
    const warm = await autocannon({ url, connections, duration: warmup });
    await askProbe(app, 1);
    const [cpuBefore, splitBefore] = [cpuSeconds(app.pid), cpuSplit(app.pid)];
    const fixed = await autocannon({ url, connections, duration, overallRate: rate });
    const cpu = cpuSeconds(app.pid) - cpuBefore;
    const split = cpuSplitBetween(splitBefore, cpuSplit(app.pid));
    const probe = await askProbe(app, 2);
    // The breakdown compares stages at the fixed rate only.
    const latencyRate = breakdown ? undefined : context.latencyRate;
    const spansBefore = latencyRate ? await spansArrived(app, 2, context) : 0;
    const latency = latencyRate ? await pacedLoad(url, { rate: latencyRate, seconds: duration, connections }) : undefined;
    const latencyProbe = latency ? await askProbe(app, 3) : undefined;
    const latencySpans = latency ? (await spansArrived(app, 3, context)) - spansBefore : 0;
    const max = breakdown ? undefined : await autocannon({ url, connections, duration });
    // With --cpu-prof, the latency load once more, profiled: the profiler's own cost stays out of the figures.
    const profiled = app.env.BENCH_CPU_PROFILE && latencyRate ? await profiledLoad(app, url, { rate: latencyRate, seconds: duration, connections }) : undefined;
    const rss = peakRssMb(app.pid);
    const exit = await app.stop('SIGTERM'); // flushes the spans still queued
    if (exit.code !== 0) throw new VariantFailed(`${variant.name} exited with ${exit.code ?? exit.signal}:\n${app.output()}`);
    // Answered with 200. A request still in flight when a run ends is served, and traced, but
    // not counted: up to one per connection per run. (autocannon's `sent` counts more than it
    // sends when a rate is set.)
    const responses = 1 + warm['2xx'] + fixed['2xx'] + (latency?.answered ?? 0) + (max?.['2xx'] ?? 0) + (profiled?.answered ?? 0);
    // BENCH_STAGE comes from --breakdown, or from --env or --try: checked alike.
    const stage = app.env.BENCH_STAGE ? await stageInEffect(app, app.env.BENCH_STAGE, `${variant.name} (${responses} requests answered)`) : undefined;
    const { serverSpans } = await context.receiver.ask<{ serverSpans: number }>('count');
    await context.receiver.ask('clear');
    return {
      cpuPerRequestUs: (cpu * 1e6) / fixed['2xx'],
      eventLoopUtilization: probe.elu,
      perRequest: perRequest(split, fixed['2xx']),
      gcPauses: probe.gcPauses,
      gcPauseUsPerRequest: (probe.gcMs * 1000) / fixed['2xx'],
      p99AtRateMs: fixed.latency.p99,
      p99AtLatencyLoadMs: latency?.p99Ms ?? 0,
      eluAtLatencyLoad: latencyProbe?.elu ?? 0,
      longestGcPauseMs: latencyProbe?.gcMaxMs ?? 0,
      answeredAtLatencyLoad: latency?.answered ?? 0,
      spansAtLatencyLoad: latencySpans,
      longestLoopDelayMs: latencyProbe?.delayMaxMs ?? 0,
      requestsPerSecond: max?.requests.average ?? 0,
      p50Ms: max?.latency.p50 ?? 0,
      p99Ms: max?.latency.p99 ?? 0,
      peakRssMb: rss,
      startupMs,
      responses,
      spans: serverSpans,
      stage,
      profile: profiled?.profile,
    };
  });
}

/**
 * The latency load: `share` of the slowest variant's requests/s flat out, each variant started,
 * warmed up and loaded flat out for `seconds` once. The same load for every variant, and the
 * same share of the machine's capacity on a fast machine and on a slow one.
 */
export async function calibrateLatencyRate(variants: Variant[], context: RunContext, share: number, seconds: number): Promise<{ rate: number; slowest: Variant; requestsPerSecond: number }> {
  const { warmup, connections } = context.options;
  let slowest: { rate: number; slowest: Variant; requestsPerSecond: number } | undefined;
  for (const variant of variants) {
    const requestsPerSecond = await withApp(variant, context, async (app, url) => {
      await autocannon({ url, connections, duration: warmup });
      const max = await autocannon({ url, connections, duration: seconds });
      await app.stop('SIGTERM');
      await context.receiver.ask('clear');
      return max.requests.average;
    });
    if (!slowest || requestsPerSecond < slowest.requestsPerSecond) slowest = { rate: Math.round(share * requestsPerSecond), slowest: variant, requestsPerSecond };
  }
  return slowest!;
}

let profiles = 0;

/** Starts the variant as its users start it, waits for its first 200, runs `measure`, and makes sure the app is gone after. */
async function withApp<T>(variant: Variant, { options, receiver, appCpu }: RunContext, measure: (app: AppProcess & { env: Record<string, string> }, url: string, startupMs: number) => Promise<T>): Promise<T> {
  const env: Record<string, string> = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${receiver.grpcPort}`,
    ...(variant.baseline ? {} : Object.fromEntries(options.env)),
    ...variant.env(receiver),
    ...(variant.stage ? { BENCH_STAGE: variant.stage } : {}),
    ...(options.cpuProf ? { BENCH_CPU_PROFILE: path.resolve(options.cpuProf, `${variant.name.replace(/[^\w]+/g, '-')}-${++profiles}.cpuprofile`) } : {}),
  };
  // Node options of --env or --try (`--try NODE_OPTIONS=--max-semi-space-size=32`) come first.
  env.NODE_OPTIONS = [env.NODE_OPTIONS, `--require ${path.join(import.meta.dirname, 'app-preload.cjs')}`].filter(Boolean).join(' ');
  const started = performance.now();
  const app = await startApp(variant.app, { format: variant.format, express: variant.express, variant: variant.baseline ? 'untraced' : 'start', env, cpuList: appCpu })
    .catch((error: Error) => Promise.reject(new VariantFailed(`${variant.name} did not start: ${error.message}`)));
  try {
    const url = `${app.url}/server_request?param=bench`;
    // Start-up: from spawn to the first 200, npm included.
    for (let tries = 0; (await fetch(url).then((r) => r.status, () => 0)) !== 200; tries++) {
      if (tries === 100) throw new VariantFailed(`${variant.name} listens but does not answer 200:\n${app.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return await measure(Object.assign(app, { env }), url, performance.now() - started);
  } finally {
    await app.stop('SIGKILL');
  }
}

/**
 * How often the app, now exited, called the patch of BENCH_STAGE=`stage`, as app-preload.cjs
 * printed it at exit. Throws if never: the row would measure the pipeline it claims to switch off.
 */
async function stageInEffect(app: AppProcess, stage: string, what: string): Promise<{ name: string; calls: number }> {
  const [, calls] = await app.waitForOutput(new RegExp(`^bench-stage pid=${app.pid} ${stage} calls=(\\d+)$`, 'm'), 5000);
  if (Number(calls) === 0) throw new VariantFailed(`${what}: BENCH_STAGE=${stage} did not take effect: the app never called its patch (scripts/bench/app-preload.cjs)`);
  return { name: stage, calls: Number(calls) };
}

/** Asks the app's preloaded probe for its event loop utilisation and GC pauses since the last ask (the n-th ask). */
async function askProbe(app: AppProcess, n: number) {
  process.kill(app.pid, 'SIGUSR2');
  const [, elu, gcPauses, gcMs, gcMaxMs, delayMaxMs] = await app.waitForOutput(
    new RegExp(`^bench-probe ${n} elu=([\\d.]+) gc=(\\d+) gc_ms=([\\d.]+) gc_max_ms=([\\d.]+) delay_max_ms=([\\d.]+)$`, 'm'), 5000);
  return { elu: Number(elu), gcPauses: Number(gcPauses), gcMs: Number(gcMs), gcMaxMs: Number(gcMaxMs), delayMaxMs: Number(delayMaxMs) };
}

/** The SERVER spans the receiver has had so far, once the app has flushed its queue after the probe's n-th ask. */
async function spansArrived(app: AppProcess, n: number, { receiver }: RunContext): Promise<number> {
  await app.waitForOutput(new RegExp(`^bench-flushed ${n}$`, 'm'), 30_000);
  return (await receiver.ask<{ serverSpans: number }>('count')).serverSpans;
}

/** The paced load between the probe's 4th and 5th asks, which start and stop the app's CPU profiler (BENCH_CPU_PROFILE). */
async function profiledLoad(app: AppProcess, url: string, load: Parameters<typeof pacedLoad>[1]) {
  await askProbe(app, 4);
  const { answered } = await pacedLoad(url, load);
  await askProbe(app, 5);
  const [, profile] = await app.waitForOutput(/^bench-profile (.+)$/m, 10_000);
  return { answered, profile };
}

/** Seconds of CPU time to µs per request; faults to faults per request. */
function perRequest(split: CpuSplit, requests: number): CpuSplit {
  return Object.fromEntries(Object.entries(split).map(([key, value]) =>
    [key, key === 'minorFaults' ? value / requests : (value * 1e6) / requests])) as unknown as CpuSplit;
}
