// What each approach gives beside spans, checked like the spans: the same requests to the three
// apps (both builds, started as users start them), and the http.server.request.duration points and
// the log records that arrive over real OTLP/gRPC, held to what the tables here say.
import { APP_NAMES, type AppName, APPS, appsTracing, MODULE_FORMATS, type ModuleFormat, SIGNAL_DIFFERENCES } from '@repo/app-catalogue';
import { withAllApps } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
import type { Attributes, HistogramPoint, ReceivedLogRecord, ReceivedMetricPoint, ReceivedSpan } from '@repo/trace-model';
import { histogramTotals, serviceOf } from '@repo/trace-model';
import { beforeAll, describe, expect, it } from 'vitest';
import { APPROACHES } from './equivalence-scenarios.ts';

const UNSAMPLED_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
// Without a proto: the manual app would count a request a proxy says came over https in a url.scheme "https" series
// (the conventions), instrumentation-http in "http" (test/equivalence.test.ts).
const FORWARDED = 'for=198.51.100.9;host=api.example.com';

/** What is sent to each app, in order: a method, a path, headers, how many times. */
const REQUESTS: { method?: string; path: string; headers?: Record<string, string>; times: number }[] = [
  { path: '/server_request?param=plain', times: 3 },
  { path: '/server_request?param=proxied', headers: { forwarded: FORWARDED }, times: 1 },
  // Not sampled by the caller: no span is recorded, the request is measured all the same.
  { path: '/server_request?param=unsampled', headers: { traceparent: `00-${UNSAMPLED_TRACE_ID}-b7ad6b7169203331-00` }, times: 2 },
  { method: 'HEAD', path: '/server_request?param=head', times: 1 },
  { path: '/no/such/path', times: 2 },
  { path: '/error', times: 1 },
  { path: '/health', times: 2 },
];

/** The series each app's histogram holds afterwards, and each one's count. */
const base = { 'http.request.method': 'GET', 'url.scheme': 'http', 'network.protocol.version': '1.1' };
const SERIES: { attributes: Attributes; count: number; path: string }[] = [
  { attributes: { ...base, 'http.route': '/server_request', 'http.response.status_code': 200 }, count: 6, path: '/server_request' },
  { attributes: { ...base, 'http.request.method': 'HEAD', 'http.route': '/server_request', 'http.response.status_code': 200 }, count: 1, path: '/server_request' },
  { attributes: { ...base, 'http.response.status_code': 404 }, count: 2, path: '/no/such/path' },
  { attributes: { ...base, 'http.route': '/error', 'http.response.status_code': 500, 'error.type': '500' }, count: 1, path: '/error' },
  { attributes: { ...base, 'http.route': '/health', 'http.response.status_code': 200 }, count: 2, path: '/health' },
];
// The routes the catalogue says some app leaves untraced: each is among the requests above.
const UNTRACED_ROUTES = [...new Set(APP_NAMES.flatMap((app) => Object.keys(APPS[app].untracedRoutes)))];
const BOUNDARIES = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

interface Capture {
  spans: ReceivedSpan[];
  points: ReceivedMetricPoint[];
  logs: ReceivedLogRecord[];
  output: Record<AppName, string>;
}
/** Each build over gRPC, and the CommonJS one over OTLP/HTTP too, where an exporter's own requests could be measured. */
const BUILDS = [
  ...MODULE_FORMATS.map((format) => ({ name: `built as ${format}, over grpc`, format, protocol: 'grpc' as const })),
  { name: 'built as cjs, over http/protobuf', format: 'cjs' as ModuleFormat, protocol: 'http/protobuf' as const },
];
type Build = (typeof BUILDS)[number];
const captured = new Map<string, Capture>();
const capture = (build: Build) => captured.get(build.name) ?? expect.fail(`no capture ${build.name}: beforeAll failed`);
// The capture the negative controls tamper with.
const [CONTROL] = BUILDS;

beforeAll(async () => {
  const builds = await Promise.allSettled(BUILDS.map(captureBuild));
  builds.forEach((build, i) => {
    if (build.status === 'rejected') throw build.reason;
    captured.set(BUILDS[i].name, build.value);
  });
}, 90_000);

