import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { APP_NAMES, APPS } from '@repo/app-catalogue';
import { startReceiver, type Receiver } from '@repo/otlp-receiver';
import { UNEXPLAINED } from '@repo/app-catalogue';
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTraceUi, type CompareView, type TraceDetail, type TraceList, type TraceUi } from '../src/index.ts';

// The apps in the catalogue's order, as the compare view shows them: the first makes no express
// spans, the second does, the third leaves /health untraced (held below, so that the data reads true).
const [FIRST, SECOND, THIRD] = APP_NAMES;

let receiver: Receiver;
let ui: TraceUi;

beforeEach(async () => {
  receiver = await startReceiver({ grpcPort: 0, httpPort: null });
  ui = await startTraceUi({ receiver, port: 0 });
});
afterEach(async () => {
  await ui.close();
  await receiver.close();
});

/**
 * Sends one trace like an app's over real OTLP/gRPC: a SERVER span, and a child if asked. With
 * `at` (ms since 1970), the SERVER span starts then and lasts 5 ms, its child from 1 to 3 ms in.
 */
async function sendTrace(service: string, options: { path?: string; child?: string; error?: boolean; resource?: Record<string, string>; attributes?: Record<string, string | number>; at?: number } = {}): Promise<string> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, ...options.resource }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: receiver.grpcEndpoint }) })],
  });
  const tracer = provider.getTracer('ui-test');
  const path = options.path ?? '/server_request';
  const at = (ms: number) => (options.at === undefined ? undefined : options.at + ms);
  const server = tracer.startSpan(`GET ${path}`, { kind: SpanKind.SERVER, startTime: at(0), attributes: { 'http.request.method': 'GET', 'url.path': path, ...options.attributes } });
  if (options.child) {
    const child = tracer.startSpan(options.child, { startTime: at(1) }, trace.setSpan(ROOT_CONTEXT, server));
    if (options.error) {
      child.recordException(new Error('it broke'), at(2));
      child.setStatus({ code: SpanStatusCode.ERROR });
    }
    child.end(at(3));
  }
  server.end(at(5));
  await provider.shutdown();
  return server.spanContext().traceId;
}

/** A trace across two services, as `npm run client` makes: `client` in one, the SERVER span in `service`. */
async function sendClientTrace(service: string): Promise<string> {
  const providers = ['client', service].map((name) => new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': name }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: receiver.grpcEndpoint }) })],
  }));
  const client = providers[0].getTracer('ui-test').startSpan('client');
  const attributes = { 'http.request.method': 'GET', 'url.path': '/server_request' };
  providers[1].getTracer('ui-test').startSpan('GET /server_request', { kind: SpanKind.SERVER, attributes }, trace.setSpan(ROOT_CONTEXT, client)).end();
  client.end();
  await Promise.all(providers.map((provider) => provider.shutdown()));
  return client.spanContext().traceId;
}

// When the traces given a time start: 2026-01-01T00:00:00Z, in ms.
const START = Date.UTC(2026, 0, 1);

const get = async <T>(path: string) => {
  const response = await fetch(`${ui.url}${path}`);
  return { status: response.status, headers: response.headers, body: (await response.json()) as T & { error?: string } };
};

