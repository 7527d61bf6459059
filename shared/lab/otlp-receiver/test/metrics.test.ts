import { ValueType, type Attributes } from '@opentelemetry/api';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, AggregationType, MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import * as grpc from '@grpc/grpc-js';
import type { ReceivedMetricPoint } from '@repo/trace-model';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../src/index.ts';
import { callGrpcExport, otlpTransports, receiverKeepingRejections } from './send-helpers.ts';

let receiver: Receiver;
let rejections: string[];

beforeEach(async () => {
  ({ receiver, rejections } = await receiverKeepingRejections());
});
afterEach(() => receiver.close());

const ROUTE_X: Attributes = { 'http.request.method': 'GET', 'http.route': '/x', 'http.response.status_code': 200 };
const ROUTE_Y: Attributes = { 'http.request.method': 'POST', 'http.route': '/y', 'http.response.status_code': 201 };

/**
 * One export from a real MeterProvider: a request-duration histogram with explicit bounds in two
 * series, a counter and a gauge. Shutting the provider down collects and exports them once.
 */
async function sendMetrics(exporter: PushMetricExporter, views: ConstructorParameters<typeof MeterProvider>[0] = {}): Promise<void> {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'receiver-test' }),
    // Exports only at shutdown: an interval longer than any test.
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000 })],
    ...views,
  });
  const meter = provider.getMeter('receiver-test-scope', '1.2.3');
  const duration = meter.createHistogram('http.server.request.duration', {
    unit: 's', description: 'Duration of HTTP server requests.', advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025] },
  });
  for (const seconds of [0.003, 0.007, 0.02, 0.5]) duration.record(seconds, ROUTE_X);
  duration.record(0.008, ROUTE_Y);
  meter.createCounter('requests', { unit: '{request}', valueType: ValueType.INT }).add(3, ROUTE_X);
  meter.createGauge('temperature', { unit: 'Cel' }).record(21.5, { room: 'lab' });
  await provider.shutdown();
}

const byName = (points: ReceivedMetricPoint[], name: string) => points.filter((p) => p.name === name);

describe('metrics sent to the receiver', () => {
  const transports = otlpTransports(() => receiver, '/v1/metrics', { grpc: GrpcMetricExporter, protobuf: ProtobufMetricExporter, json: JsonMetricExporter });

  it.each(transports)('decodes every field of a histogram, a counter and a gauge sent over %s by the real exporter', async (_name, exporter) => {
    await sendMetrics(exporter());
    const points = await receiver.waitForMetrics((p) => p.length === 4, 5000);
    const common = {
      scope: { name: 'receiver-test-scope', version: '1.2.3' },
      resource: expect.objectContaining({ 'service.name': 'receiver-test' }),
    };

    const [x, y] = ['/x', '/y'].map((route) => byName(points, 'http.server.request.duration').find((p) => p.attributes['http.route'] === route));
    expect(x).toEqual({
      ...common,
      kind: 'HISTOGRAM', name: 'http.server.request.duration', description: 'Duration of HTTP server requests.', unit: 's',
      temporality: 'CUMULATIVE', attributes: ROUTE_X,
      count: 4n, sum: expect.closeTo(0.53, 9), min: 0.003, max: 0.5,
      explicitBounds: [0.005, 0.01, 0.025], bucketCounts: [1n, 1n, 1n, 1n],
      startTimeUnixNano: expect.any(BigInt), timeUnixNano: expect.any(BigInt),
    });
    expect(x!.startTimeUnixNano).toBeGreaterThan(0n);
    expect(x!.timeUnixNano).toBeGreaterThanOrEqual(x!.startTimeUnixNano);
    expect(y).toMatchObject({ attributes: ROUTE_Y, count: 1n, sum: 0.008, bucketCounts: [0n, 1n, 0n, 0n] });

    expect(byName(points, 'requests')).toEqual([{
      ...common, kind: 'SUM', name: 'requests', description: '', unit: '{request}', temporality: 'CUMULATIVE', monotonic: true,
      attributes: ROUTE_X, value: 3, startTimeUnixNano: expect.any(BigInt), timeUnixNano: expect.any(BigInt),
    }]);
    expect(byName(points, 'temperature')).toEqual([{
      ...common, kind: 'GAUGE', name: 'temperature', description: '', unit: 'Cel',
      attributes: { room: 'lab' }, value: 21.5, startTimeUnixNano: expect.any(BigInt), timeUnixNano: expect.any(BigInt),
    }]);
    expect(receiver.stats()).toMatchObject({ metricExports: 1, metricPoints: 4, exports: 0, spans: 0, logRecords: 0 });
    expect(rejections).toEqual([]);
  });

  it('decodes an exponential histogram and delta temporality as the SDK sends them', async () => {
    await sendMetrics(
      new GrpcMetricExporter({ url: receiver.grpcEndpoint, temporalityPreference: AggregationTemporality.DELTA }),
      { views: [{ instrumentName: 'http.server.request.duration', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }] },
    );
    const points = await receiver.waitForMetrics((p) => p.length === 4, 5000);
    const x = byName(points, 'http.server.request.duration').find((p) => p.attributes['http.route'] === '/x');
    expect(x).toMatchObject({ kind: 'EXPONENTIAL_HISTOGRAM', temporality: 'DELTA', count: 4n, min: 0.003, max: 0.5, zeroCount: 0n });
    if (x?.kind !== 'EXPONENTIAL_HISTOGRAM') throw new Error('not an exponential histogram');
    expect(x.positive.bucketCounts.reduce((a, b) => a + b, 0n)).toBe(4n);
    expect(x.negative.bucketCounts).toEqual([]);
    expect(typeof x.scale).toBe('number');
    expect(byName(points, 'requests')[0]).toMatchObject({ kind: 'SUM', temporality: 'DELTA' });
  });
});

