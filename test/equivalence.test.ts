// The Python original says its manual and automatic scripts "produce the same result". This
// checks it for the three apps here: the same requests to each, the spans that arrive over
// real OTLP/gRPC, normalized and compared span by span.
import { APP_NAMES, type AppName, APPS, MODULE_FORMATS, type ModuleFormat } from '@repo/app-catalogue';
import { type AppExit, withAllApps } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
import type { ReceivedSpan } from '@repo/trace-model';
import { compareTraces, describeLocation, diffTraces, formatDifferences, normalizeTrace, UNEXPLAINED, type Difference, type NormalizedTrace } from '@repo/trace-diff';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { startAppForTest } from './app-fixture.ts';
import { runClient } from './client-process.ts';
import { rawRequest, sendRaw } from './raw-request.ts';

const CALLER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';
const SECRET = 's3cr3t-value';

interface Request {
  /** Request target; `?param=` names the request in the app's log. */
  path: string;
  method?: string;
  /** `HTTP/1.1` unless said. */
  version?: string;
  /** The Host header: `localhost:<the app's port>` unless said; null: none. */
  host?: string | null;
  headers?: string[];
  /** The request sent first on the same connection, which then carries this one (keep-alive). */
  after?: string;
  /** The client closes the connection right after sending. */
  abort?: boolean;
  /** The answer expected; 200 unless said. */
  status?: number;
}
const FORWARDED = 'Forwarded: for=198.51.100.9;proto=https;host=api.example.com';
const X_FORWARDED = ['X-Forwarded-For: 203.0.113.7, 10.0.0.1', 'X-Forwarded-Host: shop.example.com:8443'];

const SCENARIOS = {
  'a plain request': { path: '/server_request?param=plain' },
  'a request with a valid traceparent and tracestate': {
    path: '/server_request?param=continued',
    headers: [`traceparent: 00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`, 'tracestate: vendor=opaque'],
  },
  'a request with a malformed traceparent': { path: '/server_request?param=malformed', headers: ['traceparent: 00-not-a-trace-id-01'] },
  'a request with sensitive query parameters': { path: `/server_request?param=sensitive&sig=${SECRET}&X-Amz-Signature=${SECRET}` },
  'a handler that throws (GET /error)': { path: '/error?param=error', status: 500 },
  'an unknown path (404)': { path: '/no/such/path?param=missing', status: 404 },
  'GET /health': { path: '/health?param=health' },
  // Behind a reverse proxy or load balancer: RFC 7239 Forwarded, and the older X-Forwarded-*.
  'behind a proxy: Forwarded with for, proto and host': { path: '/server_request?param=forwarded', headers: [FORWARDED] },
  'behind a proxy: X-Forwarded-For (two hops) and X-Forwarded-Host with a port': { path: '/server_request?param=x-forwarded', headers: X_FORWARDED },
  'behind a proxy: X-Forwarded-Host without a port, and X-Forwarded-Proto': {
    path: '/server_request?param=x-forwarded-proto', headers: ['X-Forwarded-Host: shop.example.com', 'X-Forwarded-Proto: https'],
  },
  'behind a proxy: Forwarded and X-Forwarded-* together': { path: '/server_request?param=both', headers: [FORWARDED, ...X_FORWARDED] },
  'behind two proxies: Forwarded with two hops, the host in the second': {
    path: '/server_request?param=two-hops', headers: ['Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711";host=b.example.com'],
  },
  'behind a proxy: an IPv6 client with a port, and an obfuscated one': {
    path: '/server_request?param=ipv6', headers: ['Forwarded: for="[2001:db8:cafe::17]:4711", for=unknown'],
  },
  'behind a proxy: a malformed Forwarded header beside X-Forwarded-*': {
    path: '/server_request?param=malformed-forwarded', headers: ['Forwarded: for=198.51.100.9;;host=api.example.com', ...X_FORWARDED],
  },
  'behind a proxy: X-Forwarded-Host with several hops': { path: '/server_request?param=x-forwarded-hops', headers: ['X-Forwarded-Host: a.example.com, b.example.com'] },
  // What real clients send besides a plain GET.
  'HTTP/1.0 without a Host header': { path: '/server_request?param=http10', version: 'HTTP/1.0', host: null },
  'a Host header without a port': { path: '/server_request?param=host-no-port', host: 'example.com' },
  'an IPv6 Host header': { path: '/server_request?param=host-ipv6', host: '[::1]:8080' },
  'a Host header in capitals': { path: '/server_request?param=host-caps', host: 'EXAMPLE.com:8080' },
  'a malformed Host header': { path: '/server_request?param=host-malformed', host: '[::1' },
  'HEAD /server_request': { path: '/server_request?param=head', method: 'HEAD' },
  'POST /server_request (no such route)': { path: '/server_request?param=post', method: 'POST', headers: ['Content-Length: 0'], status: 404 },
  'OPTIONS /server_request (no such route)': { path: '/server_request?param=options', method: 'OPTIONS', status: 404 },
  'an unknown method (PURGE)': { path: '/server_request?param=purge', method: 'PURGE', status: 404 },
  'the second request on a kept-alive connection': { path: '/server_request?param=kept-alive', after: '/server_request?param=first-on-connection' },
  'a client that goes away right after sending': { path: '/server_request?param=gone', abort: true, status: 0 },
} satisfies Record<string, Request>;
type Scenario = keyof typeof SCENARIOS;
const SCENARIO_NAMES = Object.keys(SCENARIOS) as Scenario[];
const CONCURRENT = 50;