describe('the JSON API', () => {
  it('lists traces newest first: service, root span, span count, duration, time, error mark, request', async () => {
    // Sent newest first: the list orders them by their start, not by their arrival.
    const second = await sendTrace('svc-b', { at: START + 10 });
    const first = await sendTrace('svc-a', { child: 'work', error: true, at: START });
    await receiver.waitForSpans((spans) => spans.length === 3);
    const { body } = await get<TraceList>('/api/traces');
    expect(body.services).toEqual(['svc-a', 'svc-b']);
    expect(body.traces.map((t) => t.traceId)).toEqual([second, first]);
    expect(body.traces[1]).toMatchObject({ service: 'svc-a', rootName: 'GET /server_request', spanCount: 2, hasError: true, request: 'GET /server_request', durationMs: 5, startTime: START });
    expect(body.traces[0]).toMatchObject({ hasError: false, durationMs: 5, startTime: START + 10 });
  });

  it("a trace across two services (the client calling an app): every service in tree order, and the SERVER span's request", async () => {
    const traceId = await sendClientTrace(APPS[FIRST].serviceName);
    await receiver.waitForSpans((spans) => spans.length === 2);
    const { body } = await get<TraceList>(`/api/traces?service=${APPS[FIRST].serviceName}`);
    expect(body.traces).toMatchObject([{ traceId, service: 'client', services: ['client', APPS[FIRST].serviceName], rootName: 'client', request: 'GET /server_request' }]);
    const compared = (await get<CompareView>('/api/compare')).body;
    expect(compared.columns.map((column) => column.trace?.traceId)).toEqual([traceId, undefined, undefined]);
    // The compare page takes the app's part: its SERVER span down, made the root, with its service's resource.
    expect(compared.columns[0].trace!.spans.map((span) => [span.position, span.name, span.parent])).toEqual([['0', 'GET /server_request', undefined]]);
    expect(compared.columns[0].trace!.resource['service.name']).toBe(APPS[FIRST].serviceName);
  });

  it('filters by service, and limits the list', async () => {
    await sendTrace('svc-a');
    const b = await sendTrace('svc-b');
    await sendTrace('svc-a');
    await receiver.waitForSpans((spans) => spans.length === 3);
    expect((await get<TraceList>('/api/traces?service=svc-b')).body.traces.map((t) => t.traceId)).toEqual([b]);
    expect((await get<TraceList>('/api/traces?limit=1')).body.traces).toHaveLength(1);
  });

  it("gives a trace's spans parents first, with depth, offsets and durations in ms, attributes, events and resource", async () => {
    const traceId = await sendTrace('svc-a', { child: 'work', error: true, at: START });
    await receiver.waitForSpans((spans) => spans.length === 2);
    const { body } = await get<TraceDetail>(`/api/traces/${traceId}`);
    expect(body.spans.map((s) => [s.name, s.kind, s.depth])).toEqual([['GET /server_request', 'SERVER', 0], ['work', 'INTERNAL', 1]]);
    expect(body.spans[0]).toMatchObject({ offsetMs: 0, durationMs: 5, attributes: { 'url.path': '/server_request' }, resource: { 'service.name': 'svc-a' } });
    expect(body.spans[1]).toMatchObject({ offsetMs: 1, durationMs: 2 });
    expect(body.spans[1].status.code).toBe('ERROR');
    expect(body.spans[1].events.map((e) => e.name)).toEqual(['exception']);
    expect(body.durationMs).toBe(5);
  });

  it('says of a span drawn ending up to 1 ms after its parent why (the SDK\'s whole-millisecond start times), and of no other', async () => {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': APPS[SECOND].serviceName }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: receiver.grpcEndpoint }) })],
    });
    const tracer = provider.getTracer('ui-test');
    const at = (ms: number): [number, number] => [1_700_000_000, Math.round(ms * 1e6)];
    const server = tracer.startSpan('GET /server_request', { kind: SpanKind.SERVER, startTime: at(1) });
    tracer.startSpan('request handler', { startTime: at(1) }, trace.setSpan(ROOT_CONTEXT, server)).end(at(10.4));
    tracer.startSpan('inside', { startTime: at(2) }, trace.setSpan(ROOT_CONTEXT, server)).end(at(9));
    server.end(at(10));
    await provider.shutdown();
    await receiver.waitForSpans((spans) => spans.length === 3);
    const { body } = await get<TraceDetail>(`/api/traces/${server.spanContext().traceId}`);
    expect(body.spans.map((span) => [span.name, span.roundedStart])).toEqual([
      ['GET /server_request', undefined],
      ['request handler', 'ends 0.4 ms after its parent: the SDK\'s start times are whole milliseconds, its durations are not'],
      ['inside', undefined],
    ]);
  });

  it('gives at most the first 1,000 spans of a trace, whatever a sender sends', async () => {
    const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: receiver.grpcEndpoint }) })] });
    const tracer = provider.getTracer('ui-test');
    const root = tracer.startSpan('root');
    for (let i = 0; i < 1500; i++) tracer.startSpan(`child ${i}`, {}, trace.setSpan(ROOT_CONTEXT, root)).end();
    root.end();
    await provider.shutdown();
    await receiver.waitForSpans((spans) => spans.length === 1501);
    const { body } = await get<TraceDetail>(`/api/traces/${root.spanContext().traceId}`);
    expect([body.spanCount, body.spans.length, body.spans[0].name]).toEqual([1501, 1000, 'root']);
  });

  it('compares the three apps\' newest traces of one request, with a reason for each difference and a note for an app without one', async () => {
    await sendTrace(APPS[FIRST].serviceName, { path: '/health' });
    await sendTrace(APPS[SECOND].serviceName, { path: '/health', child: 'request handler' });
    await sendTrace(APPS[FIRST].serviceName);
    await receiver.waitForSpans((spans) => spans.length === 4);
    const { body } = await get<CompareView>('/api/compare?request=GET%20/health');
    expect(body.requests).toEqual(['GET /health', 'GET /server_request']);
    expect(body.columns.map((c) => [c.app, c.trace?.spans.length, c.note])).toEqual([
      [FIRST, 1, undefined], [SECOND, 2, undefined], [THIRD, undefined, expect.stringContaining('ignoreIncomingRequestHook')],
    ]);
    expect(body.rows.map((r) => [r.where, r.values, r.explanation === UNEXPLAINED])).toEqual([
      ['resource["service.name"]', { [FIRST]: APPS[FIRST].serviceName, [SECOND]: APPS[SECOND].serviceName }, false],
      ['spans[0.0]', { [SECOND]: 'INTERNAL request handler' }, false],
    ]);
    expect(body.unexplained).toBe(UNEXPLAINED);
    expect((await get<CompareView>('/api/compare')).body.request).toBe('GET /server_request');
  });

  it('compares like with like: the SERVER span and what is under it, whether the request came through the client or straight', async () => {
    await sendClientTrace(APPS[FIRST].serviceName);
    await sendTrace(APPS[SECOND].serviceName, { child: 'request handler' });
    await receiver.waitForSpans((spans) => spans.length === 4);
    const { body } = await get<CompareView>('/api/compare?request=GET%20/server_request');
    expect(body.columns.map((c) => c.trace?.spans.map((span) => `${span.position} ${span.kind} ${span.name}`))).toEqual([
      ['0 SERVER GET /server_request'], ['0 SERVER GET /server_request', '0.0 INTERNAL request handler'], undefined,
    ]);
    // Only what the approaches are known to differ in: no row for the client's spans above one of them.
    expect(body.rows.map((r) => [r.where, r.explanation === UNEXPLAINED])).toEqual([['resource["service.name"]', false], ['spans[0.0]', false]]);
    expect(body.tooFew).toBeUndefined();
  });

  it('with fewer than two apps\' traces of a request: nothing to compare, and where to send it (an app\'s port from its spans, if it sent any)', async () => {
    await sendTrace(APPS[FIRST].serviceName, { attributes: { 'server.port': 8081 } });
    await sendTrace(APPS[SECOND].serviceName, { path: '/error', error: true, child: 'request handler', attributes: { 'server.port': 8082 } });
    await receiver.waitForSpans((spans) => spans.length === 3);
    const { body } = await get<CompareView>('/api/compare?request=GET%20/error');
    expect(body.rows).toEqual([]);
    expect(body.tooFew).toEqual({ traced: [SECOND], send: [{ app: FIRST, command: "curl 'http://localhost:8081/error'" }, { app: THIRD }] });
    // The negative control: with a second app's trace, there is something to compare.
    await sendTrace(APPS[FIRST].serviceName, { path: '/error', attributes: { 'server.port': 8081 } });
    await receiver.waitForSpans((spans) => spans.length === 4);
    expect((await get<CompareView>('/api/compare?request=GET%20/error')).body.tooFew).toBeUndefined();
  });

  it('takes a request named without its method (/compare?request=/error, as one types it) as the GET', async () => {
    await sendTrace(APPS[FIRST].serviceName, { attributes: { 'server.port': 8081 } });
    await sendTrace(APPS[SECOND].serviceName, { path: '/error', error: true, child: 'request handler', attributes: { 'server.port': 8082 } });
    await receiver.waitForSpans((spans) => spans.length === 3);
    const { body } = await get<CompareView>('/api/compare?request=/error');
    expect(body.request).toBe('GET /error');
    expect(body.tooFew).toEqual({ traced: [SECOND], send: [{ app: FIRST, command: "curl 'http://localhost:8081/error'" }, { app: THIRD }] });
  });

  it('names a request that no route answered (404) in the list', async () => {
    await sendTrace(APPS[SECOND].serviceName, { path: '/nothing-here', attributes: { 'http.response.status_code': 404 } });
    await sendTrace(APPS[SECOND].serviceName, { attributes: { 'http.response.status_code': 200 } });
    await receiver.waitForSpans((spans) => spans.length === 2);
    const { body } = await get<TraceList>('/api/traces');
    expect(body.traces.map((t) => [t.request, t.statusCode])).toEqual([['GET /server_request', 200], ['GET /nothing-here', 404]]);
  });

  it('says which Express served each trace, from the webengine.* attributes of the serving app\'s resource, in the list and the compare view', async () => {
    await sendTrace(APPS[FIRST].serviceName, { resource: { 'webengine.name': 'express', 'webengine.version': '4.21.2' } });
    await sendTrace(APPS[SECOND].serviceName);
    await receiver.waitForSpans((spans) => spans.length === 2);
    const list = (await get<TraceList>('/api/traces')).body;
    expect(list.traces.map((t) => [t.service, t.servedOn]).sort()).toEqual([[APPS[SECOND].serviceName, undefined], [APPS[FIRST].serviceName, 'express 4.21.2']]);
    const compare = (await get<CompareView>('/api/compare')).body;
    expect(compare.columns.map((c) => [c.app, c.servedOn])).toEqual([[FIRST, 'express 4.21.2'], [SECOND, undefined], [THIRD, undefined]]);
  });

  it('lists under each span the log records made in it, and its details hold them', async () => {
    const tracer = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': APPS[FIRST].serviceName }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: receiver.grpcEndpoint }) })],
    });
    const loggers = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': APPS[FIRST].serviceName }),
      processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: receiver.grpcEndpoint }) })],
    });
    const span = tracer.getTracer('ui-test').startSpan('GET /server_request', { kind: SpanKind.SERVER, startTime: START });
    loggers.getLogger('ui-test').emit({ severityNumber: 9, body: 'server_request', attributes: { param: 'x' }, context: trace.setSpan(ROOT_CONTEXT, span), timestamp: START + 2 });
    span.end(START + 5);
    await Promise.all([tracer.shutdown(), loggers.shutdown()]);
    await receiver.waitForLogs((records) => records.length === 1);
    const { body } = await get<TraceDetail>(`/api/traces/${span.spanContext().traceId}`);
    expect(body.spans[0].logs).toEqual([{ offsetMs: 2, severity: 'INFO', body: 'server_request', attributes: { param: 'x' } }]);
  });

  it('gives each app\'s http.server.request.duration beside the compare view: one series per attribute set, its latest count, sum and buckets', async () => {
    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: receiver.grpcEndpoint }), exportIntervalMillis: 60_000 });
    const meters = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': APPS[SECOND].serviceName }), readers: [reader] });
    const histogram = meters.getMeter('ui-test').createHistogram('http.server.request.duration', { unit: 's', advice: { explicitBucketBoundaries: [0.01, 0.1] } });
    for (const seconds of [0.005, 0.05, 0.5]) histogram.record(seconds, { 'http.route': '/server_request' });
    await meters.shutdown(); // exports what it holds
    await receiver.waitForMetrics((points) => points.length === 1);
    const { body } = await get<CompareView>('/api/compare');
    expect(body.requestMetric).toEqual({
      [FIRST]: [], [THIRD]: [],
      [SECOND]: [{ attributes: { 'http.route': '/server_request' }, count: 3, sum: expect.closeTo(0.555, 6), bucketCounts: [1, 1, 1], explicitBounds: [0.01, 0.1] }],
    });
  });

  it(`says of an app with no trace of /health yet that none has arrived, and only of ${THIRD}, which leaves it untraced, why`, async () => {
    await sendTrace(APPS[SECOND].serviceName, { path: '/health', child: 'request handler' });
    await receiver.waitForSpans((spans) => spans.length === 2);
    const { body } = await get<CompareView>('/api/compare?request=GET%20/health');
    expect(body.columns.map((c) => [c.app, c.note])).toEqual([
      [FIRST, 'No trace of this request from this app has arrived.'], [SECOND, undefined], [THIRD, expect.stringContaining('ignoreIncomingRequestHook')],
    ]);
  });

  it('answers 400 for a bad limit or trace id, 404 for an unknown trace or path, 405 for anything but GET', async () => {
    expect(await get('/api/traces?limit=0')).toMatchObject({ status: 400, body: { error: 'limit=0 is not a number from 1 to 1000' } });
    expect((await get('/api/traces/<script>')).status).toBe(400);
    expect((await get(`/api/traces/${'a'.repeat(32)}`)).status).toBe(404);
    expect((await get('/api/nothing')).status).toBe(404);
    // fetch() would tidy these paths; http.get sends them as written.
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json']) {
      const status = await new Promise((resolve) => http.get({ host: 'localhost', port: ui.port, path }, (r) => resolve(r.resume().statusCode)));
      expect(status, path).toBe(404);
    }
    expect((await fetch(`${ui.url}/api/traces`, { method: 'POST' })).status).toBe(405);
  });
});

