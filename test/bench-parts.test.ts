// The benchmark's parts that need no app: its medians and spreads, its paced load, its reading of
// a CPU profile.
import { APP_NAMES, type AppName, APPS } from '@repo/app-catalogue';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it, vi } from 'vitest';
import { readBenchOptions } from '../scripts/bench/bench-options.ts';
import { medianRun } from '../scripts/bench/bench-tables.ts';
import { summarizeProfile, type CpuProfile } from '../scripts/bench/cpu-profile.ts';
import type { Run } from '../scripts/bench/measure-variant.ts';
import { pacedLoad } from '../scripts/bench/paced-load.ts';
import { mainVariants } from '../scripts/bench/variants.ts';

it("medianRun takes each figure's median over the rounds (the CPU split's too), and the headline figures' spread: (max - min) / median", () => {
  const round = (cpuPerRequestUs: number, p99AtLatencyLoadMs: number, requestsPerSecond: number, mainUser = 80): Run => ({
    cpuPerRequestUs, eventLoopUtilization: 0.5, perRequest: { mainUser, mainSystem: 1, v8Workers: 1, otherThreads: 1, minorFaults: 1 }, gcPauses: 1, gcPauseUsPerRequest: 1,
    p99AtRateMs: 50, p99AtLatencyLoadMs, eluAtLatencyLoad: 0.2, longestGcPauseMs: 3, answeredAtLatencyLoad: 10, spansAtLatencyLoad: 10, answeredAtRate: 10, spansAtRate: 10, answeredFlatOut: 10, spansFlatOut: 10, requestsPerSecond, p50Ms: 1, p99Ms: 2, peakRssMb: 100, startupMs: 300, responses: 10, spans: 10,
  });
  const median = medianRun([round(90, 10, 1000, 70), round(100, 20, 1100, 90), round(110, 12, 900, 80)]);
  expect(median).toMatchObject({ cpuPerRequestUs: 100, p99AtLatencyLoadMs: 12, requestsPerSecond: 1000, responses: 30, spans: 30, spansAtLatencyLoad: 30, spansAtRate: 30, spansFlatOut: 30 });
  expect(median.perRequest.mainUser).toBe(80);
  expect(median.spread).toEqual({ cpuPerRequestUs: 0.2, p99AtLatencyLoadMs: 10 / 12, requestsPerSecond: 0.2 });
  expect(medianRun([round(90, 10, 1000)]).spread).toEqual({});
});

it('the latency load charges a stall to every request it made wait, counted from when each was due', async () => {
  // The load's own clock, run by vitest: 200 requests/s for 2 s against a server that answers at
  // once, and 500 ms in, a 600 ms stall of the load's event loop (its clock moves, its timer
  // does not fire), such as a busy loop in the same process makes.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  try {
    let stalledMs = 0;
    const now = () => Date.now() + stalledMs;
    const load = pacedLoad('http://unused/', { rate: 200, seconds: 2, connections: 5 }, { now, send: (answered) => answered(true) });
    await vi.advanceTimersByTimeAsync(500);
    stalledMs = 600;
    await vi.advanceTimersByTimeAsync(1500);
    // The 120 requests due in the stall (at 505, 510 … 1100 ms) sent at its end, 1101 ms, each
    // charged from when it was due: 596, 591 … 1 ms. The other 280 sent when due: 0 ms. The 4
    // slowest are over p99 (nearest rank, 396th of 400): 576 ms. Timed from when each was sent,
    // every request would show 0 ms.
    expect(await load).toEqual({ answered: 400, failed: 0, p50Ms: 0, p99Ms: 576, maxMs: 596 });
  } finally {
    vi.useRealTimers();
  }
});

it('the latency load sends each request at its first millisecond tick from when it is due: with no stall, at 250/s (one every 4 ms), each 0 ms after', async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
  try {
    const load = pacedLoad('http://unused/', { rate: 250, seconds: 1, connections: 5 }, { now: () => Date.now(), send: (answered) => answered(true) });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await load).toEqual({ answered: 250, failed: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 });
  } finally {
    vi.useRealTimers();
  }
});

it('the latency load sends GETs over HTTP, and counts a 200 read whole as answered, any other status as failed', async () => {
  let received = 0;
  const server = http.createServer((_request, response) => {
    received += 1;
    response.statusCode = received % 4 === 0 ? 500 : 200;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  try {
    const load = await pacedLoad(`http://localhost:${(server.address() as AddressInfo).port}/`, { rate: 200, seconds: 0.5, connections: 5 });
    expect({ received, answered: load.answered, failed: load.failed }).toEqual({ received: 100, answered: 75, failed: 25 });
  } finally {
    server.close();
  }
});

it('a CPU profile summed up: the functions with the most self time, and the longest stretch without going idle', () => {
  // Samples 1 ms apart: idle, 3 ms of work (2 in serialize, 1 in write), idle, 1 ms of write, idle.
  const frame = (id: number, functionName: string, url = '') => ({ id, callFrame: { functionName, url, lineNumber: 9 } });
  const profile: CpuProfile = {
    nodes: [frame(1, '(root)'), frame(2, '(idle)'), frame(3, 'serialize', 'file:///x/node_modules/@opentelemetry/otlp-transformer/dist/a.cjs'), frame(4, 'write')],
    samples: [2, 3, 3, 4, 2, 4, 2],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000],
  };
  const summary = summarizeProfile(profile, { frames: 2, stretches: 2 });
  expect(summary.busyMs).toBe(4);
  expect(summary.top).toEqual([
    { frame: 'serialize (@opentelemetry/otlp-transformer/dist/a.cjs:10)', ms: 2, share: 0.5 },
    { frame: 'write', ms: 2, share: 0.5 },
  ]);
  expect(summary.longest.map((stretch) => stretch.ms)).toEqual([3, 1]);
  expect(summary.longest[0].top[0]).toEqual({ frame: 'serialize (@opentelemetry/otlp-transformer/dist/a.cjs:10)', ms: 2, share: 2 / 3 });
});

it('--try pairs make one more variant of each app together, and each --variant one more of its own (a value may hold spaces)', () => {
  const { tried } = readBenchOptions(['--try', 'A=1', '--try', 'B=2', '--variant', 'C=3 NODE_OPTIONS=--x --y=1', '--variant', 'D=4']);
  expect(tried).toEqual([[['A', '1'], ['B', '2']], [['C', '3'], ['NODE_OPTIONS', '--x --y=1']], [['D', '4']]]);
  const [app] = APP_NAMES;
  const names = mainVariants([{ format: 'cjs', express: 5 }], { only: [app], tried }).map((variant) => variant.name);
  expect(names).toEqual(['baseline', app, `${app} + A=1 B=2`, `${app} + C=3 NODE_OPTIONS=--x --y=1`, `${app} + D=4`]);
  expect(() => readBenchOptions(['--variant', 'junk'])).toThrow('"junk": expected NAME=value');
  // A patch of instrumentation-express: no row for the app that does not load it.
  const expressPatch = mainVariants([{ format: 'cjs', express: 5 }], { tried: [[['BENCH_STAGE', 'encode-on-end,express-skip-unrecorded']]] }).map((variant) => variant.name);
  const patched = (app: AppName) => (APPS[app].spans.expressSpans ? [`${app} + BENCH_STAGE=encode-on-end,express-skip-unrecorded`] : []);
  expect(expressPatch).toEqual(['baseline', ...APP_NAMES.flatMap((app) => [app, ...patched(app)])]);
});
