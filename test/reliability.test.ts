// Tracing must never take the service down: not a missing, vanishing or slow collector, not
// hostile requests, and a normal shutdown must not lose spans it could have kept.
import { APP_NAMES, type AppName, APPS, MODULE_FORMATS, type ModuleFormat } from '@repo/app-catalogue';
import type { AppProcess } from '@repo/app-process';
import { startReceiver, type Receiver } from '@repo/otlp-receiver';
import type { ReceivedSpan } from '@repo/trace-model';
import net from 'node:net';
import { startAppForTest } from './app-fixture.ts';
import { describe, expect, it } from 'vitest';
import { inBatches, rawRequest, sendRaw } from './http-requests.ts';

/**
 * A collector that is down: the port is held by a listener that drops every connection, so that
 * no other process can take the port before a receiver binds it again (release, then bind).
 */
async function downCollector(port = 0): Promise<{ port: number; release(): Promise<void> }> {
  const holder = net.createServer((socket) => socket.destroy()).listen(port, 'localhost');
  await new Promise((resolve) => holder.once('listening', resolve));
  return {
    port: (holder.address() as net.AddressInfo).port,
    release: () => new Promise((resolve) => holder.close(() => resolve())),
  };
}

const env = (port: number, extra: Record<string, string> = {}) => ({
  OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${port}`,
  OTEL_BSP_SCHEDULE_DELAY: '100',
  ...extra,
});

const requests = (app: AppProcess, count: number, param: string, concurrency = 25) =>
  inBatches(count, concurrency, (i) => fetch(`${app.url}/server_request?param=${param}-${i}`).then((r) => r.status));

/**
 * Sends a request, and another each time its span has not arrived within a second, until one
 * does; returns how many it sent. The first batches after the collector comes back can still fail while the exporter
 * reconnects, and a failed batch is dropped.
 */
async function untilExportWorks(app: AppProcess, receiver: Receiver, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const probed = (spans: ReceivedSpan[]) => spans.some((s) => String(s.attributes['url.query']).startsWith('param=probe-'));
  for (let i = 0; ; i++) {
    if (Date.now() > deadline) throw new Error(`no span arrived within ${timeoutMs} ms of the collector coming back`);
    await fetch(`${app.url}/server_request?param=probe-${i}`);
    try {
      await receiver.waitForSpans(probed, 1000);
      return i + 1;
    } catch {
      // That batch was lost while the exporter reconnected: send another.
    }
  }
}

const serverSpans = (receiver: Receiver, name: AppName, param: string) =>
  receiver.spans().filter((s) => s.kind === 'SERVER' && s.resource['service.name'] === APPS[name].serviceName &&
    String(s.attributes['url.query']).startsWith(`param=${param}-`));
const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, `${pattern.flags}g`))?.length ?? 0;

describe.each(APP_NAMES)('the %s app', (name) => {
  it('with no collector at start: serves every request, reports the failure in one line, and exports once one comes up', async () => {
    const down = await downCollector();
    const port = down.port;
    // Metric points and log records exported during the outage too (both well before the 500 requests end).
    const app = await startAppForTest(name, {
      env: env(port, { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50', OTEL_METRIC_EXPORT_INTERVAL: '100', OTEL_BLRP_SCHEDULE_DELAY: '100' }),
    });
    let receiver: Receiver | undefined;
    try {
      expect(await requests(app, 500, 'down')).toEqual(Array(500).fill(200));
      await down.release();
      receiver = await startReceiver({ grpcPort: port, httpPort: null });
      const probes = await untilExportWorks(app, receiver);
      expect(await requests(app, 20, 'up')).toEqual(Array(20).fill(200));
      await receiver.waitForSpans(() => serverSpans(receiver!, name, 'up').length === 20);

      // Every app, the automatic one included, preloads the concise diagnostics: one line when the outage starts, one when it ends.
      const output = app.output();
      const lines = 1;
      expect(count(output, /telemetry: span export failed \(14 UNAVAILABLE/)).toBe(lines);
      const lost = [...output.matchAll(/telemetry: span export works again; (\d+) spans? in \d+ failed batch(es)? (was|were) lost/g)];
      expect(lost).toHaveLength(lines);
      // Every span made before the `up` requests is kept, or counted in that line, or in the queue's
      // if it filled up (the queue, 100, bounds what waits for the collector): none goes unsaid.
      const ownSpans = receiver.spans().filter((s) => s.resource['service.name'] === APPS[name].serviceName);
      const upTraces = new Set(serverSpans(receiver, name, 'up').map((s) => s.traceId));
      const spansPerRequest = ownSpans.filter((s) => upTraces.has(s.traceId)).length / 20;
      const dropped = Number(/the span queue has room again; (\d+) spans? (was|were) dropped in all/.exec(output)?.[1] ?? 0);
      const keptBefore = ownSpans.length - 20 * spansPerRequest;
      expect(keptBefore + Number(lost[0][1]) + dropped, `${keptBefore} kept; ${lost[0][0]}; ${dropped} dropped`).toBe((500 + probes) * spansPerRequest);
      // And what outlived the outage is no more than the queue held.
      expect(keptBefore).toBeLessThanOrEqual(100);
      // Log records and metric points go to the same collector: one line for each signal's outage too.
      for (const signal of ['metric', 'log record']) expect(count(output, new RegExp(`telemetry: ${signal} export failed`)), signal).toBe(lines);
      expect(count(output, /UNAVAILABLE/)).toBe(count(output, /telemetry: [\w ]+ export failed \(14 UNAVAILABLE/));
    } finally {
      await app.stop('SIGKILL');
      await (receiver?.close() ?? down.release());
    }
  });

  it('on SIGTERM with no collector: exits 0, says in one line per signal what was not delivered, and prints no stack trace', async () => {
    const down = await downCollector();
    const app = await startAppForTest(name, { env: env(down.port) });
    try {
      expect(await requests(app, 20, 'undelivered')).toEqual(Array(20).fill(200));
      const exit = await app.stop('SIGTERM');
      const output = app.output();
      expect(exit.code, output).toBe(0);
      // Per signal, one line when its export failed and one saying what was not delivered; nothing else.
      const telemetryLines = output.split('\n').filter((line) => line.startsWith('telemetry: '));
      for (const [signal, items] of [['span', 'spans?'], ['log record', 'log records?'], ['metric', 'metric points?']]) {
        expect(count(output, new RegExp(`^telemetry: ${signal} export failed \\(`, 'm')), signal).toBe(1);
        expect(count(output, new RegExp(`^telemetry: exiting while ${signal} export fails: \\d+ ${items} in \\d+ failed batch(es)? (was|were) not delivered$`, 'm')), signal).toBe(1);
      }
      expect(telemetryLines, output).toHaveLength(6);
      // The app's own lines besides: no stack, no error object.
      expect(output.split('\n').filter((line) => line && !line.startsWith('{') && !line.startsWith('telemetry: ') && !/^(listening on|SIGTERM: )/.test(line)), output).toEqual([]);
    } finally {
      await down.release();
    }
  });

  it('when the collector goes away and comes back: serves throughout, and exports again without a restart', async () => {
    let receiver = await startReceiver({ grpcPort: 0, httpPort: null });
    const port = receiver.grpcPort;
    const app = await startAppForTest(name, { env: env(port) });
    try {
      await requests(app, 10, 'before');
      await receiver.waitForSpans(() => serverSpans(receiver, name, 'before').length === 10);
      await receiver.close();
      const down = await downCollector(port);
      expect(await requests(app, 200, 'gone')).toEqual(Array(200).fill(200));
      await down.release();
      receiver = await startReceiver({ grpcPort: port, httpPort: null });
      await untilExportWorks(app, receiver);
      await requests(app, 10, 'back');
      await receiver.waitForSpans(() => serverSpans(receiver, name, 'back').length === 10);
    } finally {
      await app.stop('SIGKILL');
      await receiver.close();
    }
  });

  it('with a collector that takes the export and never answers: every request is answered while it holds the export', async () => {
    // Accepts the exporter's connection and sends nothing back: an export in flight for as long as the test runs.
    const connections = new Set<net.Socket>();
    let connected: () => void;
    const firstConnection = new Promise<void>((resolve) => (connected = resolve));
    const silent = net.createServer((socket) => {
      connections.add(socket);
      connected();
    }).listen(0, 'localhost');
    await new Promise((resolve) => silent.once('listening', resolve));
    const app = await startAppForTest(name, { env: env((silent.address() as net.AddressInfo).port) });
    try {
      expect(await requests(app, 10, 'before-export')).toEqual(Array(10).fill(200));
      await firstConnection;
      expect(await requests(app, 100, 'during-export', 1)).toEqual(Array(100).fill(200));
    } finally {
      await app.stop('SIGKILL');
      for (const socket of connections) socket.destroy();
      silent.close();
    }
  });

  it('with a collector that never answers and a queue of 20 spans: says once that the queue filled up, however many spans it drops', async () => {
    const silent = net.createServer(() => {}).listen(0, 'localhost');
    await new Promise((resolve) => silent.once('listening', resolve));
    // Each held export times out after 300 ms: the SDK says how many it dropped only when a span fits again.
    const app = await startAppForTest(name, {
      env: env((silent.address() as net.AddressInfo).port, { OTEL_BSP_MAX_QUEUE_SIZE: '20', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10', OTEL_EXPORTER_OTLP_TIMEOUT: '300' }),
    });
    try {
      const full = app.waitForOutput(/^telemetry: the span queue filled up/m, 15_000);
      let filled = false;
      void full.then(() => (filled = true), () => {});
      for (let round = 0; !filled && round < 50; round++) expect(await requests(app, 50, `queue-full-${round}`)).toEqual(Array(50).fill(200));
      await full;
      expect(await requests(app, 200, 'queue-still-full')).toEqual(Array(200).fill(200));
      expect(count(app.output(), /^telemetry: the span queue filled up \(OTEL_BSP_MAX_QUEUE_SIZE\): \d+ spans? (was|were) dropped; /m)).toBe(1);
      expect(count(app.output(), /Dropped/)).toBe(0);
    } finally {
      await app.stop('SIGKILL');
      silent.close();
    }
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('on %s under steady load: exits 0 before its 10 s deadline, and exports the span of every answered request', async (signal) => {
    const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
    const app = await startAppForTest(name, { env: env(receiver.grpcPort) });
    try {
      let answered = 0;
      let stopping = false;
      const worker = async (w: number) => {
        for (let i = 0; !stopping; i++) {
          try {
            const response = await fetch(`${app.url}/server_request?param=load-${w}-${i}`);
            if ((await response.text()) === 'served') answered += 1;
          } catch {
            return; // refused: the server has closed
          }
        }
      };
      const workers = Array.from({ length: 20 }, (_, w) => worker(w));
      await receiver.waitForSpans((spans) => spans.length >= 200, 10_000);
      const exit = await app.stop(signal);
      stopping = true;
      await Promise.all(workers);

      // Exit code 0: the app stopped before its own 10 s deadline, past which it exits with 1.
      expect(exit.code).toBe(0);
      const exported = serverSpans(receiver, name, 'load').length;
      // Where the register hook shuts the SDK down on SIGTERM itself, the requests in flight at
      // that moment (at most one per client, 20 here) are answered but their spans lost.
      const mayLose = signal === 'SIGTERM' && APPS[name].inFlightAtSigterm === 'lost' ? 20 : 0;
      expect(answered - exported).toBeGreaterThanOrEqual(0);
      expect(answered - exported).toBeLessThanOrEqual(mayLose);
    } finally {
      await receiver.close();
    }
  });

  it('on SIGINT, a request still arriving is answered and its span exported', async () => {
    expect(await inFlightSpans(name, 'SIGINT')).toBe(1);
  });

  it.each(MODULE_FORMATS)(`built as %s: on SIGTERM, a request still arriving is answered and its span ${APPS[name].inFlightAtSigterm}`, async (format) => {
    expect(await inFlightSpans(name, 'SIGTERM', format)).toBe(APPS[name].inFlightAtSigterm === 'exported' ? 1 : 0);
  });

  it('takes 1,200 hostile requests without crashing, answers each sanely, exports well-formed spans and no secret', async () => {
    const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
    const app = await startAppForTest(name, { env: env(receiver.grpcPort) });
    try {
      const statuses = new Map<string, number>();
      for (let round = 0; round < 100; round++) {
        await Promise.all(HOSTILE.map(async ([what, request]) => {
          const status = await sendRaw(app.port, request);
          statuses.set(`${what} -> ${status}`, (statuses.get(`${what} -> ${status}`) ?? 0) + 1);
        }));
      }
      expect((await fetch(`${app.url}/server_request?param=after`)).status).toBe(200);
      await app.stop('SIGTERM'); // flushes every span
      expect(Object.fromEntries(statuses)).toEqual(EXPECTED_STATUSES);

      const spans = receiver.spans();
      expect(receiver.stats().rejected).toBe(0);
      const traced = Object.entries(EXPECTED_STATUSES).filter(([what]) => !what.endsWith('400') && !what.endsWith('431'))
        .reduce((sum, [, n]) => sum + n, 0);
      expect(spans.filter((s) => s.kind === 'SERVER').length).toBe(traced + 1);
      for (const span of spans) expect(wellFormed(span), JSON.stringify(span.attributes)).toBe(true);
      expect(JSON.stringify(spans, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(SECRET);
    } finally {
      await app.stop('SIGKILL');
      await receiver.close();
    }
  }, 60_000);
});

/** Sends the head of a request, then the signal, then the rest: returns how many SERVER spans were exported. */
async function inFlightSpans(name: AppName, signal: NodeJS.Signals, format: ModuleFormat = 'cjs'): Promise<number> {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
  try {
    const app = await startAppForTest(name, { format, env: env(receiver.grpcPort) });
    const socket = net.connect(app.port, 'localhost');
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.setEncoding('utf8').on('data', (text: string) => (response += text));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('GET /server_request?param=in-flight HTTP/1.1\r\nHost: localhost\r\n');
    const exited = app.stop(signal);
    // The request completes once the app is shutting down (it says so): it must still be answered.
    await app.waitForOutput(new RegExp(`${signal}: closing the server`));
    socket.write('Connection: close\r\n\r\n');
    await closed;
    expect((await exited).code).toBe(0);
    expect(response).toMatch(/^HTTP\/1.1 200 OK[\s\S]*served$/);
    return receiver.spans().filter((s: ReceivedSpan) => s.kind === 'SERVER').length;
  } finally {
    await receiver.close();
  }
}

const SECRET = 'hostile-s3cret';
const GOOD_PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const request = (line: string, headers: string[] = []) => rawRequest(line, ['Host: localhost', ...headers, 'Connection: close']);
const HOSTILE: [string, string][] = [
  ['oversized traceparent', request('GET /server_request?param=h HTTP/1.1', [`traceparent: 00-${'a'.repeat(4000)}-b7ad6b7169203331-01`])],
  ['malformed traceparent', request('GET /server_request?param=h HTTP/1.1', ['traceparent: ff-00000000000000000000000000000000-0000000000000000-zz'])],
  ['oversized tracestate', request('GET /server_request?param=h HTTP/1.1', [`traceparent: ${GOOD_PARENT}`, `tracestate: ${Array.from({ length: 300 }, (_, i) => `k${i}=${'v'.repeat(20)}`).join(',')}`])],
  ['16 KB URL', request(`GET /server_request?param=${'x'.repeat(16 * 1024)} HTTP/1.1`)],
  ['invalid percent-encoding in the query', request('GET /server_request?param=%E0%A4%A&sig=%zz HTTP/1.1')],
  ['invalid percent-encoding in the path', request('GET /%E0%A4%A HTTP/1.1')],
  ['an odd method the parser knows (PURGE)', request('PURGE /server_request?param=h HTTP/1.1')],
  ['a method the parser does not know', request('BREW /server_request HTTP/1.1')],
  ['500 headers', request('GET /server_request?param=h HTTP/1.1', Array.from({ length: 500 }, (_, i) => `h${i}: 1`))],
  ['headers over 16 KB', request('GET /server_request?param=h HTTP/1.1', [`x-big: ${'b'.repeat(17 * 1024)}`])],
  ['a secret in the query', request(`GET /server_request?param=h&sig=${SECRET}&X-Amz-Credential=${SECRET} HTTP/1.1`, [`traceparent: ${GOOD_PARENT}`])],
  ['a malformed Host header', request('GET /server_request?param=h HTTP/1.1').replace('Host: localhost', 'Host: [::1')],
];
const EXPECTED_STATUSES: Record<string, number> = {
  'oversized traceparent -> 200': 100,
  'malformed traceparent -> 200': 100,
  'oversized tracestate -> 200': 100,
  '16 KB URL -> 431': 100,
  'invalid percent-encoding in the query -> 200': 100,
  'invalid percent-encoding in the path -> 404': 100,
  'an odd method the parser knows (PURGE) -> 404': 100,
  'a method the parser does not know -> 400': 100,
  '500 headers -> 200': 100,
  'headers over 16 KB -> 431': 100,
  'a secret in the query -> 200': 100,
  'a malformed Host header -> 200': 100,
};

function wellFormed(span: ReceivedSpan): boolean {
  return /^[0-9a-f]{32}$/.test(span.traceId) && /^[0-9a-f]{16}$/.test(span.spanId) && span.name.length > 0 &&
    span.endTimeUnixNano >= span.startTimeUnixNano &&
    (span.kind !== 'SERVER' || typeof span.attributes['http.response.status_code'] === 'number');
}