/** What one build of the three apps answered and exported, every scenario's trace picked out. */
interface Capture {
  responses: Record<Scenario, Record<AppName, number>>;
  traces: Record<Scenario, Record<AppName, ReceivedSpan[]>>;
  concurrent: Record<AppName, { traceparents: string[]; statuses: number[] }>;
  allSpans: ReceivedSpan[];
  exits: Record<AppName, AppExit>;
  ports: Record<AppName, number>;
  clientTraceIds: Record<AppName, string>;
}
const captures = {} as Record<ModuleFormat, Capture>;
// The CommonJS build's, which most tests read; the ES module build's is held against it below.
let responses: Capture['responses'];
let traces: Capture['traces'];
let concurrent: Capture['concurrent'];
let allSpans: ReceivedSpan[];
let exits: Capture['exits'];
let ports: Capture['ports'];
let clientTraceIds: Capture['clientTraceIds'];

// Each scenario's request names itself in its User-Agent, which every SERVER span records: the
// trace is found by it even where the URL is not (a malformed Host leaves out url.query).
const userAgent = (scenario: Scenario) => `equivalence-test/${SCENARIO_NAMES.indexOf(scenario)}`;

/** Sends the scenario's request as written, byte for byte; returns the status of its answer. */
function send(port: number, scenario: Scenario): Promise<number> {
  const request: Request = SCENARIOS[scenario];
  const text = (target: string, last: boolean) => rawRequest(`${request.method ?? 'GET'} ${target} ${request.version ?? 'HTTP/1.1'}`, [
    ...(request.host === null ? [] : [`Host: ${request.host ?? `localhost:${port}`}`]),
    `User-Agent: ${last ? userAgent(scenario) : 'equivalence-test/first'}`,
    ...(last ? request.headers ?? [] : []),
    `Connection: ${last ? 'close' : 'keep-alive'}`,
  ]);
  return sendRaw(port, `${request.after ? text(request.after, false) : ''}${text(request.path, true)}`, { abort: request.abort });
}

// Every request first; then the apps stop, which flushes every span they hold. The tests below
// only read what arrived: no waiting, no timing. Both builds run at once, each of the six
// processes as a user starts it, each build with its own receiver so that their spans stay apart.
beforeAll(async () => {
  [captures.cjs, captures.esm] = await Promise.all(MODULE_FORMATS.map(capture));
  ({ responses, traces, concurrent, allSpans, exits, ports, clientTraceIds } = captures.cjs);
}, 90_000);