// The apps stop with SIGTERM, which makes each export what it still holds: its last metric points
// (cumulative, so the last point of a series counts every request) and its last log records.
async function captureBuild({ format, protocol }: Build): Promise<Capture> {
  const receiver = await startReceiver({ grpcPort: 0, httpPort: 0 });
  const endpoint = protocol === 'grpc' ? receiver.grpcEndpoint : `http://localhost:${receiver.httpPort}`;
  try {
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_METRIC_EXPORT_INTERVAL: '1000' };
    const { result: output } = await withAllApps({ format, env }, async (apps) => {
      for (const app of APP_NAMES) {
        for (const { method, path, headers, times } of REQUESTS) {
          for (let i = 0; i < times; i++) await fetch(`${apps[app].url}${path}`, { method, headers });
        }
      }
      // Three metric exports of each app after the requests: the log records' export (every
      // second) has gone out by then, and a measure of its request would be in the last one.
      const after = BigInt(Date.now()) * 1_000_000n;
      const exportsSince = (points: ReceivedMetricPoint[], app: AppName) => new Set(own(points, app).filter((p) => p.timeUnixNano > after).map((p) => p.timeUnixNano)).size;
      await receiver.waitForMetrics((points) => APP_NAMES.every((app) => exportsSince(points, app) >= 3));
      return apps;
    });
    return {
      spans: receiver.spans(), points: receiver.metrics(), logs: receiver.logs(),
      output: Object.fromEntries(APP_NAMES.map((app) => [app, output[app].output()])) as Record<AppName, string>,
    };
  } finally {
    await receiver.close();
  }
}

const own = <T extends { resource: Attributes }>(items: T[], app: AppName) => items.filter((item) => serviceOf(item) === APPS[app].serviceName);
/** The app's http.server.request.duration series, each as its total so far. */
const histogram = (points: ReceivedMetricPoint[], app: AppName): HistogramPoint[] => histogramTotals(own(points, app), 'http.server.request.duration');
const sorted = (attributes: Attributes) => Object.fromEntries(Object.entries(attributes).sort(([a], [b]) => a.localeCompare(b)));

/** Throws unless the app's histogram is the semantic conventions' one, with the series and counts of SERIES. */
function expectRequestHistogram(points: ReceivedMetricPoint[], app: AppName): void {
  const series = histogram(points, app);
  expect(series.length, `${app}: series of http.server.request.duration`).toBeGreaterThan(0);
  for (const point of series) {
    expect({ unit: point.unit, description: point.description, temporality: point.temporality, bounds: point.explicitBounds }, `${app}: unit, description, temporality and bucket bounds`)
      .toEqual({ unit: 's', description: 'Duration of HTTP server requests.', temporality: 'CUMULATIVE', bounds: BOUNDARIES });
  }
  const expected = SERIES.filter(({ path }) => appsTracing(path).includes(app)).map(({ attributes, count }) => ({ attributes: sorted(attributes), count }));
  expect(series.map((point) => ({ attributes: sorted(point.attributes), count: Number(point.count) })), app)
    .toEqual(expect.arrayContaining(expected));
  expect(series, app).toHaveLength(expected.length);
}

/** Throws unless the request metric is all the app exports. */
function expectNoOtherMetric(points: ReceivedMetricPoint[], app: AppName): void {
  expect([...new Set(own(points, app).map((point) => point.name))], app).toEqual(['http.server.request.duration']);
}

/** Throws unless every 'server_request' record sits in its request's trace, on the span the approach makes active in handlers. */
function expectRecordsOnTheirSpans(capture: Capture, app: AppName): void {
  const records = own(capture.logs, app).filter((record) => record.body === 'server_request');
  expect(records.length, app).toBe(REQUESTS.filter(({ path }) => path.startsWith('/server_request')).reduce((n, { times }) => n + times, 0));
  for (const record of records) {
    // A record with no trace: a line written outside any request, or a logger not tied to the span.
    expect(/^[0-9a-f]{32}$/.test(record.traceId ?? ''), `${app}: the record ${JSON.stringify(record.attributes)} has no trace`).toBe(true);
    if (record.attributes.param === 'unsampled') {
      expect([record.traceId, record.flags]).toEqual([UNSAMPLED_TRACE_ID, 0]);
      continue;
    }
    const span = capture.spans.find((s) => s.traceId === record.traceId && s.spanId === record.spanId);
    const server = capture.spans.find((s) => s.traceId === record.traceId && s.kind === 'SERVER');
    expect(server?.attributes['url.query'], app).toBe(`param=${record.attributes.param}`);
    expect(span?.kind, `${app}: the record's span`).toBe(APPROACHES[app].handlerSpan);
  }
}

// Over OTLP/HTTP the exporters send HTTP requests of their own, which instrumentation-http could measure.
describe.each(BUILDS.filter((build) => build.protocol !== 'grpc'))('$name', (build) => {
  it.each(APP_NAMES)('the %s app exports no other metric: not its exporters\' own requests to the collector either', (app) => {
    expectNoOtherMetric(capture(build).points, app);
  });
});

