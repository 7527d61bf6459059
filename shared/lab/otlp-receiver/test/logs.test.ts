import { context, SeverityNumber, trace, TraceFlags } from '@opentelemetry/api';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { StackContextManager, TracerProvider } from '@opentelemetry/sdk-trace';
import * as grpc from '@grpc/grpc-js';
import type { ReceivedLogRecord } from '@repo/trace-model';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../src/index.ts';
import { callGrpcExport, otlpTransports, receiverKeepingRejections } from './send-helpers.ts';

let receiver: Receiver;
let rejections: string[];

// An active span needs a context manager; the records are emitted synchronously, so the stack one will do.
beforeAll(() => void context.setGlobalContextManager(new StackContextManager().enable()));
afterAll(() => context.disable());
beforeEach(async () => {
  ({ receiver, rejections } = await receiverKeepingRejections());
});
afterEach(() => receiver.close());

/**
 * Two records from a real LoggerProvider: one emitted inside an active span, with every kind of
 * attribute, the other outside any span, with a structured body. Returns the span's context.
 */
async function sendLogs(exporter: LogRecordExporter): Promise<{ traceId: string; spanId: string }> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'receiver-test' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('receiver-test-scope', '1.2.3');
  const span = new TracerProvider().getTracer('t').startSpan('GET /x');
  context.with(trace.setSpan(context.active(), span), () => {
    logger.emit({
      severityNumber: SeverityNumber.INFO, severityText: 'info', body: 'server_request', eventName: 'request.served',
      attributes: { param: 'x', whole: 42, fraction: 0.5, flag: true, list: ['a', 'b'] },
    });
  });
  span.end();
  logger.emit({ severityNumber: SeverityNumber.WARN2, body: { message: 'outside', count: 2 } });
  await provider.shutdown();
  return span.spanContext();
}

describe('logs sent to the receiver', () => {
  const transports = otlpTransports(() => receiver, '/v1/logs', { grpc: GrpcLogExporter, protobuf: ProtobufLogExporter, json: JsonLogExporter });

  it.each(transports)('decodes every field of records sent over %s by the real exporter, the span they were made in too', async (_name, exporter) => {
    const { traceId, spanId } = await sendLogs(exporter());
    const records = await receiver.waitForLogs((r) => r.length === 2, 5000);
    // Two exports, one a record: over OTLP/HTTP they may arrive in either order.
    const [inSpan, outside] = [records.find((r) => r.traceId)!, records.find((r) => !r.traceId)!];
    const common = {
      scope: { name: 'receiver-test-scope', version: '1.2.3' },
      resource: expect.objectContaining({ 'service.name': 'receiver-test' }),
      timeUnixNano: expect.any(BigInt),
      observedTimeUnixNano: expect.any(BigInt),
    };
    expect(inSpan).toEqual({
      ...common,
      severityNumber: 9, severityText: 'info', body: 'server_request', eventName: 'request.served',
      attributes: { param: 'x', whole: 42, fraction: 0.5, flag: true, list: ['a', 'b'] },
      traceId, spanId, flags: TraceFlags.SAMPLED,
    });
    expect(inSpan.timeUnixNano).toBeGreaterThan(0n);
    expect(inSpan.observedTimeUnixNano).toBeGreaterThanOrEqual(inSpan.timeUnixNano);
    expect(outside).toEqual({ ...common, severityNumber: 14, body: { message: 'outside', count: 2 }, attributes: {}, flags: 0 });
    expect(receiver.stats()).toMatchObject({ logExports: 2, logRecords: 2, exports: 0, metricPoints: 0 });
    expect(rejections).toEqual([]);
  });
});

describe('logs in OTLP/HTTP JSON written by hand', () => {
  const post = (records: object[]) => fetch(`http://localhost:${receiver.httpPort}/v1/logs`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: records }] }] }),
  });

  it('takes ids in upper case, a severity by its name, and a time too large for a JS number', async () => {
    expect((await post([{
      traceId: '0AF7651916CD43DD8448EB211C80319C', spanId: 'B7AD6B7169203331', severityNumber: 'SEVERITY_NUMBER_ERROR3',
      timeUnixNano: '1700000000000000001', body: { kvlistValue: { values: [{ key: 'a', value: { intValue: '9007199254740993' } }] } },
    }])).status).toBe(200);
    expect(receiver.logs()).toEqual([expect.objectContaining({
      traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', severityNumber: 19,
      timeUnixNano: 1700000000000000001n, observedTimeUnixNano: 0n, body: { a: '9007199254740993' }, flags: 0,
    })]);
  });

  it('keeps a record with nothing in it, with no body', async () => {
    await post([{}]);
    expect(receiver.logs()).toEqual([{
      timeUnixNano: 0n, observedTimeUnixNano: 0n, severityNumber: 0, body: null, attributes: {}, flags: 0,
      scope: { name: '' }, resource: {},
    } satisfies ReceivedLogRecord]);
  });
});