describe('metrics in OTLP/HTTP JSON written by hand', () => {
  const post = (body: unknown) =>
    fetch(`http://localhost:${receiver.httpPort}/v1/metrics`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const request = (metric: object) => ({ resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] });

  it('keeps an integer too large for a JS number as a string, and 64-bit counts given as strings exactly', async () => {
    const response = await post({
      resourceMetrics: [{
        scopeMetrics: [{
          metrics: [
            { name: 'big', sum: { aggregationTemporality: 'AGGREGATION_TEMPORALITY_CUMULATIVE', isMonotonic: true, dataPoints: [{ asInt: '9007199254740993', timeUnixNano: '1700000000000000001' }] } },
            { name: 'h', histogram: { aggregationTemporality: 1, dataPoints: [{ count: '18446744073709551615', bucketCounts: ['18446744073709551615'], explicitBounds: [] }] } },
          ],
        }],
      }],
    });
    expect(response.status).toBe(200);
    const [big, h] = receiver.metrics();
    expect(big).toMatchObject({ kind: 'SUM', value: '9007199254740993', temporality: 'CUMULATIVE', timeUnixNano: 1700000000000000001n });
    expect(h).toMatchObject({ kind: 'HISTOGRAM', temporality: 'DELTA', count: 18446744073709551615n, bucketCounts: [18446744073709551615n], explicitBounds: [] });
  });

  it('decodes a summary, which only other SDKs send', async () => {
    await post(request({ name: 'latency', unit: 'ms', summary: { dataPoints: [{ count: 10, sum: 55.5, quantileValues: [{ quantile: 0.5, value: 5 }, { quantile: 1, value: 9.5 }] }] } }));
    expect(receiver.metrics()).toEqual([expect.objectContaining({
      kind: 'SUMMARY', name: 'latency', unit: 'ms', count: 10n, sum: 55.5, quantileValues: [{ quantile: 0.5, value: 5 }, { quantile: 1, value: 9.5 }],
    })]);
  });

  it('marks a point that says it has no recorded value', async () => {
    await post(request({ name: 'g', gauge: { dataPoints: [{ asDouble: 0, flags: 1 }] } }));
    expect(receiver.metrics()[0]).toMatchObject({ kind: 'GAUGE', noRecordedValue: true });
  });

  it('keeps nothing of a metric with no data', async () => {
    expect((await post(request({ name: 'empty' }))).status).toBe(200);
    expect(receiver.metrics()).toEqual([]);
    expect(receiver.stats()).toMatchObject({ metricExports: 1, metricPoints: 0 });
  });
});

