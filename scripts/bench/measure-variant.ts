// One variant measured once: started as its users start it, warmed up, loaded at a fixed rate
// while its own CPU time is read, then (outside --breakdown) paced at the latency load and loaded
// flat out (and, with --cpu-prof, paced once more under the profiler); stopped, which flushes its
// spans; and the SERVER spans that reached the receiver counted.
import autocannon from 'autocannon';
import { cpuSeconds, cpuSplit, cpuSplitBetween, peakRssMb, type CpuSplit } from './process-stats.ts';
import { askProbe, lastLines, profiledLoad, spansArrived, stageInEffect, VariantFailed } from './app-probe.ts';
import { pacedLoad } from './paced-load.ts';
import { withApp, type RunContext } from './variant-app.ts';
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
  /** At the fixed rate, and flat out: requests answered, and the SERVER spans of them that arrived. */
  answeredAtRate: number;
  spansAtRate: number;
  answeredFlatOut: number;
  spansFlatOut: number;
  /** The longest GC pause of the main thread, in ms. */
  longestGcPauseMs: number;
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

export async function measureVariant(variant: Variant, context: RunContext): Promise<Run> {
  const { warmup, duration, rate, connections, breakdown } = context.options;
  return withApp(variant, context, async (app, url, startupMs) => {
    const warm = await autocannon({ url, connections, duration: warmup });
    await askProbe(app, 1);
    // After each run the app flushes its queue: the spans of each run are counted alone.
    const spansAfterWarmup = await spansArrived(app, 1, context.receiver);
    const [cpuBefore, splitBefore] = [cpuSeconds(app.pid), cpuSplit(app.pid)];
    const fixed = await autocannon({ url, connections, duration, overallRate: rate });
    const cpu = cpuSeconds(app.pid) - cpuBefore;
    const split = cpuSplitBetween(splitBefore, cpuSplit(app.pid));
    const probe = await askProbe(app, 2);
    const spansBefore = await spansArrived(app, 2, context.receiver);
    // The breakdown compares stages at the fixed rate only.
    const latencyRate = breakdown ? undefined : context.latencyRate;
    const latency = latencyRate ? await pacedLoad(url, { rate: latencyRate, seconds: duration, connections }) : undefined;
    if (latency?.failed) throw new VariantFailed(`${latency.failed} of the latency run's requests failed or did not answer 200`);
    const latencyProbe = latency ? await askProbe(app, 3) : undefined;
    const latencySpans = latency ? (await spansArrived(app, 3, context.receiver)) - spansBefore : 0;
    const max = breakdown ? undefined : await autocannon({ url, connections, duration });
    const spansFlatOut = max ? (await askProbe(app, 4), await spansArrived(app, 4, context.receiver)) - spansBefore - latencySpans : 0;
    const rss = peakRssMb(app.pid);
    // With --cpu-prof, the latency load once more, profiled: the profiler's own cost stays out of the figures.
    const profiled = app.env.BENCH_CPU_PROFILE && latencyRate ? await profiledLoad(app, url, { rate: latencyRate, seconds: duration, connections }) : undefined;
    const exit = await app.stop('SIGTERM'); // flushes the spans still queued
    if (exit.code !== 0) throw new VariantFailed(`it exited with ${exit.code ?? exit.signal} at SIGTERM; ${lastLines(app.output())}`);
    // Answered with 200. A request still in flight when a run ends is served, and traced, but
    // not counted: up to one per connection per run. (autocannon's `sent` counts more than it
    // sends when a rate is set.)
    const responses = 1 + warm['2xx'] + fixed['2xx'] + (latency?.answered ?? 0) + (max?.['2xx'] ?? 0) + (profiled?.answered ?? 0);
    // BENCH_STAGE comes from --breakdown, or from --env or --try: checked alike.
    const stage = app.env.BENCH_STAGE ? await stageInEffect(app, app.env.BENCH_STAGE, responses) : undefined;
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
      answeredAtRate: fixed['2xx'],
      spansAtRate: spansBefore - spansAfterWarmup,
      answeredFlatOut: max?.['2xx'] ?? 0,
      spansFlatOut,
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

/** Seconds of CPU time to µs per request; faults to faults per request. */
function perRequest(split: CpuSplit, requests: number): CpuSplit {
  return Object.fromEntries(Object.entries(split).map(([key, value]) =>
    [key, key === 'minorFaults' ? value / requests : (value * 1e6) / requests])) as unknown as CpuSplit;
}
