// The Python original's page says its manual and automatic servers "should produce the same
// results" (run here, its manual one names its span differently and has no route or status). This
// checks it for the three apps here: the same requests to each (test/equivalence-scenarios.ts),
// the spans that arrive over real OTLP/gRPC, normalized and compared span by span.
import {
  APP_NAMES, type AppName, APPS, appsTracing, BY_HAND, explainDifference, type ExpressMajor, knownDifference, type ModuleFormat, startScript, UNEXPLAINED,
  WITH_INSTRUMENTATION_HTTP,
} from '@repo/app-catalogue';
import { type AppExit, repoRoot, withAllApps } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
import { compareTraces, describeLocation, diffTraces, formatDifferences, normalizeTrace, type Difference, type NormalizedTrace } from '@repo/trace-diff';
import { serviceOf, type ReceivedSpan } from '@repo/trace-model';
import { compareRequest } from '@repo/trace-ui';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startAppForTest } from './app-fixture.ts';
import { runClient } from './client-process.ts';
import {
  APPROACHES, CALLER_SPAN_ID, CALLER_TRACE_ID, scenario, SCENARIO_NAMES, type ScenarioName, SECRET, urlPathOf,
} from './equivalence-scenarios.ts';
import { rawRequest, sendRaw } from './http-requests.ts';

const CONCURRENT = 50;
// Each app built three ways, all started at once as users start them: its CommonJS and its ES
// module build on Express 5, and its CommonJS build on Express 4 (npm run start:express4).
const BUILDS = {
  cjs: { format: 'cjs', express: 5 },
  esm: { format: 'esm', express: 5 },
  express4: { format: 'cjs', express: 4 },
} as const satisfies Record<string, { format: ModuleFormat; express: ExpressMajor }>;
type BuildName = keyof typeof BUILDS;
const BUILD_NAMES = Object.keys(BUILDS) as BuildName[];
const packageScripts = (app: AppName): Record<string, string> =>
  JSON.parse(readFileSync(path.join(repoRoot, APPS[app].directory, 'package.json'), 'utf8')).scripts;

/** What one build of the three apps answered and exported, every scenario's trace picked out. */
interface Capture {
  responses: Record<ScenarioName, Record<AppName, number>>;
  traces: Record<ScenarioName, Record<AppName, ReceivedSpan[]>>;
  concurrent: Record<AppName, { traceparents: string[]; statuses: number[] }>;
  allSpans: ReceivedSpan[];
  exits: Record<AppName, AppExit>;
  ports: Record<AppName, number>;
  clientTraceIds: Record<AppName, string>;
  /** The trace of each app's request sent as SENT_DIFFERENTLY says: through the client, or by hand. */
  sentDifferently: Record<AppName, string>;
  /** The Express each app said it runs, in its "listening on" line. */
  expressVersions: Record<AppName, string | undefined>;
}
// The same request as people send it to the demo's apps: the first app through the demo's client
// (Host localhost, param=client-driven), the others by hand with another Host, user agent, query
// or HTTP version, as a curl to 127.0.0.1 or an old client sends it.
const SENT_DIFFERENTLY = [
  { host: '127.0.0.1', userAgent: 'curl/8.5.0', version: 'HTTP/1.1', param: 'by-curl' },
  { host: '127.0.0.1', userAgent: undefined, version: 'HTTP/1.0', param: 'by-an-old-client' },
];
// Filled once by beforeAll; the tests only read it.
const captured: Partial<Record<BuildName, Capture>> = {};
const capture = (build: BuildName = 'cjs'): Capture => captured[build] ?? expect.fail(`no ${build} capture: beforeAll failed`);
const traceOf = (name: ScenarioName, app: AppName, build: BuildName = 'cjs') => capture(build).traces[name][app];

// Each scenario's request names itself in its User-Agent, which every SERVER span records: the
// trace is found by it even where the URL is not (a malformed Host leaves out url.query).
const userAgent = (name: ScenarioName) => `equivalence-test/${SCENARIO_NAMES.indexOf(name)}`;

/** Sends the scenario's request as written, byte for byte; returns the status of its answer. */
function send(port: number, name: ScenarioName): Promise<number> {
  const request = scenario(name);
  const text = (target: string, last: boolean) => rawRequest(`${request.method ?? 'GET'} ${target} ${request.version ?? 'HTTP/1.1'}`, [
    ...(request.host === null ? [] : [`Host: ${request.host ?? `localhost:${port}`}`]),
    `User-Agent: ${last ? userAgent(name) : 'equivalence-test/first'}`,
    ...(last ? request.headers ?? [] : []),
    `Connection: ${last ? 'close' : 'keep-alive'}`,
  ]);
  return sendRaw(port, `${request.after ? text(request.after, false) : ''}${text(request.path, true)}`, { abort: request.abort });
}

