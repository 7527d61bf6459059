// The Python original says its manual and automatic scripts "produce the same result". This
// checks it for the three apps here: the same requests to each, the spans that arrive over
// real OTLP/gRPC, normalized and compared span by span.
import { APP_NAMES, type AppExit, type AppName, SERVICE_NAMES, withAllApps } from '@repo/app-process';
import { startReceiver, type ReceivedSpan } from '@repo/otlp-receiver';
import { compareTraces, diffTraces, formatDifferences, normalizeTrace, UNEXPLAINED, type Difference, type NormalizedTrace } from '@repo/trace-diff';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';

const CALLER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';
const SECRET = 's3cr3t-value';

const SCENARIOS = {
  'a plain request': { path: '/server_request?param=plain' },
  'a request with a valid traceparent and tracestate': {
    path: '/server_request?param=continued',
    headers: { traceparent: `00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`, tracestate: 'vendor=opaque' },
  },
  'a request with a malformed traceparent': { path: '/server_request?param=malformed', headers: { traceparent: '00-not-a-trace-id-01' } },
  'a request with sensitive query parameters': { path: `/server_request?param=sensitive&sig=${SECRET}&X-Amz-Signature=${SECRET}` },
  'a handler that throws (GET /error)': { path: '/error?param=error' },
  'an unknown path (404)': { path: '/no/such/path?param=missing' },
  'GET /health': { path: '/health?param=health' },
} satisfies Record<string, { path: string; headers?: Record<string, string> }>;
type Scenario = keyof typeof SCENARIOS;
const SCENARIO_NAMES = Object.keys(SCENARIOS) as Scenario[];
const CONCURRENT = 50;

const responses = {} as Record<Scenario, Record<AppName, number>>;
const traces = {} as Record<Scenario, Record<AppName, ReceivedSpan[]>>;
const concurrent = {} as Record<AppName, { traceparents: string[]; statuses: number[] }>;
let allSpans: ReceivedSpan[] = [];
let exits: Record<AppName, AppExit>;