describe('bad logs input to the receiver', () => {
  const post = (body: string | Buffer, type: string) =>
    fetch(`http://localhost:${receiver.httpPort}/v1/logs`, { method: 'POST', body, headers: { 'content-type': type } });
  const json = (record: object) => JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });

  it.each([
    ['garbage protobuf', 'application/x-protobuf', Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]), /^not a protobuf ExportLogsServiceRequest: /],
    ['malformed JSON', 'application/json', '{"resourceLogs": [', /^not JSON: /],
    ['JSON of the wrong shape', 'application/json', '{"resourceLogs": [{"scopeLogs": 3}]}', /^scopeLogs must be a list$/],
    ['a trace id of the wrong length', 'application/json', json({ traceId: 'abc', spanId: 'b7ad6b7169203331' }),
      /^log record traceId must be 16 bytes \(32 hex digits\), got "abc"$/],
    ['a span id that is not hex', 'application/json', json({ spanId: 'zzzzzzzzzzzzzzzz' }), /^log record spanId must be 8 bytes \(16 hex digits\), got "zzzzzzzzzzzzzzzz"$/],
    ['a time that is not a number', 'application/json', json({ timeUnixNano: 'yesterday' }), /^a time must be a whole number of nanoseconds, got "yesterday"$/],
    ['an unknown severity', 'application/json', json({ severityNumber: 'LOUD' }), /^severityNumber must be a whole number or one of its names, got "LOUD"$/],
    ['flags that are not a 32-bit number', 'application/json', json({ flags: 2 ** 40 }), /^log record flags must be a 32-bit unsigned number, got 1099511627776$/],
  ])('answers 400 with the reason for %s, logs one line, and takes the next valid export', async (_name, type, body, reason) => {
    const response = await post(body, type);
    expect(response.status).toBe(400);
    expect((await response.text()).trim()).toMatch(reason);
    expect(rejections).toEqual([expect.stringMatching(/^otlp-receiver: rejected an OTLP\/HTTP (JSON|protobuf) export of logs: [^\n]+$/)]);

    await sendLogs(new JsonLogExporter({ url: `http://localhost:${receiver.httpPort}/v1/logs` }));
    expect(receiver.logs()).toHaveLength(2);
    expect(receiver.stats()).toMatchObject({ rejected: 1, logRecords: 2 });
  });

  it('answers INVALID_ARGUMENT to a gRPC logs export that is not one, naming the signal in its line', async () => {
    const error = await callGrpcExport(receiver.grpcPort, '/opentelemetry.proto.collector.logs.v1.LogsService/Export', Buffer.from([0x0a, 0xff, 0xff]));
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/^not a protobuf ExportLogsServiceRequest: /);
    expect(rejections).toEqual([expect.stringMatching(/^otlp-receiver: rejected an OTLP\/gRPC export of logs: INVALID_ARGUMENT: not a protobuf ExportLogsServiceRequest/)]);
    await sendLogs(new GrpcLogExporter({ url: receiver.grpcEndpoint }));
    expect(receiver.logs()).toHaveLength(2);
  });

  it('answers 413 to a logs body over the size limit, counting it as rejected', async () => {
    const small = await startReceiver({ grpcPort: 0, httpPort: 0, maxMessageBytes: 1024, onReject: (line) => rejections.push(line) });
    try {
      const response = await fetch(`http://localhost:${small.httpPort}/v1/logs`, {
        method: 'POST', body: Buffer.alloc(64 * 1024), headers: { 'content-type': 'application/x-protobuf' },
      });
      expect(response.status).toBe(413);
      expect(small.stats().rejected).toBe(1);
      expect(rejections).toEqual(['otlp-receiver: rejected an OTLP/HTTP export of logs: body over 1024 bytes']);
    } finally {
      await small.close();
    }
  });
});

describe('the receiver API for logs', () => {
  it('keeps at most maxLogRecords, dropping the oldest and counting them', async () => {
    const small = await startReceiver({ grpcPort: 0, httpPort: null, maxLogRecords: 1 });
    try {
      await sendLogs(new GrpcLogExporter({ url: small.grpcEndpoint }));
      expect(small.logs().map((r) => r.body)).toEqual([{ message: 'outside', count: 2 }]);
      expect(small.stats()).toMatchObject({ logRecords: 2, droppedLogRecords: 1 });
    } finally {
      await small.close();
    }
  });

  it('calls onLogs and the subscribe listeners with each logs export', async () => {
    const exports: ReceivedLogRecord[][] = [];
    const watched = await startReceiver({ grpcPort: 0, httpPort: null, onLogs: (records) => exports.push(records) });
    try {
      let calls = 0;
      watched.subscribe(() => calls++);
      await sendLogs(new GrpcLogExporter({ url: watched.grpcEndpoint }));
      expect(calls).toBe(2); // SimpleLogRecordProcessor: one export per record
      expect(exports.map((records) => records.map((r) => r.severityNumber))).toEqual([[9], [14]]);
    } finally {
      await watched.close();
    }
  });

  it('clear() forgets the records, the metric points and the spans, and zeroes every count', async () => {
    await sendLogs(new GrpcLogExporter({ url: receiver.grpcEndpoint }));
    await fetch(`http://localhost:${receiver.httpPort}/v1/metrics`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ asDouble: 1 }] } }] }] }] }),
    });
    await fetch(`http://localhost:${receiver.httpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(receiver.stats()).toMatchObject({ logRecords: 2, metricPoints: 1, rejected: 1 });
    receiver.clear();
    expect([receiver.spans(), receiver.metrics(), receiver.logs()]).toEqual([[], [], []]);
    expect(receiver.stats()).toEqual({
      exports: 0, spans: 0, rejected: 0, dropped: 0,
      metricExports: 0, metricPoints: 0, droppedMetricPoints: 0, logExports: 0, logRecords: 0, droppedLogRecords: 0,
    });
  });

  it('says what came when waitForLogs times out', async () => {
    // Both records kept first (each export is answered once kept): the wait's message names them
    // whatever the time their sending took.
    await sendLogs(new GrpcLogExporter({ url: receiver.grpcEndpoint }));
    await expect(receiver.waitForLogs((r) => r.length > 2, 1)).rejects
      .toThrow('timed out after 1 ms waiting for log records; received 2: receiver-test/server_request, receiver-test/{"message":"outside","count":2}');
  });
});