// Every request first; then the apps stop, which flushes every span they hold. The tests below
// only read what arrived: no waiting, no timing. The three builds run at once, each of the nine
// processes as a user starts it, each build with its own receiver so that their spans stay apart.
beforeAll(async () => {
  // Settled, all: a build that fails to start leaves the others to finish and stop their apps.
  const builds = await Promise.allSettled(BUILD_NAMES.map((build) => captureBuild(BUILDS[build])));
  builds.forEach((build, i) => {
    if (build.status === 'rejected') throw build.reason;
    captured[BUILD_NAMES[i]] = build.value;
  });
}, 120_000);

async function captureBuild({ format, express }: { format: ModuleFormat; express: ExpressMajor }): Promise<Capture> {
  const result = { responses: {}, traces: {}, concurrent: {}, ports: {}, clientTraceIds: {}, sentDifferently: {}, expressVersions: {} } as Capture;
  const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
  try {
    ({ exits: result.exits } = await withAllApps({ format, express, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint } }, async (apps) => {
      for (const app of APP_NAMES) [result.ports[app], result.expressVersions[app]] = [apps[app].port, apps[app].expressVersion];
      for (const name of SCENARIO_NAMES) {
        result.responses[name] = {} as Record<AppName, number>;
        for (const app of APP_NAMES) result.responses[name][app] = await send(apps[app].port, name);
      }
      // The original's client.py, here `npm run client -- <param> --app <name>`, once per app.
      for (const app of APP_NAMES) {
        const run = await runClient(['client-driven', '--app', app, '--port', String(apps[app].port)], { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint });
        expect(run.code, run.output).toBe(0);
        result.clientTraceIds[app] = /· trace ([0-9a-f]{32})/.exec(run.output)![1];
      }
      for (const [i, { host, userAgent, version, param }] of SENT_DIFFERENTLY.entries()) {
        const port = apps[APP_NAMES[i + 1]].port;
        const headers = [`Host: ${host}:${port}`, ...(userAgent ? [`User-Agent: ${userAgent}`] : []), 'Connection: close'];
        expect(await sendRaw(port, rawRequest(`GET /server_request?param=${param} ${version}`, headers))).toBe(200);
      }
      await Promise.all(APP_NAMES.map(async (app) => {
        const traceparents = Array.from({ length: CONCURRENT }, () => `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`);
        const statuses = await Promise.all(traceparents.map((traceparent, i) =>
          fetch(`${apps[app].url}/server_request?param=concurrent-${i}`, { headers: { traceparent } }).then((r) => r.status)));
        result.concurrent[app] = { traceparents, statuses };
      }));
    }));
    result.allSpans = receiver.spans();
  } finally {
    await receiver.close();
  }
  result.sentDifferently[FIRST] = result.clientTraceIds[FIRST];
  for (const [i, { param }] of SENT_DIFFERENTLY.entries()) {
    const app = APP_NAMES[i + 1];
    result.sentDifferently[app] = result.allSpans.find((s) => s.kind === 'SERVER' && serviceOf(s) === APPS[app].serviceName && s.attributes['url.query'] === `param=${param}`)!.traceId;
  }
  for (const name of SCENARIO_NAMES) {
    result.traces[name] = {} as Record<AppName, ReceivedSpan[]>;
    for (const app of APP_NAMES) result.traces[name][app] = findTrace(result.allSpans, app, name);
  }
  return result;
}

/** All spans of the trace whose SERVER span served the scenario's request in that app; [] if none. */
function findTrace(spans: ReceivedSpan[], app: AppName, name: ScenarioName): ReceivedSpan[] {
  const own = (span: ReceivedSpan) => serviceOf(span) === APPS[app].serviceName;
  const servers = spans.filter((s) => s.kind === 'SERVER' && own(s) && s.attributes['user_agent.original'] === userAgent(name));
  expect(servers.length, `${app}: SERVER spans for ${name}`).toBeLessThanOrEqual(1);
  return servers.length ? spans.filter((s) => s.traceId === servers[0].traceId && own(s)) : [];
}

/** The SERVER span alone, as the HTTP semantic conventions define it: no resource, scope or events. */
function serverSpanOnly(spans: ReceivedSpan[]): NormalizedTrace {
  return normalizeTrace(spans.filter((s) => s.kind === 'SERVER').map((s) => ({ ...s, resource: {}, scope: { name: '' }, events: [] })));
}