async function capture(format: ModuleFormat): Promise<Capture> {
  const result = { responses: {}, traces: {}, concurrent: {}, ports: {}, clientTraceIds: {} } as Capture;
  const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
  try {
    ({ exits: result.exits } = await withAllApps({ format, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint } }, async (apps) => {
      for (const name of APP_NAMES) result.ports[name] = apps[name].port;
      for (const scenario of SCENARIO_NAMES) {
        result.responses[scenario] = {} as Record<AppName, number>;
        for (const name of APP_NAMES) result.responses[scenario][name] = await send(apps[name].port, scenario);
      }
      // The original's client.py, here `npm run client -- <param> --app <name>`, once per app.
      for (const name of APP_NAMES) {
        const run = await runClient(['client-driven', '--app', name, '--port', String(apps[name].port)], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint });
        expect(run.code, run.output).toBe(0);
        result.clientTraceIds[name] = /· trace ([0-9a-f]{32})/.exec(run.output)![1];
      }
      await Promise.all(APP_NAMES.map(async (name) => {
        const traceparents = Array.from({ length: CONCURRENT }, () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`);
        const statuses = await Promise.all(traceparents.map((traceparent, i) =>
          fetch(`${apps[name].url}/server_request?param=concurrent-${i}`, { headers: { traceparent } }).then((r) => r.status)));
        result.concurrent[name] = { traceparents, statuses };
      }));
    }));
    result.allSpans = receiver.spans();
  } finally {
    await receiver.close();
  }
  for (const scenario of SCENARIO_NAMES) {
    result.traces[scenario] = {} as Record<AppName, ReceivedSpan[]>;
    for (const name of APP_NAMES) result.traces[scenario][name] = traceOf(result.allSpans, name, scenario);
  }
  return result;
}

/** All spans of the trace whose SERVER span served the scenario's request in that app; [] if none. */
function traceOf(spans: ReceivedSpan[], name: AppName, scenario: Scenario): ReceivedSpan[] {
  const servers = spans.filter((s) => s.kind === 'SERVER' && s.resource['service.name'] === APPS[name].serviceName &&
    s.attributes['user_agent.original'] === userAgent(scenario));
  expect(servers.length, `${name}: SERVER spans for ${scenario}`).toBeLessThanOrEqual(1);
  return servers.length ? spans.filter((s) => s.traceId === servers[0].traceId && s.resource['service.name'] === APPS[name].serviceName) : [];
}

/** The SERVER span alone, as the HTTP semantic conventions define it: no resource, scope or events. */
function serverSpanOnly(spans: ReceivedSpan[]): NormalizedTrace {
  return normalizeTrace(spans.filter((s) => s.kind === 'SERVER').map((s) => ({ ...s, resource: {}, scope: { name: '' }, events: [] })));
}

/** Differences as people read them: where (describeLocation), and each side's value. */
const described = (differences: Difference[]) => differences.map(({ location, left, right }) => ({ where: describeLocation(location), left, right }));
const diff = (scenario: Scenario, left: AppName, right: AppName) =>
  described(diffTraces(normalizeTrace(traces[scenario][left]), normalizeTrace(traces[scenario][right])));
const server = (spans: ReceivedSpan[]) => spans.find((s) => s.kind === 'SERVER')!;
const TRACED = SCENARIO_NAMES.filter((s) => s !== 'GET /health');

describe('every app, every scenario', () => {
  it('answered as the routes say, and exited 0 on SIGTERM after flushing', () => {
    for (const scenario of SCENARIO_NAMES) {
      const status = (SCENARIOS[scenario] as Request).status ?? 200;
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

  // What instrumentation-http reports, and the manual app reads the same way (the test above holds
  // them equal): `peer` stands for the socket's address, `host` for the app's own port.
  it.each([
    ['behind a proxy: Forwarded with for, proto and host', '198.51.100.9', 'api.example.com', 443],
    ['behind a proxy: X-Forwarded-For (two hops) and X-Forwarded-Host with a port', '203.0.113.7', 'shop.example.com', 8443],
    ['behind a proxy: X-Forwarded-Host without a port, and X-Forwarded-Proto', 'peer', 'shop.example.com', 443],
    ['behind a proxy: Forwarded and X-Forwarded-* together', '198.51.100.9', 'api.example.com', 443],
    ['behind two proxies: Forwarded with two hops, the host in the second', '192.0.2.60', 'b.example.com', undefined],
    ['behind a proxy: an IPv6 client with a port, and an obfuscated one', '2001:db8:cafe::17', 'localhost', 'host'],
    ['behind a proxy: a malformed Forwarded header beside X-Forwarded-*', '203.0.113.7', 'shop.example.com', 8443],
    ['behind a proxy: X-Forwarded-Host with several hops', 'peer', 'a.example.com, b.example.com', undefined],
    ['HTTP/1.0 without a Host header', 'peer', undefined, undefined],
    ['a Host header without a port', 'peer', 'example.com', 80],
    ['an IPv6 Host header', 'peer', '[::1]', 8080],
    ['a Host header in capitals', 'peer', 'EXAMPLE.com', 8080],
    ['a malformed Host header', 'peer', '[::1', undefined],
  ] satisfies [Scenario, string, string | undefined, number | 'host' | undefined][])('%s: client.address %s, server.address %s, server.port %s, in all three', (scenario, client, address, port) => {
    for (const name of APP_NAMES) {
      const { attributes } = server(traces[scenario][name]);
      expect({ client: attributes['client.address'], address: attributes['server.address'], port: attributes['server.port'] }, name).toEqual({
        client: client === 'peer' ? attributes['network.peer.address'] : client,
        address,
        port: port === 'host' ? ports[name] : port,
      });
    }
  });

  it.each(APP_NAMES)('behind a proxy that says the client used https: the %s app still reports url.scheme "http", as instrumentation-http does (the semantic conventions would take the forwarded proto)', (name) => {
    for (const scenario of ['behind a proxy: Forwarded with for, proto and host', 'behind a proxy: X-Forwarded-Host without a port, and X-Forwarded-Proto'] as const) {
      expect(server(traces[scenario][name]).attributes['url.scheme'], scenario).toBe('http');
    }
  });

  it.each(APP_NAMES)('a Forwarded host without a proto in its own entry: the %s app reports no server.port, as instrumentation-http does (it takes no default port there)', (name) => {
    expect(server(traces['behind two proxies: Forwarded with two hops, the host in the second'][name]).attributes).not.toHaveProperty('server.port');
  });

  it.each(APP_NAMES)('a malformed Host header: the %s app reports no url.path and no url.query, as instrumentation-http does (it cannot build the URL)', (name) => {
    const { attributes } = server(traces['a malformed Host header'][name]);
    expect([attributes['url.path'], attributes['url.query']]).toEqual([undefined, undefined]);
  });

  it.each(APP_NAMES)('odd methods: the %s app names HEAD by its route, keeps POST and OPTIONS on a GET route as "POST"/"OPTIONS", and reports PURGE as _OTHER', (name) => {
    const span = (scenario: Scenario) => server(traces[scenario][name]);
    expect(span('HEAD /server_request')).toMatchObject({ name: 'HEAD /server_request', attributes: expect.objectContaining({ 'http.request.method': 'HEAD', 'http.route': '/server_request' }) });
    expect(span('POST /server_request (no such route)').name).toBe('POST');
    expect(span('OPTIONS /server_request (no such route)').name).toBe('OPTIONS');
    expect(span('an unknown method (PURGE)')).toMatchObject({
      name: 'PURGE', attributes: expect.objectContaining({ 'http.request.method': '_OTHER', 'http.request.method_original': 'PURGE' }),
    });
  });

  it.each(APP_NAMES)('HTTP/1.0, keep-alive, and a client gone before the answer: the %s app records the protocol, one span per request, and the status it set', (name) => {
    expect(server(traces['HTTP/1.0 without a Host header'][name]).attributes['network.protocol.version']).toBe('1.0');
    const second = server(traces['the second request on a kept-alive connection'][name]);
    const first = allSpans.find((s) => s.resource['service.name'] === APPS[name].serviceName && s.attributes['user_agent.original'] === 'equivalence-test/first')!;
    expect(first.attributes['url.query']).toBe('param=first-on-connection');
    expect(second.traceId).not.toBe(first.traceId);
    expect(second.attributes['network.peer.port'], 'the same connection').toBe(first.attributes['network.peer.port']);
    expect(server(traces['a client that goes away right after sending'][name]).attributes['http.response.status_code']).toBe(200);
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
      expect(spans.every((s) => s.resource['service.name'] === APPS[name].serviceName)).toBe(true);
    });
  });
});

describe('where they differ, and why', () => {
  it.each(TRACED)('%s: manual vs automatic differ in exactly the ways named below, automatic vs programmatic only in service.name', (scenario) => {
    const express = (SCENARIOS[scenario] as Request).status === 404 ? 'INTERNAL middleware - <anonymous>' : 'INTERNAL request handler';
    expect(diff(scenario, 'manual', 'automatic')).toEqual([
      { where: 'resource["service.name"]', left: 'manual-instrument-service', right: 'auto-instrument-service' },
      { where: 'spans[0].scope.name', left: 'otel-three-ways-manual', right: '@opentelemetry/instrumentation-http' },
      { where: 'spans[0].scope.version', left: undefined, right: '0.300.0' },
      ...(scenario.includes('/error') ? [{ where: 'spans[0].events', left: normalizeTrace(traces[scenario].manual).spans[0].events, right: [] }] : []),
      { where: 'spans[0.0]', left: undefined, right: express },
    ]);
    expect(diff(scenario, 'automatic', 'programmatic')).toEqual([
      { where: 'resource["service.name"]', left: 'auto-instrument-service', right: 'programmatic-instrument-service' },
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
    const scopes = new Set(allSpans.filter((s) => s.resource['service.name'] === APPS.automatic.serviceName).map((s) => s.scope.name));
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

describe('driven by the real client (npm run client), as in the original: one trace across two services', () => {
  const clientTrace = (name: AppName) => allSpans.filter((s) => s.traceId === clientTraceIds[name]);
  const byName = (spans: ReceivedSpan[], spanName: string) => spans.find((s) => s.name === spanName)!;

  it.each(APP_NAMES)("the %s app's SERVER span continues the client's trace, under its CLIENT span client-server", (name) => {
    const spans = clientTrace(name);
    const [client, sender] = [byName(spans, 'client'), byName(spans, 'client-server')];
    expect(client).toMatchObject({ kind: 'INTERNAL', resource: expect.objectContaining({ 'service.name': 'client' }) });
    expect(client.parentSpanId).toBeUndefined();
    expect(sender).toMatchObject({ kind: 'CLIENT', parentSpanId: client.spanId });
    expect(server(spans)).toMatchObject({ parentSpanId: sender.spanId, resource: expect.objectContaining({ 'service.name': APPS[name].serviceName }) });
  });

  it('the client side is the same for the three apps but for the port it called: client, then client-server with the HTTP client attributes', () => {
    const clientSide = (name: AppName) => normalizeTrace(clientTrace(name).filter((s) => s.resource['service.name'] === 'client'));
    expect(clientSide('manual').spans.map((s) => [s.position, s.kind, s.name])).toEqual([['0', 'INTERNAL', 'client'], ['0.0', 'CLIENT', 'client-server']]);
    expect(clientSide('manual').spans[1].attributes).toEqual({
      'http.request.method': 'GET', 'http.response.status_code': 200, 'server.address': 'localhost', 'server.port': '<port>',
      'url.full': 'http://localhost:<port>/server_request?param=client-driven',
    });
    expect(diffTraces(clientSide('manual'), clientSide('automatic'))).toEqual([]);
    expect(diffTraces(clientSide('automatic'), clientSide('programmatic'))).toEqual([]);
    const sender = (name: AppName) => byName(clientTrace(name), 'client-server').attributes['url.full'];
    expect(new Set(APP_NAMES.map(sender)).size, 'before normalizing, each URL has its own port').toBe(3);
  });

  it('the whole traces differ in the known ways only, one level down: the service, the scope and the express span under the client', () => {
    const rows = compareTraces(Object.fromEntries(APP_NAMES.map((name) => [name, normalizeTrace(clientTrace(name))])));
    expect(rows.map((row) => [row.where, row.explanation === UNEXPLAINED ? 'unexplained' : 'explained'])).toEqual([
      ['spans[0.0.0].scope.name', 'explained'],
      ['spans[0.0.0].scope.version', 'explained'],
      ['spans[0.0.0].resource["service.name"]', 'explained'],
      ['spans[0.0.0.0]', 'explained'],
    ]);
  });
});

describe('ES modules: each approach built as ESM, started with its loader hook where it needs one, produces what its CommonJS build produces', () => {
  const normalized = (format: ModuleFormat, scenario: Scenario, name: AppName) => normalizeTrace(captures[format].traces[scenario][name]);

  it('every app answered every scenario as its CommonJS build did, and exited 0 on SIGTERM', () => {
    expect(captures.esm.responses).toEqual(captures.cjs.responses);
    expect(Object.fromEntries(APP_NAMES.map((name) => [name, captures.esm.exits[name].code]))).toEqual({ manual: 0, automatic: 0, programmatic: 0 });
  });

  it.each(SCENARIO_NAMES)('%s: in each app, the ESM trace equals the CommonJS trace after normalizeTrace', (scenario) => {
    for (const name of APP_NAMES) {
      const differences = diffTraces(normalized('cjs', scenario, name), normalized('esm', scenario, name));
      expect(differences, `${name}, CommonJS vs ESM:\n${formatDifferences(differences)}`).toEqual([]);
    }
  });

  it.each(SCENARIO_NAMES)('%s: the three approaches differ under ESM exactly as under CommonJS', (scenario) => {
    for (const [left, right] of [['manual', 'automatic'], ['automatic', 'programmatic'], ['manual', 'programmatic']] as const) {
      const differences = (format: ModuleFormat) => diffTraces(normalized(format, scenario, left), normalized(format, scenario, right));
      expect(differences('esm'), `${left} vs ${right}`).toEqual(differences('cjs'));
    }
  });

  it.each(APP_NAMES)('driven by the client, and 50 concurrent requests: the %s app under ESM as under CommonJS', (name) => {
    const clientTrace = (format: ModuleFormat) => normalizeTrace(captures[format].allSpans.filter((s) => s.traceId === captures[format].clientTraceIds[name]));
    expect(diffTraces(clientTrace('cjs'), clientTrace('esm'))).toEqual([]);
    const { traceparents, statuses } = captures.esm.concurrent[name];
    expect(statuses).toEqual(traceparents.map(() => 200));
    for (const traceparent of traceparents) {
      const spans = captures.esm.allSpans.filter((s) => s.traceId === traceparent.split('-')[1]);
      expect(spans.length).toBe(normalized('esm', 'a plain request', name).spans.length);
      expect(server(spans).parentSpanId).toBe(traceparent.split('-')[2]);
    }
  });
});

describe('ES modules without the loader hook: what the automatic app loses (a negative control)', () => {
  // `npm run start:esm:without-loader-hook`: the register entry point alone, as its README's ESM
  // line suggests. This fails the day the entry point registers the hook itself.
  it('no express span, no http.route, and the SERVER span named just "GET"; every other attribute as with the hook', async () => {
    const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
    try {
      const app = await startAppForTest('automatic', { format: 'esm', variant: 'without-loader-hook', env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint } });
      try {
        expect(await send(app.port, 'a plain request')).toBe(200);
      } finally {
        expect((await app.stop('SIGTERM')).code).toBe(0);
      }
      const withoutHook = traceOf(receiver.spans(), 'automatic', 'a plain request');
      expect(described(diffTraces(normalized('a plain request'), normalizeTrace(withoutHook)))).toEqual([
        { where: 'spans[0].name', left: 'GET /server_request', right: 'GET' },
        { where: 'spans[0].attributes["http.route"]', left: '/server_request', right: undefined },
        { where: 'spans[0.0]', left: 'INTERNAL request handler', right: undefined },
      ]);
    } finally {
      await receiver.close();
    }
  });

  const normalized = (scenario: Scenario) => normalizeTrace(captures.esm.traces[scenario].automatic);
});

describe('every difference has its one-line reason (npm run compare and the trace UI show it)', () => {
  it.each(SCENARIO_NAMES)('%s: each row of compareTraces is a known difference', (scenario) => {
    const rows = compareTraces(Object.fromEntries(APP_NAMES.map((name) => [name, traces[scenario][name].length ? normalizeTrace(traces[scenario][name]) : undefined])));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.explanation === UNEXPLAINED).map((row) => row.where)).toEqual([]);
  });

  it('a difference that is none of the known ones is said to be unknown', () => {
    const [manual, changed] = [normalizeTrace(traces['a plain request'].manual), normalizeTrace(traces['a plain request'].manual)];
    changed.spans[0].attributes['http.route'] = '/other';
    expect(compareTraces({ manual, changed })).toEqual([{
      location: { position: '0', field: 'attributes', keys: ['http.route'] }, where: 'spans[0].attributes["http.route"]',
      values: { manual: '/server_request', changed: '/other' }, explanation: UNEXPLAINED,
    }]);
  });
});

describe('diffTraces catches a difference: one change to a real captured trace, exactly one difference reported', () => {
  const captured = () => structuredClone(traces['a handler that throws (GET /error)'].automatic);
  const changed = (change: (spans: { server: ReceivedSpan; handler: ReceivedSpan; all: ReceivedSpan[] }) => void) => {
    const all = captured();
    change({ server: server(all), handler: all.find((s) => s.kind === 'INTERNAL')!, all });
    return described(diffTraces(normalizeTrace(captured()), normalizeTrace(all)));
  };

  it('nothing changed: no difference', () => {
    expect(changed(() => {})).toEqual([]);
  });

  it('two requests that differ only in ids, times and ports: only url.query and the user agent differ', () => {
    const [plain, malformed] = [traces['a plain request'].automatic, traces['a request with a malformed traceparent'].automatic];
    expect(described(diffTraces(normalizeTrace(plain), normalizeTrace(malformed)))).toEqual([
      { where: 'spans[0].attributes["url.query"]', left: 'param=plain', right: 'param=malformed' },
      { where: 'spans[0].attributes["user_agent.original"]', left: userAgent('a plain request'), right: userAgent('a request with a malformed traceparent') },
    ]);
  });

  it.each([
    ['a span name', ({ handler }) => (handler.name = 'route handler'), { where: 'spans[0.0].name', left: 'request handler', right: 'route handler' }],
    ['an attribute value', ({ server }) => (server.attributes['http.route'] = '/err'), { where: 'spans[0].attributes["http.route"]', left: '/error', right: '/err' }],
    ['a missing attribute', ({ server }) => delete server.attributes['error.type'], { where: 'spans[0].attributes["error.type"]', left: '500', right: undefined }],
    ['a status', ({ server }) => (server.status = { code: 'UNSET' }), { where: 'spans[0].status.code', left: 'ERROR', right: 'UNSET' }],
    ['a parent link', ({ server }) => (server.parentSpanId = CALLER_SPAN_ID), { where: 'spans[0].parent', left: undefined, right: `remote ${CALLER_SPAN_ID}` }],
    ['an extra span', ({ handler, all }) => all.push({ ...handler, spanId: 'ffffffffffffffff', name: 'extra', startTimeUnixNano: handler.endTimeUnixNano }),
      { where: 'spans[0.1]', left: undefined, right: 'INTERNAL extra' }],
  ] satisfies [string, (spans: { server: ReceivedSpan; handler: ReceivedSpan; all: ReceivedSpan[] }) => unknown, ReturnType<typeof described>[number]][])(
    '%s', (_what, change, difference) => {
      expect(changed(change)).toEqual([difference]);
    },
  );
});