// Every request first; then the apps stop, which flushes every span they hold. The tests below
// only read what arrived: no waiting, no timing.
beforeAll(async () => {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
  try {
    ({ exits } = await withAllApps({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint } }, async (apps) => {
      for (const scenario of SCENARIO_NAMES) {
        const { path, headers } = SCENARIOS[scenario] as { path: string; headers?: Record<string, string> };
        responses[scenario] = {} as Record<AppName, number>;
        for (const name of APP_NAMES) responses[scenario][name] = (await fetch(`${apps[name].url}${path}`, { headers })).status;
      }
      await Promise.all(APP_NAMES.map(async (name) => {
        const traceparents = Array.from({ length: CONCURRENT }, () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`);
        const statuses = await Promise.all(traceparents.map((traceparent, i) =>
          fetch(`${apps[name].url}/server_request?param=concurrent-${i}`, { headers: { traceparent } }).then((r) => r.status)));
        concurrent[name] = { traceparents, statuses };
      }));
    }));
    allSpans = receiver.spans();
  } finally {
    await receiver.close();
  }
  for (const scenario of SCENARIO_NAMES) {
    traces[scenario] = {} as Record<AppName, ReceivedSpan[]>;
    const param = new URLSearchParams(SCENARIOS[scenario].path.split('?')[1]).get('param')!;
    for (const name of APP_NAMES) traces[scenario][name] = traceOf(name, param);
  }
}, 60_000);

/** All spans of the trace whose SERVER span served `?param=<param>` in that app; [] if none. */
function traceOf(name: AppName, param: string): ReceivedSpan[] {
  const servers = allSpans.filter((s) => s.kind === 'SERVER' && s.resource['service.name'] === SERVICE_NAMES[name] &&
    new URLSearchParams(String(s.attributes['url.query'] ?? '')).get('param') === param);
  expect(servers.length, `${name}: SERVER spans for param=${param}`).toBeLessThanOrEqual(1);
  return servers.length ? allSpans.filter((s) => s.traceId === servers[0].traceId && s.resource['service.name'] === SERVICE_NAMES[name]) : [];
}

/** The SERVER span alone, as the HTTP semantic conventions define it: no resource, scope or events. */
function serverSpanOnly(spans: ReceivedSpan[]): NormalizedTrace {
  return normalizeTrace(spans.filter((s) => s.kind === 'SERVER').map((s) => ({ ...s, resource: {}, scope: { name: '' }, events: [] })));
}

const diff = (scenario: Scenario, left: AppName, right: AppName): Difference[] =>
  diffTraces(normalizeTrace(traces[scenario][left]), normalizeTrace(traces[scenario][right]));
const server = (spans: ReceivedSpan[]) => spans.find((s) => s.kind === 'SERVER')!;
const TRACED = SCENARIO_NAMES.filter((s) => s !== 'GET /health');

describe('every app, every scenario', () => {
  it('answered as the routes say, and exited 0 on SIGTERM after flushing', () => {
    for (const scenario of SCENARIO_NAMES) {
      const status = scenario.includes('/error') ? 500 : scenario.includes('404') ? 404 : 200;
      expect(responses[scenario], scenario).toEqual({ manual: status, automatic: status, programmatic: status });
    }
    expect(Object.fromEntries(APP_NAMES.map((name) => [name, exits[name].code]))).toEqual({ manual: 0, automatic: 0, programmatic: 0 });
  });
});

describe('where the three agree: the SERVER span', () => {
  it.each(TRACED)('%s: one SERVER span, with the same name, kind, status, attributes and parent in all three', (scenario) => {
    for (const name of APP_NAMES) expect(traces[scenario][name].filter((s) => s.kind === 'SERVER'), name).toHaveLength(1);
    for (const other of ['automatic', 'programmatic'] as const) {
      const differences = diffTraces(serverSpanOnly(traces[scenario].manual), serverSpanOnly(traces[scenario][other]));
      expect(differences, `manual vs ${other}:\n${formatDifferences(differences)}`).toEqual([]);
    }
  });

  it('a plain request: a root span named "GET /server_request" with the stable HTTP attributes', () => {
    const span = server(traces['a plain request'].manual);
    expect(span.parentSpanId).toBeUndefined();
    expect(span.name).toBe('GET /server_request');
    expect(Object.keys(span.attributes).sort()).toEqual([
      'client.address', 'http.request.method', 'http.response.status_code', 'http.route', 'network.peer.address',
      'network.peer.port', 'network.protocol.version', 'server.address', 'server.port', 'url.path', 'url.query',
      'url.scheme', 'user_agent.original',
    ]);
  });

  it.each(APP_NAMES)('a valid traceparent: the %s app continues that trace, under that parent, keeping the tracestate', (name) => {
    expect(server(traces['a request with a valid traceparent and tracestate'][name])).toMatchObject({
      traceId: CALLER_TRACE_ID, parentSpanId: CALLER_SPAN_ID, traceState: 'vendor=opaque',
    });
  });

  it.each(APP_NAMES)('a malformed traceparent: the %s app still serves it, as a new root span', (name) => {
    const span = server(traces['a request with a malformed traceparent'][name]);
    expect(span.parentSpanId).toBeUndefined();
    expect(span.traceId).not.toBe(CALLER_TRACE_ID);
  });

  it.each(APP_NAMES)('sensitive query values: the %s app exports them REDACTED, and the secret nowhere', (name) => {
    const spans = traces['a request with sensitive query parameters'][name];
    expect(server(spans).attributes['url.query']).toBe('param=sensitive&sig=REDACTED&X-Amz-Signature=REDACTED');
    expect(JSON.stringify(spans, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(SECRET);
  });

  it.each(APP_NAMES)('a handler that throws: the %s app marks the SERVER span ERROR with error.type "500", and the trace has the exception', (name) => {
    const spans = traces['a handler that throws (GET /error)'][name];
    expect(server(spans)).toMatchObject({ name: 'GET /error', status: { code: 'ERROR' }, attributes: expect.objectContaining({ 'error.type': '500' }) });
    expect(spans.flatMap((s) => s.events)).toEqual([
      expect.objectContaining({ name: 'exception', attributes: expect.objectContaining({ 'exception.message': 'a handler failed' }) }),
    ]);
  });

  it.each(APP_NAMES)('an unknown path: the %s app names the span "GET", without http.route and without error (a 404 is the caller\'s)', (name) => {
    const span = server(traces['an unknown path (404)'][name]);
    expect(span).toMatchObject({ name: 'GET', status: { code: 'UNSET' } });
    expect(span.attributes).not.toHaveProperty('http.route');
    expect(span.attributes).not.toHaveProperty('error.type');
  });

  it.each(APP_NAMES)(`${CONCURRENT} concurrent requests, each with its own traceparent: the %s app makes ${CONCURRENT} traces, no span in a wrong one`, (name) => {
    const { traceparents, statuses } = concurrent[name];
    expect(statuses).toEqual(traceparents.map(() => 200));
    const spansPerTrace = normalizeTrace(traces['a plain request'][name]).spans.length;
    traceparents.forEach((traceparent, i) => {
      const [, traceId, parentId] = traceparent.split('-');
      const spans = allSpans.filter((s) => s.traceId === traceId);
      expect(spans, `request ${i}`).toHaveLength(spansPerTrace);
      expect(server(spans)).toMatchObject({ parentSpanId: parentId, attributes: expect.objectContaining({ 'url.query': `param=concurrent-${i}` }) });
      expect(spans.every((s) => s.resource['service.name'] === SERVICE_NAMES[name])).toBe(true);
    });
  });
});

describe('where they differ, and why', () => {
  it.each(TRACED)('%s: manual vs automatic differ in exactly the ways named below, automatic vs programmatic only in service.name', (scenario) => {
    const express = scenario.includes('404') ? 'INTERNAL middleware - <anonymous>' : 'INTERNAL request handler';
    expect(diff(scenario, 'manual', 'automatic')).toEqual([
      { path: 'resource["service.name"]', left: 'manual-instrument-service', right: 'auto-instrument-service' },
      { path: 'spans[0].scope.name', left: 'otel-three-ways-manual', right: '@opentelemetry/instrumentation-http' },
      { path: 'spans[0].scope.version', left: undefined, right: '0.300.0' },
      ...(scenario.includes('/error') ? [{ path: 'spans[0].events', left: normalizeTrace(traces[scenario].manual).spans[0].events, right: [] }] : []),
      { path: 'spans[0.0]', left: undefined, right: express },
    ]);
    expect(diff(scenario, 'automatic', 'programmatic')).toEqual([
      { path: 'resource["service.name"]', left: 'auto-instrument-service', right: 'programmatic-instrument-service' },
    ]);
  });

  it('service.name: each app names itself, as the original three scripts do; every other resource attribute is the same', () => {
    const [manual, automatic] = [traces['a plain request'].manual, traces['a plain request'].automatic].map((t) => normalizeTrace(t).resource);
    expect({ ...manual, 'service.name': '' }).toEqual({ ...automatic, 'service.name': '' });
  });

  it('instrumentation scope: the manual app names its own tracer; the others report instrumentation-http, which made their SERVER span', () => {
    expect(server(traces['a plain request'].manual).scope).toEqual({ name: 'otel-three-ways-manual' });
    expect(server(traces['a plain request'].automatic).scope).toEqual({ name: '@opentelemetry/instrumentation-http', version: '0.300.0' });
  });

  it('INTERNAL spans: instrumentation-express adds one per Express layer that ran (automatic, programmatic); the manual app adds none', () => {
    const layers = (app: AppName, scenario: Scenario) =>
      traces[scenario][app].filter((s) => s.kind === 'INTERNAL').map((s) => `${s.scope.name}: ${s.name}`);
    expect(layers('manual', 'a plain request')).toEqual([]);
    for (const app of ['automatic', 'programmatic'] as const) {
      expect(layers(app, 'a plain request')).toEqual(['@opentelemetry/instrumentation-express: request handler']);
      expect(layers(app, 'an unknown path (404)')).toEqual(['@opentelemetry/instrumentation-express: middleware - <anonymous>']);
    }
  });

  it('no duplicate router spans in the automatic app: instrumentation-router is left off (OTEL_NODE_ENABLED_INSTRUMENTATIONS=http,express)', () => {
    const scopes = new Set(allSpans.filter((s) => s.resource['service.name'] === SERVICE_NAMES.automatic).map((s) => s.scope.name));
    expect([...scopes].sort()).toEqual(['@opentelemetry/instrumentation-express', '@opentelemetry/instrumentation-http']);
  });

  it('the exception event: the manual app records it on the SERVER span; instrumentation-express on its request handler span, with status ERROR', () => {
    const manual = traces['a handler that throws (GET /error)'].manual;
    expect(server(manual).events.map((e) => e.name)).toEqual(['exception']);
    const handler = traces['a handler that throws (GET /error)'].automatic.find((s) => s.kind === 'INTERNAL')!;
    expect(handler).toMatchObject({ name: 'request handler', status: { code: 'ERROR', message: 'a handler failed' } });
    expect(handler.events.map((e) => e.name)).toEqual(['exception']);
    expect(server(traces['a handler that throws (GET /error)'].automatic).events).toEqual([]);
  });

  it('GET /health: the programmatic app leaves it untraced (ignoreIncomingRequestHook, like the original\'s excluded_urls); the other two trace it', () => {
    expect(traces['GET /health'].programmatic).toEqual([]);
    expect(server(traces['GET /health'].manual).name).toBe('GET /health');
    expect(server(traces['GET /health'].automatic).name).toBe('GET /health');
  });
});

describe('every difference has its one-line reason (npm run compare and the trace UI show it)', () => {
  it.each(SCENARIO_NAMES)('%s: each row of compareTraces is a known difference', (scenario) => {
    const rows = compareTraces(Object.fromEntries(APP_NAMES.map((name) => [name, traces[scenario][name].length ? normalizeTrace(traces[scenario][name]) : undefined])));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.explanation === UNEXPLAINED).map((row) => row.path)).toEqual([]);
  });

  it('a difference that is none of the known ones is said to be unknown', () => {
    const [manual, changed] = [normalizeTrace(traces['a plain request'].manual), normalizeTrace(traces['a plain request'].manual)];
    changed.spans[0].attributes['http.route'] = '/other';
    expect(compareTraces({ manual, changed })).toEqual([{ path: 'spans[0].attributes["http.route"]', values: { manual: '/server_request', changed: '/other' }, explanation: UNEXPLAINED }]);
  });
});

describe('diffTraces catches a difference: one change to a real captured trace, exactly one difference reported', () => {
  const captured = () => structuredClone(traces['a handler that throws (GET /error)'].automatic);
  const changed = (change: (spans: { server: ReceivedSpan; handler: ReceivedSpan; all: ReceivedSpan[] }) => void) => {
    const all = captured();
    change({ server: server(all), handler: all.find((s) => s.kind === 'INTERNAL')!, all });
    return diffTraces(normalizeTrace(captured()), normalizeTrace(all));
  };

  it('nothing changed: no difference', () => {
    expect(changed(() => {})).toEqual([]);
  });

  it('two requests that differ only in ids, times and ports: only url.query differs', () => {
    const [plain, malformed] = [traces['a plain request'].automatic, traces['a request with a malformed traceparent'].automatic];
    expect(diffTraces(normalizeTrace(plain), normalizeTrace(malformed))).toEqual([
      { path: 'spans[0].attributes["url.query"]', left: 'param=plain', right: 'param=malformed' },
    ]);
  });

  it.each([
    ['a span name', ({ handler }) => (handler.name = 'route handler'), { path: 'spans[0.0].name', left: 'request handler', right: 'route handler' }],
    ['an attribute value', ({ server }) => (server.attributes['http.route'] = '/err'), { path: 'spans[0].attributes["http.route"]', left: '/error', right: '/err' }],
    ['a missing attribute', ({ server }) => delete server.attributes['error.type'], { path: 'spans[0].attributes["error.type"]', left: '500', right: undefined }],
    ['a status', ({ server }) => (server.status = { code: 'UNSET' }), { path: 'spans[0].status.code', left: 'ERROR', right: 'UNSET' }],
    ['a parent link', ({ server }) => (server.parentSpanId = CALLER_SPAN_ID), { path: 'spans[0].parent', left: undefined, right: `remote ${CALLER_SPAN_ID}` }],
    ['an extra span', ({ handler, all }) => all.push({ ...handler, spanId: 'ffffffffffffffff', name: 'extra', startTimeUnixNano: handler.endTimeUnixNano }),
      { path: 'spans[0.1]', left: undefined, right: 'INTERNAL extra' }],
  ] satisfies [string, (spans: { server: ReceivedSpan; handler: ReceivedSpan; all: ReceivedSpan[] }) => unknown, Difference][])(
    '%s', (_what, change, difference) => {
      expect(changed(change)).toEqual([difference]);
    },
  );
});
