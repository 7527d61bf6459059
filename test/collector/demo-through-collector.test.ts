// `npm run demo -- --collector` through a real OpenTelemetry Collector (`npm run collector`, built
// from scripts/collector/otelcol-manifest.yaml), over OTLP/gRPC and over OTLP/HTTP protobuf. The
// collector writes every export to a file and passes it on over OTLP/gRPC to the project's embedded
// receiver: the collector's own reading of the apps' telemetry is the reference the receiver's
// decoding is held to, and what each app sent is checked in the collector's file.
import { APP_NAMES, APPS, type AppName } from '@repo/app-catalogue';
import { startTool, type ToolProcess } from '@repo/app-process';
import { startReceiver } from '@repo/otlp-receiver';
import { serviceOf, type ReceivedSpan } from '@repo/trace-model';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../scripts/local-ports.ts';
import { readCollectorFile, type Items } from './collector-file.ts';
import { itemDifferences } from './item-differences.ts';

const HTTP_SCOPE = '@opentelemetry/instrumentation-http';
const EXPRESS_SCOPE = '@opentelemetry/instrumentation-express';
const REQUEST_DURATION = 'http.server.request.duration';

/** The demo through the collector: what the collector wrote, what the receiver decoded, once every process has stopped. */
async function demoThroughCollector(protocol: 'grpc' | 'http/protobuf'): Promise<{ written: Items; decoded: Items; rejected: string[] }> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'otelcol-file-'));
  const file = path.join(folder, 'otelcol.jsonl');
  const rejected: string[] = [];
  const receiver = await startReceiver({ grpcPort: 0, httpPort: null, host: '127.0.0.1', onReject: (line) => rejected.push(line) });
  const [grpcPort, httpPort] = await freePorts(2);
  const collector = startTool('collector/run.ts', [], {
    OTELCOL_GRPC_ENDPOINT: `127.0.0.1:${grpcPort}`, OTELCOL_HTTP_ENDPOINT: `127.0.0.1:${httpPort}`,
    OTELCOL_FILE: file, OTELCOL_FORWARD_ENDPOINT: `127.0.0.1:${receiver.grpcPort}`,
  });
  let demo: ToolProcess | undefined;
  try {
    await collector.waitForOutput(/Everything is ready/, 30_000);
    const url = `http://127.0.0.1:${protocol === 'grpc' ? grpcPort : httpPort}`;
    demo = startTool('demo.ts', ['--free-ports', '--collector', url, '--protocol', protocol], { FORCE_COLOR: '0' });
    // Everything the demo makes of its three requests, passed on to the receiver.
    const services = APP_NAMES.map((name) => APPS[name].serviceName);
    await receiver.waitForSpans((spans) => services.every((service) => spans.some((span) => serviceOf(span) === service && span.kind === 'SERVER')), 60_000);
    await receiver.waitForMetrics((points) => services.every((service) => points.some((point) => serviceOf(point) === service && point.name === REQUEST_DURATION)), 30_000);
    await receiver.waitForLogs((records) => services.every((service) => records.some((record) => serviceOf(record) === service)), 30_000);
    // The apps, then the collector: it writes each export as it comes, and empties its OTLP
    // exporter's queue as it stops.
    expect(await demo.stop()).toBe(0);
    expect(await collector.stop('SIGTERM')).toBe(0);
    return { written: readCollectorFile(file), decoded: { spans: receiver.spans(), points: receiver.metrics(), records: receiver.logs() }, rejected };
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- demo:\n${demo?.output()}\n--- collector:\n${collector.output()}`);
  } finally {
    await demo?.stop();
    await collector.stop('SIGTERM');
    await receiver.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** An app's SERVER span in the trace the client started, the client's CLIENT span its parent. */
function serverSpan(spans: ReceivedSpan[], name: AppName): { server: ReceivedSpan; parent: ReceivedSpan | undefined } {
  const servers = spans.filter((span) => serviceOf(span) === APPS[name].serviceName && span.kind === 'SERVER');
  expect(servers).toHaveLength(1);
  return { server: servers[0], parent: spans.find((span) => span.spanId === servers[0].parentSpanId) };
}

describe.each(['grpc', 'http/protobuf'] as const)('the demo through a real OpenTelemetry Collector, the apps exporting over %s', (protocol) => {
  let run: Awaited<ReturnType<typeof demoThroughCollector>>;
  beforeAll(async () => {
    run = await demoThroughCollector(protocol);
  }, 180_000);

  it('what the collector wrote equals what the embedded receiver decoded of what it passed on: every span, metric point and log record, field by field', () => {
    const { written, decoded, rejected } = run;
    expect(itemDifferences(written, decoded)).toEqual({ onlyInFirst: [], onlyInSecond: [] });
    expect(rejected).toEqual([]);
    expect([written.spans.length, written.points.length, written.records.length].every((n) => n > 0)).toBe(true);
  });

  it('the comparison finds one attribute added, one metric point missing and one log record\'s severity changed (negative control)', () => {
    const { written } = run;
    const changed: Items = {
      spans: written.spans.map((span, i) => (i === 0 ? { ...span, attributes: { ...span.attributes, 'changed.by.the.test': 1 } } : span)),
      points: written.points.slice(1),
      records: written.records.map((record, i) => (i === 0 ? { ...record, severityNumber: record.severityNumber + 1 } : record)),
    };
    const { onlyInFirst, onlyInSecond } = itemDifferences(written, changed);
    expect(onlyInFirst.map((line) => line.split(' {')[0]).sort()).toEqual(['log record', 'metric point', 'span']);
    expect(onlyInSecond.map((line) => line.split(' {')[0]).sort()).toEqual(['log record', 'span']);
    expect(onlyInSecond.find((line) => line.startsWith('span'))).toContain('"changed.by.the.test":1');
  });

  describe.each(APP_NAMES)('%s, in what the collector wrote', (name) => {
    it('its SERVER span is the child of the client\'s CLIENT span, in the trace the client started', () => {
      const { server, parent } = serverSpan(run.written.spans, name);
      expect(parent).toMatchObject({ kind: 'CLIENT', name: 'client-server', traceId: server.traceId, resource: { 'service.name': 'client' } });
      expect(server.attributes).toMatchObject({ 'http.route': '/server_request', 'url.query': `param=${name}`, 'http.response.status_code': 200 });
    });

    it('the spans under its SERVER span are instrumentation-express\'s, as many as the receiver decoded, and there are some exactly when instrumentation-http made the SERVER span', () => {
      const under = (spans: ReceivedSpan[]) => spans.filter((span) => span.parentSpanId === serverSpan(spans, name).server.spanId);
      const written = under(run.written.spans);
      expect(written.map((span) => [span.kind, span.scope.name])).toEqual(written.map(() => ['INTERNAL', EXPRESS_SCOPE]));
      expect(written.map((span) => span.name)).toEqual(under(run.decoded.spans).map((span) => span.name));
      expect(written.length > 0).toBe(serverSpan(run.written.spans, name).server.scope.name === HTTP_SCOPE);
    });

    it('its http.server.request.duration series for /server_request counts the one request the demo sent it', () => {
      const points = run.written.points.filter((point) => serviceOf(point) === APPS[name].serviceName && point.name === REQUEST_DURATION);
      expect(points.length).toBeGreaterThan(0);
      for (const point of points) {
        expect(point).toMatchObject({ kind: 'HISTOGRAM', unit: 's', count: 1n, attributes: { 'http.route': '/server_request', 'http.response.status_code': 200 } });
      }
    });

    it('its log record of the request sits on a span of that trace, of that app', () => {
      const { server } = serverSpan(run.written.spans, name);
      const records = run.written.records.filter((record) => serviceOf(record) === APPS[name].serviceName);
      expect(records.map((record) => [record.body, record.attributes.param, record.traceId])).toEqual([['server_request', name, server.traceId]]);
      const span = run.written.spans.find((candidate) => candidate.spanId === records[0].spanId);
      expect(span && serviceOf(span)).toBe(APPS[name].serviceName);
    });
  });
});