/** Differences as people read them: where (describeLocation), and each side's value. */
const described = (differences: Difference[]) => differences.map(({ location, left, right }) => ({ where: describeLocation(location), left, right }));
const server = (spans: ReceivedSpan[]) => spans.find((s) => s.kind === 'SERVER')!;
const TRACED = SCENARIO_NAMES.filter((name) => appsTracing(urlPathOf(name)).length === APP_NAMES.length);
const ALIKE = TRACED.filter((name) => !scenario(name).serverDiffers);
const [FIRST, ...OTHERS] = APP_NAMES;

describe('every app, every scenario', () => {
  it.each(SCENARIO_NAMES)('%s: every app answers with the status the routes give', (name) => {
    const status = scenario(name).status ?? 200;
    expect(capture().responses[name]).toEqual(Object.fromEntries(APP_NAMES.map((app) => [app, status])));
  });

  it('every app exited 0 on SIGTERM after flushing', () => {
    expect(Object.fromEntries(APP_NAMES.map((app) => [app, capture().exits[app].code]))).toEqual(Object.fromEntries(APP_NAMES.map((app) => [app, 0])));
  });
});

describe('where the three agree: the SERVER span', () => {
  it.each(ALIKE)('%s: one SERVER span, with the same name, kind, status, attributes and parent in all three', (name) => {
    for (const app of APP_NAMES) expect(traceOf(name, app).filter((s) => s.kind === 'SERVER'), app).toHaveLength(1);
    for (const other of OTHERS) {
      const differences = diffTraces(serverSpanOnly(traceOf(name, FIRST)), serverSpanOnly(traceOf(name, other)));
      expect(differences, `${FIRST} vs ${other}:\n${formatDifferences(differences)}`).toEqual([]);
    }
  });

  it.each(TRACED)('%s: the SERVER span has the name and http.route the scenario gives in each app', (name) => {
    const { method = 'GET', route, serverDiffers } = scenario(name);
    const expected = (app: AppName) => serverDiffers?.spans?.[APPS[app].spans.routeFrom] ?? { name: route ? `${method} ${route}` : method, route };
    for (const app of APP_NAMES) {
      const span = server(traceOf(name, app));
      expect({ name: span.name, route: span.attributes['http.route'] }, app).toEqual(expected(app));
    }
  });

  it.each(APP_NAMES)('a plain request: the %s app exports a root span named "GET /server_request" with the stable HTTP attributes', (app) => {
    const span = server(traceOf('a plain request', app));
    expect(span.parentSpanId).toBeUndefined();
    expect(Object.keys(span.attributes).sort()).toEqual([
      'client.address', 'http.request.method', 'http.response.status_code', 'http.route', 'network.peer.address',
      'network.peer.port', 'network.protocol.version', 'server.address', 'server.port', 'url.path', 'url.query',
      'url.scheme', 'user_agent.original',
    ]);
  });

  it.each(APP_NAMES)('a valid traceparent: the %s app continues that trace, under that parent, keeping the tracestate', (app) => {
    expect(server(traceOf('a request with a valid traceparent and tracestate', app))).toMatchObject({
      traceId: CALLER_TRACE_ID, parentSpanId: CALLER_SPAN_ID, traceState: 'vendor=opaque',
    });
  });

  it.each(APP_NAMES)('a malformed traceparent: the %s app still serves it, as a new root span', (app) => {
    const span = server(traceOf('a request with a malformed traceparent', app));
    expect(span.parentSpanId).toBeUndefined();
    expect(span.traceId).not.toBe(CALLER_TRACE_ID);
  });

  it.each(APP_NAMES)('sensitive query values: the %s app exports them REDACTED, and the secret nowhere', (app) => {
    const spans = traceOf('a request with sensitive query parameters', app);
    expect(server(spans).attributes['url.query']).toBe('param=sensitive&sig=REDACTED&X-Amz-Signature=REDACTED');
    expect(JSON.stringify(spans, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(SECRET);
  });

  it.each(APP_NAMES)('a handler that throws, at the top or in a mounted router: the %s app marks the SERVER span ERROR with error.type "500", and the trace has the exception', (app) => {
    for (const [name, message] of [['a handler that throws (GET /error)', 'a handler failed'], ['a route in a mounted router that throws', 'an item failed']] as const) {
      const spans = traceOf(name, app);
      expect(server(spans), name).toMatchObject({ status: { code: 'ERROR' }, attributes: expect.objectContaining({ 'error.type': '500' }) });
      expect(spans.flatMap((s) => s.events), name).toEqual([
        expect.objectContaining({ name: 'exception', attributes: expect.objectContaining({ 'exception.message': message }) }),
      ]);
    }
  });

  it.each(APP_NAMES)('a 404, whether no route matched or a handler passed the request on: the %s app gives no http.route and no error (a 404 is the caller\'s)', (app) => {
    for (const name of ['an unknown path (404)', 'a route in a mounted router that passes the request on (next), answered by the 404'] as const) {
      const span = server(traceOf(name, app));
      expect(span, name).toMatchObject({ name: 'GET', status: { code: 'UNSET' } });
      expect(span.attributes, name).not.toHaveProperty('http.route');
      expect(span.attributes, name).not.toHaveProperty('error.type');
    }
  });

  // What each app reads from the proxy headers and Host: instrumentation-http's reading, and the
  // manual app's where it differs (the HTTP semantic conventions'). `peer` stands for the
  // socket's address, `host` for the app's own port.
  type Read = { client: string; address?: string; port?: number | 'host'; scheme: string };
  const AS_INSTRUMENTATION_HTTP = { client: 'peer', address: 'localhost', port: 'host', scheme: 'http' } satisfies Read;
  it.each([
    ['behind a proxy: Forwarded with for, proto and host', { client: '198.51.100.9', address: 'api.example.com', port: 443, scheme: 'http' }, { scheme: 'https' }],
    ['behind a proxy: X-Forwarded-For (two hops) and X-Forwarded-Host with a port', { client: '203.0.113.7', address: 'shop.example.com', port: 8443, scheme: 'http' }, {}],
    ['behind a proxy: X-Forwarded-Host without a port, and X-Forwarded-Proto', { client: 'peer', address: 'shop.example.com', port: 443, scheme: 'http' }, { scheme: 'https' }],
    ['behind a proxy: Forwarded and X-Forwarded-* together', { client: '198.51.100.9', address: 'api.example.com', port: 443, scheme: 'http' }, { scheme: 'https' }],
    ['behind two proxies: Forwarded with two hops, the host in the second', { client: '192.0.2.60', address: 'b.example.com', scheme: 'http' }, { port: 80 }],
    ['behind a proxy: an IPv6 client with a port, and an obfuscated one', { ...AS_INSTRUMENTATION_HTTP, client: '2001:db8:cafe::17' }, {}],
    ['behind a proxy: a malformed Forwarded header beside X-Forwarded-*', { client: '203.0.113.7', address: 'shop.example.com', port: 8443, scheme: 'http' }, {}],
    ['behind a proxy: X-Forwarded-Host with several hops', { client: 'peer', address: 'a.example.com, b.example.com', scheme: 'http' }, { address: 'a.example.com', port: 80 }],
    ['behind a load balancer: X-Forwarded-Proto https only, the Host as the client sent it', { client: 'peer', address: 'shop.example.com', port: 80, scheme: 'http' }, { port: 443, scheme: 'https' }],
    ['HTTP/1.0 without a Host header', { client: 'peer', scheme: 'http' }, {}],
    ['a Host header without a port', { client: 'peer', address: 'example.com', port: 80, scheme: 'http' }, {}],
    ['an IPv6 Host header', { client: 'peer', address: '[::1]', port: 8080, scheme: 'http' }, {}],
    ['a Host header in capitals', { client: 'peer', address: 'EXAMPLE.com', port: 8080, scheme: 'http' }, {}],
    ['a malformed Host header', { client: 'peer', address: '[::1', scheme: 'http' }, {}],
  ] satisfies [ScenarioName, Read, Partial<Read>][])('%s: client.address, server.address, server.port and url.scheme as instrumentation-http reads them, and as the manual app does where it differs (the conventions)', (name, instrumented, byHand) => {
    const read = (app: AppName) => {
      const { attributes } = server(traceOf(name, app));
      return { client: attributes['client.address'], address: attributes['server.address'], port: attributes['server.port'], scheme: attributes['url.scheme'] };
    };
    const expected = (app: AppName, { client, address, port, scheme }: Read) => ({
      client: client === 'peer' ? server(traceOf(name, app)).attributes['network.peer.address'] : client,
      address, port: port === 'host' ? capture().ports[app] : port, scheme,
    });
    for (const app of WITH_INSTRUMENTATION_HTTP) expect(read(app), app).toEqual(expected(app, instrumented));
    for (const app of BY_HAND) expect(read(app), app).toEqual(expected(app, { ...instrumented, ...byHand }));
  });

  it.each(APP_NAMES)('a malformed Host header: the %s app reports url.path and url.query from the request target as the conventions say; instrumentation-http leaves both out (it cannot build the URL)', (app) => {
    const { attributes } = server(traceOf('a malformed Host header', app));
    expect([attributes['url.path'], attributes['url.query']]).toEqual(BY_HAND.includes(app) ? ['/server_request', 'param=host-malformed'] : [undefined, undefined]);
  });

  it.each(APP_NAMES)('odd methods: the %s app reports PURGE as _OTHER with the method it got; the span is named "HTTP" by the manual app, as the conventions say, "PURGE" by instrumentation-http', (app) => {
    expect(server(traceOf('an unknown method (PURGE)', app))).toMatchObject({
      name: BY_HAND.includes(app) ? 'HTTP' : 'PURGE', attributes: expect.objectContaining({ 'http.request.method': '_OTHER', 'http.request.method_original': 'PURGE' }),
    });
  });

  it.each(APP_NAMES)('HTTP/1.0, keep-alive, and a client gone before the answer: the %s app records the protocol, one span per request, and the status it set', (app) => {
    expect(server(traceOf('HTTP/1.0 without a Host header', app)).attributes['network.protocol.version']).toBe('1.0');
    const second = server(traceOf('the second request on a kept-alive connection', app));
    const first = capture().allSpans.find((s) => serviceOf(s) === APPS[app].serviceName && s.attributes['user_agent.original'] === 'equivalence-test/first')!;
    expect(first.attributes['url.query']).toBe('param=first-on-connection');
    expect(second.traceId).not.toBe(first.traceId);
    expect(second.attributes['network.peer.port'], 'the same connection').toBe(first.attributes['network.peer.port']);
    expect(server(traceOf('a client that goes away right after sending', app)).attributes['http.response.status_code']).toBe(200);
  });

  it.each(APP_NAMES)(`${CONCURRENT} concurrent requests, each with its own traceparent: the %s app makes ${CONCURRENT} traces, no span in a wrong one`, (app) => {
    const { traceparents, statuses } = capture().concurrent[app];
    expect(statuses).toEqual(traceparents.map(() => 200));
    traceparents.forEach((traceparent, i) => {
      const [, traceId, parentId] = traceparent.split('-');
      const spans = capture().allSpans.filter((s) => s.traceId === traceId);
      expect(spans, `request ${i}`).toHaveLength(1 + (APPROACHES[app].expressSpans ? scenario('a plain request').express.length : 0));
      expect(server(spans)).toMatchObject({ parentSpanId: parentId, attributes: expect.objectContaining({ 'url.query': `param=concurrent-${i}` }) });
      expect(spans.every((s) => serviceOf(s) === APPS[app].serviceName)).toBe(true);
    });
  });
});

describe('where they differ, and why: what each approach adds to the SERVER span (APPROACHES)', () => {
  // The express.type instrumentation-express gives a layer, from the name it gives it.
  const expressType = (spanName: string) => spanName.startsWith('router') ? 'router' : spanName.startsWith('request handler') ? 'request_handler' : 'middleware';
  it.each(TRACED.flatMap((name) => [[name, 5], [name, 4]] as const))('%s, on Express %s: in each app, the instrumentation-express spans its approach adds, by name and type, under the SERVER span, and nothing else', (name, major) => {
    const [build, expected] = major === 5 ? ['cjs', scenario(name).express] as const : ['express4', scenario(name).express4] as const;
    for (const app of APP_NAMES) {
      const trace = normalizeTrace(traceOf(name, app, build));
      expect(trace.spans.slice(1).map((s) => [s.parent, s.kind, s.name, s.attributes['express.type'], s.scope.name]), app).toEqual(
        (APPROACHES[app].expressSpans ? expected : []).toSorted().map((spanName) => ['0', 'INTERNAL', spanName, expressType(spanName), '@opentelemetry/instrumentation-express']),
      );
    }
  });

  it.each(APP_NAMES)('the %s app names the scope of its SERVER span, and uses only its own scopes', (app) => {
    expect(server(traceOf('a plain request', app)).scope).toEqual(APPROACHES[app].serverScope);
    const scopes = new Set(capture().allSpans.filter((s) => serviceOf(s) === APPS[app].serviceName).map((s) => s.scope.name));
    expect([...scopes].sort()).toEqual(APPROACHES[app].scopes);
  });

  it.each(APP_NAMES)('the exception event: the %s app records it on the span its approach says, and that span has status ERROR', (app) => {
    for (const name of ['a handler that throws (GET /error)', 'a route in a mounted router that throws'] as const) {
      const withEvent = traceOf(name, app).filter((s) => s.events.some((e) => e.name === 'exception'));
      expect(withEvent.map((s) => [s.kind, s.status.code]), name).toEqual([[APPROACHES[app].handlerSpan, 'ERROR']]);
    }
  });

  it('service.name: each app names itself, as the original\'s page names its three servers; every other resource attribute is the same', () => {
    const resources = APP_NAMES.map((app) => ({ ...normalizeTrace(traceOf('a plain request', app)).resource, 'service.name': APPS[app].serviceName }));
    expect(new Set(APP_NAMES.map((app) => normalizeTrace(traceOf('a plain request', app)).resource['service.name']))).toEqual(new Set(APP_NAMES.map((app) => APPS[app].serviceName)));
    for (const resource of resources.slice(1)) expect({ ...resource, 'service.name': '' }).toEqual({ ...resources[0], 'service.name': '' });
  });

  it.each(SCENARIO_NAMES.filter((name) => !TRACED.includes(name)))('%s: the apps that leave it untraced export nothing for it; the others trace it', (name) => {
    for (const app of APP_NAMES) {
      expect(traceOf(name, app).length > 0, app).toBe(appsTracing(urlPathOf(name)).includes(app));
    }
  });
});

describe('every difference has its one-line reason (npm run compare and the trace UI show it)', () => {
  const compared = (name: ScenarioName, build: BuildName = 'cjs') => compareTraces(
    Object.fromEntries(APP_NAMES.map((app) => [app, traceOf(name, app, build).length ? normalizeTrace(traceOf(name, app, build)) : undefined])),
    (difference) => explainDifference({ ...difference, urlPath: urlPathOf(name), sentAlike: true }),
  );

  it.each(SCENARIO_NAMES.flatMap((name) => [[name, 'cjs'], [name, 'express4']] as const))('%s (%s build): each row of compareTraces is a known difference, and the SERVER span differs only where the scenario says', (name, build) => {
    const rows = compared(name, build);
    expect(rows.filter((row) => row.explanation === UNEXPLAINED).map((row) => row.where)).toEqual([]);
    // The requests are written alike, byte for byte: even a difference "from the request" counts here.
    const serverRows = rows.filter((row) => row.location.position === '0' && (row.location.field === 'name' || row.location.field === 'attributes'));
    expect([...new Set(serverRows.map((row) => knownDifference({ ...row, urlPath: urlPathOf(name), sentAlike: true })!.name))]).toEqual(scenario(name).serverDiffers ? [scenario(name).serverDiffers!.why] : []);
  });

  it('the same request sent differently (the demo\'s client to one app, by hand to the others: another Host, user agent, query, HTTP version): every row of the compare view has its reason, each attribute of the request said to be one', () => {
    const traces = new Map(APP_NAMES.map((app) => [capture().sentDifferently[app], capture().allSpans.filter((s) => s.traceId === capture().sentDifferently[app])]));
    const view = compareRequest(traces, 'GET /server_request');
    expect(view.columns.map((column) => column.trace === undefined)).toEqual(APP_NAMES.map(() => false));
    expect(view.rows.filter((row) => row.explanation === UNEXPLAINED).map((row) => row.where)).toEqual([]);
    const fromTheRequest = view.rows.filter((row) => knownDifference({ ...row, urlPath: '/server_request' })?.name === 'from the request');
    expect(new Set(fromTheRequest.map((row) => row.location.keys[0]))).toEqual(new Set(['server.address', 'user_agent.original', 'url.query', 'network.protocol.version']));
  });

  it('a difference that is none of the known ones is said to be unknown', () => {
    const trace = normalizeTrace(traceOf('a plain request', FIRST));
    const changed = structuredClone(trace);
    changed.spans[0].attributes['http.route'] = '/other';
    expect(compareTraces({ [FIRST]: trace, changed }, (difference) => explainDifference({ ...difference, urlPath: '/server_request' }))).toEqual([{
      location: { position: '0', field: 'attributes', keys: ['http.route'] }, where: 'spans[0].attributes["http.route"]',
      values: { [FIRST]: '/server_request', changed: '/other' }, explanation: UNEXPLAINED,
    }]);
  });
});

describe('Express 4: each app runs its same build on Express 4 (npm run start:express4), and its SERVER span is the one it makes on Express 5', () => {
  /** Throws unless the capture came from apps that ran Express 4: their own line, their resource, and the layers only Express 4 runs. */
  function expectExpress4(capture: Capture): void {
    for (const app of APP_NAMES) {
      expect(capture.expressVersions[app], `${app}: its "listening on" line`).toMatch(/^4\./);
      expect(server(capture.traces['a plain request'][app]).resource['webengine.version'], `${app}: its resource`).toMatch(/^4\./);
      if (APPROACHES[app].expressSpans) expect(capture.traces['a plain request'][app].map((s) => s.name), app).toContain('middleware - expressInit');
    }
  }

  it('every app says it runs Express 4, reports it in its resource, and runs its layers', () => {
    expectExpress4(capture('express4'));
  });

  it('a negative control: the same check refuses apps that ran Express 5 (an Express 4 start that resolved Express 5 fails the suite)', () => {
    expect(() => expectExpress4(capture('cjs'))).toThrow();
  });

  it.each(TRACED)('%s: in each app, the SERVER span on Express 4 equals the one on Express 5', (name) => {
    for (const app of APP_NAMES) {
      const differences = diffTraces(serverSpanOnly(traceOf(name, app, 'cjs')), serverSpanOnly(traceOf(name, app, 'express4')));
      expect(differences, `${app}, Express 5 vs 4:\n${formatDifferences(differences)}`).toEqual([]);
    }
  });

  it.each(SCENARIO_NAMES)('%s: each app\'s trace differs between the majors only in known ways: its webengine.version and, with instrumentation-express, the layers of Express 4', (name) => {
    for (const app of APP_NAMES) {
      const [e5, e4] = [traceOf(name, app, 'cjs'), traceOf(name, app, 'express4')];
      // Untraced on Express 5 (the scenario above says where): untraced on Express 4 too.
      if (!e5.length) {
        expect(e4.map((s) => s.name), `${app}: untraced on Express 5, traced on Express 4`).toEqual([]);
        continue;
      }
      const rows = compareTraces({ 'Express 5': normalizeTrace(e5), 'Express 4': normalizeTrace(e4) },
        (difference) => explainDifference({ ...difference, urlPath: urlPathOf(name), between: 'express majors' }));
      expect(rows.filter((row) => row.explanation === UNEXPLAINED).map((row) => row.where), app).toEqual([]);
      const layers = rows.filter((row) => row.location.position !== undefined);
      expect(layers.length > 0, `${app}: the express layers differ`).toBe(APPROACHES[app].expressSpans);
    }
  });
});

describe('driven by the real client (npm run client), as in the original: one trace across two services', () => {
  const clientTrace = (app: AppName, build: BuildName = 'cjs') => capture(build).allSpans.filter((s) => s.traceId === capture(build).clientTraceIds[app]);
  const byName = (spans: ReceivedSpan[], spanName: string) => spans.find((s) => s.name === spanName)!;

  it.each(APP_NAMES)("the %s app's SERVER span continues the client's trace, under its CLIENT span client-server", (app) => {
    const spans = clientTrace(app);
    const [client, sender] = [byName(spans, 'client'), byName(spans, 'client-server')];
    expect(client).toMatchObject({ kind: 'INTERNAL', resource: expect.objectContaining({ 'service.name': 'client' }) });
    expect(client.parentSpanId).toBeUndefined();
    expect(sender).toMatchObject({ kind: 'CLIENT', parentSpanId: client.spanId });
    expect(server(spans)).toMatchObject({ parentSpanId: sender.spanId, resource: expect.objectContaining({ 'service.name': APPS[app].serviceName }) });
  });

  it('the client side is the same for the three apps but for the port it called: client, then client-server with the HTTP client attributes', () => {
    const clientSide = (app: AppName) => normalizeTrace(clientTrace(app).filter((s) => serviceOf(s) === 'client'));
    for (const app of APP_NAMES) {
      expect(clientSide(app).spans.map((s) => [s.position, s.kind, s.name]), app).toEqual([['0', 'INTERNAL', 'client'], ['0.0', 'CLIENT', 'client-server']]);
      expect(clientSide(app).spans[1].attributes, app).toEqual({
        'http.request.method': 'GET', 'http.response.status_code': 200, 'server.address': 'localhost', 'server.port': '<port>',
        'url.full': 'http://localhost:<port>/server_request?param=client-driven',
      });
    }
    const sender = (app: AppName) => byName(clientTrace(app), 'client-server').attributes['url.full'];
    expect(new Set(APP_NAMES.map(sender)).size, 'before normalizing, each URL has its own port').toBe(APP_NAMES.length);
  });

  it('the whole traces differ in known ways only, one level down: under the client, what differs at the SERVER span', () => {
    const rows = compareTraces(Object.fromEntries(APP_NAMES.map((app) => [app, normalizeTrace(clientTrace(app))])),
      (difference) => explainDifference({ ...difference, urlPath: '/server_request' }));
    expect(rows.map((row) => [row.where, row.explanation === UNEXPLAINED ? 'unexplained' : 'explained'])).toEqual([
      ['spans[0.0.0].scope.name', 'explained'],
      ['spans[0.0.0].scope.version', 'explained'],
      ['spans[0.0.0].resource["service.name"]', 'explained'],
      ['spans[0.0.0.0]', 'explained'],
    ]);
  });

  it.each(APP_NAMES)('ES modules: driven by the client, and 50 concurrent requests, the %s app makes what its CommonJS build makes', (app) => {
    expect(diffTraces(normalizeTrace(clientTrace(app, 'cjs')), normalizeTrace(clientTrace(app, 'esm')))).toEqual([]);
    const { traceparents, statuses } = capture('esm').concurrent[app];
    expect(statuses).toEqual(traceparents.map(() => 200));
    for (const traceparent of traceparents) {
      const spans = capture('esm').allSpans.filter((s) => s.traceId === traceparent.split('-')[1]);
      expect(spans.length).toBe(normalizeTrace(traceOf('a plain request', app, 'esm')).spans.length);
      expect(server(spans).parentSpanId).toBe(traceparent.split('-')[2]);
    }
  });
});

describe('ES modules: each approach built as ESM, started with its loader hook where it needs one, produces what its CommonJS build produces', () => {
  it.each(['esm', 'express4'] as const)('built as %s: every app answered every scenario as its CommonJS build on Express 5 did, and exited 0 on SIGTERM', (build) => {
    expect(capture(build).responses).toEqual(capture('cjs').responses);
    expect(Object.fromEntries(APP_NAMES.map((app) => [app, capture(build).exits[app].code]))).toEqual(Object.fromEntries(APP_NAMES.map((app) => [app, 0])));
  });

  it.each(SCENARIO_NAMES)('%s: in each app, the ESM trace equals the CommonJS trace after normalizeTrace', (name) => {
    for (const app of APP_NAMES) {
      const differences = diffTraces(normalizeTrace(traceOf(name, app, 'cjs')), normalizeTrace(traceOf(name, app, 'esm')));
      expect(differences, `${app}, CommonJS vs ESM:\n${formatDifferences(differences)}`).toEqual([]);
    }
  });
});

// `npm run start:esm:without-loader-hook`, where an app has it: the register entry point alone, as
// its README's ESM line suggests. This fails the day the entry point registers the hook itself.
const WITHOUT_LOADER_HOOK = APP_NAMES.filter((app) => startScript('esm', 'without-loader-hook') in packageScripts(app));

describe.each(WITHOUT_LOADER_HOOK)('ES modules without the loader hook: what the %s app loses (a negative control)', (app) => {
  it('no express span, no http.route, and the SERVER span named just "GET"; every other attribute as with the hook', async () => {
    const receiver = await startReceiver({ grpcPort: 0, httpPort: null });
    try {
      const started = await startAppForTest(app, { format: 'esm', variant: 'without-loader-hook', env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.grpcEndpoint } });
      try {
        expect(await send(started.port, 'a plain request')).toBe(200);
      } finally {
        expect((await started.stop('SIGTERM')).code).toBe(0);
      }
      const withoutHook = findTrace(receiver.spans(), app, 'a plain request');
      expect(described(diffTraces(normalizeTrace(traceOf('a plain request', app, 'esm')), normalizeTrace(withoutHook)))).toEqual([
        { where: 'spans[0].name', left: 'GET /server_request', right: 'GET' },
        { where: 'spans[0].attributes["http.route"]', left: '/server_request', right: undefined },
        { where: 'spans[0.0]', left: 'INTERNAL request handler', right: undefined },
      ]);
    } finally {
      await receiver.close();
    }
  });
});

describe('diffTraces catches a difference: one change to a real captured trace, exactly one difference reported', () => {
  // A trace with an express span under its SERVER span, from an app whose approach adds one.
  const instrumented = APP_NAMES.find((app) => APPROACHES[app].expressSpans)!;
  const captured = () => structuredClone(traceOf('a handler that throws (GET /error)', instrumented));
  const changed = (change: (spans: { server: ReceivedSpan; handler: ReceivedSpan; all: ReceivedSpan[] }) => void) => {
    const all = captured();
    change({ server: server(all), handler: all.find((s) => s.kind === 'INTERNAL')!, all });
    return described(diffTraces(normalizeTrace(captured()), normalizeTrace(all)));
  };

  it('nothing changed: no difference', () => {
    expect(changed(() => {})).toEqual([]);
  });

  it('two requests that differ only in ids, times and ports: only url.query and the user agent differ', () => {
    const [plain, malformed] = [traceOf('a plain request', instrumented), traceOf('a request with a malformed traceparent', instrumented)];
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
    ['an extra span', ({ handler, all }) => all.push({ ...handler, spanId: 'ffffffffffffffff', name: 'the extra one', startTimeUnixNano: handler.endTimeUnixNano }),
      { where: 'spans[0.1]', left: undefined, right: 'INTERNAL the extra one' }],
  ] satisfies [string, (spans: { server: ReceivedSpan; handler: ReceivedSpan; all: ReceivedSpan[] }) => unknown, ReturnType<typeof described>[number]][])(
    '%s', (_what, change, difference) => {
      expect(changed(change)).toEqual([difference]);
    },
  );
});