describe.each(BUILDS)('$name', (build) => {
  describe('the request metric: http.server.request.duration', () => {
    it.each(APP_NAMES)('the %s app records it as the semantic conventions say, one series per outcome, each request counted, sampled or not', (app) => {
      expectRequestHistogram(capture(build).points, app);
    });

    it(`the three apps record the same series: the same attribute sets, the same counts (but ${UNTRACED_ROUTES.join(', ')}, below)`, () => {
      const seriesOf = (app: AppName) => histogram(capture(build).points, app)
        .filter((point) => !UNTRACED_ROUTES.includes(String(point.attributes['http.route'])))
        .map((point) => JSON.stringify([sorted(point.attributes), point.count.toString()])).sort();
      for (const app of APP_NAMES) expect(seriesOf(app), app).toEqual(seriesOf(APP_NAMES[0]));
    });

    describe.each(UNTRACED_ROUTES)(`GET %s, a route some app leaves untraced. ${SIGNAL_DIFFERENCES.untracedIsUnmeasured}`, (route) => {
      it.each(APP_NAMES)('the %s app measures it exactly where it traces it', (app) => {
        const measured = histogram(capture(build).points, app).some((point) => point.attributes['http.route'] === route);
        const traced = own(capture(build).spans, app).some((span) => span.kind === 'SERVER' && span.attributes['url.path'] === route);
        expect([measured, traced]).toEqual([appsTracing(route).includes(app), appsTracing(route).includes(app)]);
      });
    });
  });

  describe('the log records: pino\'s, correlated with the trace', () => {
    it.each(APP_NAMES)(`the %s app exports one record per request, on that request's trace. ${SIGNAL_DIFFERENCES.logRecordSpan}`, (app) => {
      expectRecordsOnTheirSpans(capture(build), app);
    });

    it.each(APP_NAMES)('the %s app writes the trace and span ids on its stdout line, those of the record it exports', (app) => {
      const lines = capture(build).output[app].split('\n').filter((line) => line.includes('"msg":"server_request"')).map((line) => JSON.parse(line));
      const records = own(capture(build).logs, app).filter((record) => record.body === 'server_request');
      expect(lines.map((line) => [line.param, line.trace_id, line.span_id]).sort()).toEqual(records.map((r) => [r.attributes.param, r.traceId, r.spanId]).sort());
    });

    it.each(APP_NAMES)('the %s app\'s error line is a record with severity ERROR and the exception, on the failed request\'s trace', (app) => {
      const [record] = own(capture(build).logs, app).filter((r) => r.body === 'GET /error failed');
      expect(record).toMatchObject({ severityNumber: 17, severityText: 'error', attributes: expect.objectContaining({ 'exception.type': 'Error', 'exception.message': 'a handler failed' }) });
      expect(capture(build).spans.find((s) => s.traceId === record.traceId && s.kind === 'SERVER')?.attributes['http.route']).toBe('/error');
    });
  });
});

describe('negative controls: the checks above fail for the right reason', () => {
  it.each(APP_NAMES)('the %s app\'s histogram without its 404 series, or with other bucket bounds, fails the metric check', (app) => {
    const points = capture(CONTROL).points;
    const without404 = points.filter((point) => !(serviceOf(point) === APPS[app].serviceName && point.attributes['http.response.status_code'] === 404));
    expect(() => expectRequestHistogram(without404, app)).toThrow(/expected \[ Array\(\d+\) \] to deeply equal ArrayContaining|expected .* to (deeply equal|have a length)/);
    const otherBounds = points.map((point) => (point.kind === 'HISTOGRAM' && serviceOf(point) === APPS[app].serviceName ? { ...point, explicitBounds: [0.1, 1] } : point));
    expect(() => expectRequestHistogram(otherBounds, app)).toThrow(/unit, description, temporality and bucket bounds/);
  });

  it('a metric of an exporter\'s own requests (http.client.request.duration) fails the check that an app exports no other metric', () => {
    const [app] = APP_NAMES;
    const points = capture(CONTROL).points;
    const clientPoint = { ...own(points, app)[0], name: 'http.client.request.duration' };
    expect(() => expectNoOtherMetric([...points, clientPoint], app)).toThrow(/to deeply equal \[ 'http.server.request.duration' \]/);
  });

  it('an app that records no histogram at all fails the metric check', () => {
    const [app] = APP_NAMES;
    expect(() => expectRequestHistogram(capture(CONTROL).points.filter((point) => serviceOf(point) !== APPS[app].serviceName), app)).toThrow(/series of http.server.request.duration/);
  });

  it('a record written outside any request (no trace) fails the log check', () => {
    const outside = capture(CONTROL).logs.map((record) => (record.attributes.param === 'plain' ? { ...record, traceId: undefined, spanId: undefined } : record));
    expect(() => expectRecordsOnTheirSpans({ ...capture(CONTROL), logs: outside }, APP_NAMES[0])).toThrow(/the record \{"param":"plain"\} has no trace/);
  });
});