describe('bad metrics input to the receiver', () => {
  const post = (body: string | Buffer, type: string) =>
    fetch(`http://localhost:${receiver.httpPort}/v1/metrics`, { method: 'POST', body, headers: { 'content-type': type } });
  const json = (metric: object) => JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] });
  const histogram = (point: object) => json({ name: 'h', histogram: { dataPoints: [point] } });

  it.each([
    ['garbage protobuf', 'application/x-protobuf', Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]), /^not a protobuf ExportMetricsServiceRequest: /],
    ['malformed JSON', 'application/json', '{"resourceMetrics": [', /^not JSON: /],
    ['JSON of the wrong shape', 'application/json', '{"resourceMetrics": {"a": 1}}', /^resourceMetrics must be a list$/],
    ['a metric that is not an object', 'application/json', '{"resourceMetrics": [{"scopeMetrics": [{"metrics": ["h"]}]}]}', /^metric must be an object$/],
    ['a metric with two kinds of data', 'application/json', json({ name: 'h', gauge: {}, sum: {} }), /^metric "h" has more than one of gauge, sum$/],
    ['bucket counts that do not match the bounds', 'application/json', histogram({ count: 1, bucketCounts: [1], explicitBounds: [1, 2] }),
      /^h histogram point has 1 bucketCounts for 2 explicitBounds; it needs one more count than bounds$/],
    ['bounds that do not increase', 'application/json', histogram({ bucketCounts: [0, 0, 0], explicitBounds: [2, 1] }), /^h histogram point explicitBounds must increase, got \[2,1\]$/],
    ['a negative count', 'application/json', histogram({ count: -1 }), /^h histogram point count must be a whole number of at least 0, got -1$/],
    ['a value that is not a number', 'application/json', json({ name: 'g', gauge: { dataPoints: [{ asDouble: 'lots' }] } }), /^g gauge point asDouble must be a number, got "lots"$/],
    ['an unknown temporality', 'application/json', json({ name: 's', sum: { aggregationTemporality: 'SOMETIMES' } }), /^aggregationTemporality must be a whole number or one of its names, got "SOMETIMES"$/],
  ])('answers 400 with the reason for %s, logs one line, and takes the next valid export', async (_name, type, body, reason) => {
    const response = await post(body, type);
    expect(response.status).toBe(400);
    expect((await response.text()).trim()).toMatch(reason);
    expect(rejections).toEqual([expect.stringMatching(/^otlp-receiver: rejected an OTLP\/HTTP (JSON|protobuf) export of metrics: [^\n]+$/)]);
    expect(rejections[0].split(': ').slice(2).join(': ')).toMatch(reason);

    await sendMetrics(new JsonMetricExporter({ url: `http://localhost:${receiver.httpPort}/v1/metrics` }));
    expect(receiver.metrics()).toHaveLength(4);
    expect(receiver.stats()).toMatchObject({ rejected: 1, metricExports: 1 });
  });

  it('answers INVALID_ARGUMENT to a gRPC metrics export that is not one, naming the signal in its line', async () => {
    const error = await callGrpcExport(receiver.grpcPort, '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export', Buffer.from([0x0a, 0xff, 0xff]));
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/^not a protobuf ExportMetricsServiceRequest: /);
    expect(rejections).toEqual([expect.stringMatching(/^otlp-receiver: rejected an OTLP\/gRPC export of metrics: INVALID_ARGUMENT: not a protobuf ExportMetricsServiceRequest/)]);
    await sendMetrics(new GrpcMetricExporter({ url: receiver.grpcEndpoint }));
    expect(receiver.metrics()).toHaveLength(4);
  });
});

describe('the receiver API for metrics', () => {
  it('keeps at most maxMetricPoints, dropping the oldest and counting them', async () => {
    const small = await startReceiver({ grpcPort: 0, httpPort: null, maxMetricPoints: 3 });
    try {
      await sendMetrics(new GrpcMetricExporter({ url: small.grpcEndpoint }));
      expect(small.metrics().map((p) => p.name)).toEqual(['http.server.request.duration', 'requests', 'temperature']);
      expect(small.stats()).toMatchObject({ metricPoints: 4, droppedMetricPoints: 1, dropped: 0 });
    } finally {
      await small.close();
    }
  });

  it('with decodeLater (the benchmark\'s mode, for traces), still decodes metrics as they come', async () => {
    const later = await startReceiver({ grpcPort: 0, httpPort: null, decodeLater: true });
    try {
      await sendMetrics(new GrpcMetricExporter({ url: later.grpcEndpoint }));
      expect(later.metrics()).toHaveLength(4);
    } finally {
      await later.close();
    }
  });

  it('calls onMetrics and the subscribe listeners with each metrics export, and says what came when waitForMetrics times out', async () => {
    const exports: ReceivedMetricPoint[][] = [];
    const watched = await startReceiver({ grpcPort: 0, httpPort: null, onMetrics: (points) => exports.push(points) });
    try {
      let calls = 0;
      watched.subscribe(() => calls++);
      const never = watched.waitForMetrics((p) => p.length > 100, 1000);
      await sendMetrics(new GrpcMetricExporter({ url: watched.grpcEndpoint }));
      expect(calls).toBe(1);
      expect(exports.map((points) => points.length)).toEqual([4]);
      await expect(never).rejects.toThrow(
        'timed out after 1000 ms waiting for metric points; received 4: receiver-test/http.server.request.duration (×2), receiver-test/requests, receiver-test/temperature',
      );
    } finally {
      await watched.close();
    }
  });
});
