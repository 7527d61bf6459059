// The benchmark's parts that need no app: its medians and spreads, its paced load, its reading of
// a CPU profile.
import { APP_NAMES, APPS } from '@repo/app-catalogue';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
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
  // A server that answers at once, except for one 600 ms stall of its event loop.
  let stalled = false;
  let stallMs = 0;
  const server = http.createServer((request, response) => {
    if (!stalled && request.url === '/?n=stall') {
      stalled = true;
      const start = performance.now();
      while (performance.now() < start + 600);
      stallMs = performance.now() - start;
    }
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}/`;
  try {
    const calm = await pacedLoad(url, { rate: 200, seconds: 2, connections: 5 });
    expect(calm).toMatchObject({ answered: 400, failed: 0 });
    const withStall = await Promise.all([pacedLoad(url, { rate: 200, seconds: 2, connections: 5 }), fetch(`${url}?n=stall`)]).then(([load]) => load);
    // At 200/s about 120 of the 400 came due while it stalled, the first waiting the whole stall:
    // the 4 slowest (p99) waited more than half of it, as the server measured it. A load that
    // timed a request from when it was sent would have seen one slow request per connection.
    expect(withStall).toMatchObject({ answered: 400, failed: 0 });
    expect(withStall.p99Ms).toBeGreaterThan(stallMs / 2);
    expect(withStall.p99Ms).toBeGreaterThan(calm.p99Ms);
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
  expect(expressPatch.filter((name) => name.includes('express-skip-unrecorded'))).toEqual(APP_NAMES.filter((app) => APPS[app].spans.expressSpans).map((app) => `${app} + BENCH_STAGE=encode-on-end,express-skip-unrecorded`));
  expect(expressPatch.length).toBeLessThan(1 + 2 * APP_NAMES.length);
});