describe('the page', () => {
  it.each(['/', `/trace/${'a'.repeat(32)}`, '/compare?request=GET%20/x'])('%s is the one page, under a policy that runs no inline script', async (path) => {
    const response = await fetch(`${ui.url}${path}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<script type="module" src="/app.mjs">');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves its script and style', async () => {
    expect((await fetch(`${ui.url}/app.mjs`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${ui.url}/style.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('tells live pages when spans arrive (server-sent events)', async () => {
    const response = await fetch(`${ui.url}/api/events`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe('retry: 2000\ndata: 0\n\n');
    await sendTrace('svc-a');
    expect((await reader.read()).value).toBe('data: 1\n\n');
    await reader.cancel();
  });
});

describe('starting it', () => {
  it('says which port is taken', async () => {
    await expect(startTraceUi({ receiver, port: ui.port })).rejects.toThrow(`trace UI port ${ui.port} is already in use`);
  });
});

describe('its own URL', () => {
  it.each([['localhost', 'http://localhost:'], ['127.0.0.1', 'http://127.0.0.1:'], ['::1', 'http://[::1]:']])('names the host it was given (%s), an IPv6 one in brackets, and answers there', async (host, prefix) => {
    const own = await startTraceUi({ receiver, port: 0, host });
    try {
      expect(own.url).toBe(`${prefix}${own.port}`);
      expect((await fetch(`${own.url}/api/traces`)).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('the apps these tests stand for', () => {
  it('are, in the catalogue\'s order, one without express spans, one with them, and one that leaves /health untraced', () => {
    expect([APPS[FIRST].spans.expressSpans, APPS[SECOND].spans.expressSpans, '/health' in APPS[THIRD].untracedRoutes]).toEqual([false, true, true]);
  });
});
