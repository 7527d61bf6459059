// One variant measured once: started as its users start it, warmed up, loaded at a fixed rate
// while its own CPU time is read, then (outside --breakdown) loaded flat out; stopped, which
// flushes its spans; and the SERVER spans that reached the receiver counted.
import { startApp, type AppProcess } from '@repo/app-process';
import autocannon from 'autocannon';
import path from 'node:path';
import type { BenchOptions } from './bench-options.ts';
import type { BenchReceiver } from './bench-receiver.ts';
import { cpuSeconds, peakRssMb } from './process-stats.ts';
import type { Variant } from './variants.ts';

export interface Run {
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
}

export async function measureVariant(variant: Variant, { options, receiver, appCpu }: RunContext): Promise<Run> {
  const { warmup, duration, rate, connections } = options;
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${receiver.grpcPort}`,
    ...(variant.baseline ? {} : Object.fromEntries(options.env)),
    ...variant.env(receiver),
    ...(variant.stage ? { BENCH_STAGE: variant.stage } : {}),
    NODE_OPTIONS: `--require ${path.join(import.meta.dirname, 'app-preload.cjs')}`,
  };
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
    const startupMs = performance.now() - started;

    const warm = await autocannon({ url, connections, duration: warmup });
    await eventLoopUtilization(app, 1);
    const cpuBefore = cpuSeconds(app.pid);
    const fixed = await autocannon({ url, connections, duration, overallRate: rate });
    const cpu = cpuSeconds(app.pid) - cpuBefore;
    const elu = await eventLoopUtilization(app, 2);
    // The breakdown compares stages at the fixed rate only.
    const max = options.breakdown ? undefined : await autocannon({ url, connections, duration });
    const rss = peakRssMb(app.pid);
    const exit = await app.stop('SIGTERM'); // flushes the spans still queued
    if (exit.code !== 0) throw new VariantFailed(`${variant.name} exited with ${exit.code ?? exit.signal}:\n${app.output()}`);
    // Answered with 200. A request still in flight when a run ends is served, and traced, but
    // not counted: up to one per connection per run. (autocannon's `sent` counts more than it
    // sends when a rate is set.)
    const responses = 1 + warm['2xx'] + fixed['2xx'] + (max?.['2xx'] ?? 0);
    // BENCH_STAGE comes from --breakdown, or from --env or --try: checked alike.
    const stage = env.BENCH_STAGE ? await stageInEffect(app, env.BENCH_STAGE, `${variant.name} (${responses} requests answered)`) : undefined;
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
      responses,
      spans: serverSpans,
      stage,
    };
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

/** Asks the app's preloaded probe for its event loop utilisation since the last ask (the n-th ask). */
async function eventLoopUtilization(app: AppProcess, n: number): Promise<number> {
  process.kill(app.pid, 'SIGUSR2');
  const [, utilization] = await app.waitForOutput(new RegExp(`^bench-probe ${n} elu=([\\d.]+)$`, 'm'), 5000);
  return Number(utilization);
}
