import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import * as grpc from '@grpc/grpc-js';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReceiverListenError, startReceiver, type Receiver } from '../src/index.ts';
import { callGrpcExport, otlpTransports, receiverKeepingRejections } from './send-helpers.ts';

let receiver: Receiver;
let rejections: string[];

beforeEach(async () => {
  ({ receiver, rejections } = await receiverKeepingRejections());
});
afterEach(() => receiver.close());

const ATTRIBUTES: Attributes = { text: 'served', whole: 42, fraction: 0.5, flag: true, list: ['a', 'b'] };

/** A parent and a child span, with every kind of attribute, an event and an error status. */
async function sendTrace(exporter: SpanExporter): Promise<{ traceId: string; parentId: string; childId: string }> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'receiver-test' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('receiver-test-scope', '1.2.3');
  const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER, attributes: ATTRIBUTES });
  const { traceId, spanId: parentId } = parent.spanContext();
  const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, parent));
  child.recordException(new Error('it broke'));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'it broke' });
  child.end();
  parent.end();
  await provider.shutdown();
  return { traceId, parentId, childId: child.spanContext().spanId };
}

describe('startReceiver', () => {
  const transports = otlpTransports(() => receiver, '/v1/traces', { grpc: GrpcTraceExporter, protobuf: ProtobufTraceExporter, json: JsonTraceExporter });

  it.each(transports)('decodes every field of spans sent over %s by the real exporter', async (_name, exporter) => {
    const { traceId, parentId, childId } = await sendTrace(exporter());
    const spans = await receiver.waitForSpans((s) => s.length === 2, 5000);
    const parent = spans.find((s) => s.name === 'parent')!;
    const child = spans.find((s) => s.name === 'child')!;

    expect(parent).toMatchObject({
      traceId,
      spanId: parentId,
      kind: 'SERVER',
      attributes: ATTRIBUTES,
      status: { code: 'UNSET' },
      scope: { name: 'receiver-test-scope', version: '1.2.3' },
      resource: expect.objectContaining({ 'service.name': 'receiver-test' }),
    });
    expect(parent.parentSpanId).toBeUndefined();
    expect(parent.endTimeUnixNano).toBeGreaterThan(parent.startTimeUnixNano);
    expect(child).toMatchObject({ traceId, spanId: childId, parentSpanId: parentId, kind: 'INTERNAL' });
    expect(child.status).toEqual({ code: 'ERROR', message: 'it broke' });
    expect(child.events).toEqual([
      expect.objectContaining({ name: 'exception', attributes: expect.objectContaining({ 'exception.message': 'it broke' }) }),
    ]);
    expect(rejections).toEqual([]);
  });

  it('says which port is taken instead of throwing a bind error', async () => {
    const holder = net.createServer().listen(0);
    await new Promise((resolve) => holder.once('listening', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      await expect(startReceiver({ grpcPort: 0, httpPort: port })).rejects.toThrow(
        new ReceiverListenError(`OTLP/HTTP port ${port} is already in use (another collector or receiver running?); stop it or choose another port`),
      );
      await expect(startReceiver({ grpcPort: receiver.grpcPort, httpPort: null })).rejects.toThrow(
        `OTLP/gRPC port ${receiver.grpcPort} is already in use`,
      );
    } finally {
      holder.close();
    }
  });

  it('keeps at most maxSpans, dropping the oldest and counting them', async () => {
    const small = await startReceiver({ grpcPort: 0, httpPort: null, maxSpans: 3 });
    try {
      const first = await sendTrace(new GrpcTraceExporter({ url: `http://localhost:${small.grpcPort}` }));
      const second = await sendTrace(new GrpcTraceExporter({ url: `http://localhost:${small.grpcPort}` }));
      // Of the first trace's two spans one is gone; the second trace is whole.
      expect(small.spans().map((s) => s.traceId)).toEqual([first.traceId, second.traceId, second.traceId]);
      expect(small.stats()).toMatchObject({ spans: 4, dropped: 1 });
    } finally {
      await small.close();
    }
  });
});

describe('bad input to the receiver', () => {
  const post = (body: string | Buffer, headers: Record<string, string>, path = '/v1/traces') =>
    fetch(`http://localhost:${receiver.httpPort}${path}`, { method: 'POST', body, headers });

  it.each([
    ['garbage protobuf', 'application/x-protobuf', Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]), /not a protobuf ExportTraceServiceRequest/],
    ['malformed JSON', 'application/json', '{"resourceSpans": [', /not JSON/],
    ['JSON of the wrong shape', 'application/json', '{"resourceSpans": {"a": 1}}', /resourceSpans must be a list/],
    ['a span id of the wrong length', 'application/json',
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'abc' }] }] }] }),
      /spanId must be 8 bytes/],
  ])('answers 400 with the reason for %s, logs one line, and takes the next valid export', async (_name, type, body, reason) => {
    const response = await post(body, { 'content-type': type });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(reason);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatch(reason);

    await sendTrace(new JsonTraceExporter({ url: `http://localhost:${receiver.httpPort}/v1/traces` }));
    expect(receiver.spans()).toHaveLength(2);
  });

  it('answers 400 for a body that claims gzip but is not', async () => {
    const response = await post('plain', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/does not gunzip/);
  });

  it('answers 413 for a body over the size limit', async () => {
    const small = await startReceiver({ grpcPort: 0, httpPort: 0, maxMessageBytes: 1024, onReject: () => {} });
    try {
      const response = await fetch(`http://localhost:${small.httpPort}/v1/traces`, {
        method: 'POST', body: Buffer.alloc(64 * 1024), headers: { 'content-type': 'application/x-protobuf' },
      });
      expect(response.status).toBe(413);
      expect(small.stats().rejected).toBe(1);
    } finally {
      await small.close();
    }
  });

  it('keeps an export whose onLogs listener throws, tells the sender with a 500 and names it in one line, and serves on', async () => {
    const lines: string[] = [];
    const failing = await startReceiver({ grpcPort: 0, httpPort: 0, onReject: (line) => lines.push(line), onLogs: () => { throw new Error('a listener broke'); } });
    try {
      const body = JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'x' } }] }] }] });
      const response = await fetch(`http://localhost:${failing.httpPort}/v1/logs`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect([response.status, failing.logs().length]).toEqual([500, 1]);
      expect(lines).toEqual([expect.stringMatching(/^otlp-receiver: rejected an OTLP\/HTTP JSON export of logs: kept, but a listener failed/)]);
      await sendTrace(new JsonTraceExporter({ url: `http://localhost:${failing.httpPort}/v1/traces` }));
      expect(failing.spans()).toHaveLength(2);
    } finally {
      await failing.close();
    }
  });

  it('answers 404 naming the three paths for any other, and 415 for other content types', async () => {
    const other = await post('{}', { 'content-type': 'application/json' }, '/v1/profiles');
    expect(other.status).toBe(404);
    expect(await other.text()).toBe('this receiver takes OTLP exports only: POST /v1/traces, /v1/metrics or /v1/logs\n');
    expect((await post('{}', { 'content-type': 'text/plain' })).status).toBe(415);
  });

  it('started with signals [traces], answers an export of metrics or logs as a traces-only collector does (gRPC 12 UNIMPLEMENTED, HTTP 404) and takes traces', async () => {
    const tracesOnly = await startReceiver({ grpcPort: 0, httpPort: 0, signals: ['traces'], onReject: () => {} });
    try {
      const empty = Buffer.alloc(0);
      for (const service of ['metrics.v1.MetricsService', 'logs.v1.LogsService']) {
        expect((await callGrpcExport(tracesOnly.grpcPort, `/opentelemetry.proto.collector.${service}/Export`, empty)).code).toBe(grpc.status.UNIMPLEMENTED);
      }
      expect(await callGrpcExport(tracesOnly.grpcPort, '/opentelemetry.proto.collector.trace.v1.TraceService/Export', empty)).toBeNull();
      const answers = await Promise.all(['/v1/metrics', '/v1/logs', '/v1/traces'].map(async (path) => {
        const response = await fetch(`http://localhost:${tracesOnly.httpPort}${path}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
        return [response.status, await response.text()];
      }));
      expect(answers).toEqual([
        [404, 'this receiver takes OTLP exports only: POST /v1/traces\n'], [404, 'this receiver takes OTLP exports only: POST /v1/traces\n'], [200, '{}'],
      ]);
      await sendTrace(new GrpcTraceExporter({ url: `http://localhost:${tracesOnly.grpcPort}` }));
      expect(tracesOnly.spans()).toHaveLength(2);
    } finally {
      await tracesOnly.close();
    }
  });

  it('answers INVALID_ARGUMENT to a gRPC export that is not a trace request, and keeps serving', async () => {
    const Client = grpc.makeGenericClientConstructor({
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: (bytes: Buffer) => bytes,
        requestDeserialize: (bytes: Buffer) => bytes,
        responseSerialize: (bytes: Buffer) => bytes,
        responseDeserialize: (bytes: Buffer) => bytes,
      },
    }, 'TraceService');
    const client = new Client(`localhost:${receiver.grpcPort}`, grpc.credentials.createInsecure());
    const error = await new Promise<{ code: number; details: string }>((resolve) =>
      (client as unknown as { Export: (b: Buffer, cb: (e: unknown) => void) => void }).Export(
        Buffer.from([0x0a, 0xff, 0xff]), (e) => resolve(e as { code: number; details: string })),
    );
    client.close();
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/not a protobuf ExportTraceServiceRequest/);
    expect(rejections).toEqual([expect.stringMatching(/^otlp-receiver: rejected an OTLP\/gRPC export of traces: INVALID_ARGUMENT: not a protobuf/)]);

    await sendTrace(new GrpcTraceExporter({ url: `http://localhost:${receiver.grpcPort}` }));
    expect(receiver.spans()).toHaveLength(2);
  });

  it('answers RESOURCE_EXHAUSTED to a gRPC message over the size limit, and keeps serving', async () => {
    const small = await startReceiver({ grpcPort: 0, httpPort: null, maxMessageBytes: 2000 });
    try {
      const exporter = new GrpcTraceExporter({ url: `http://localhost:${small.grpcPort}` });
      const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
      const span = provider.getTracer('t').startSpan('x'.repeat(5000));
      span.end();
      // grpc-js rejects it before the service sees it: the sender gets the status, no log line here.
      const result = await new Promise<{ error?: Error }>((resolve) => exporter.export([span as never], resolve));
      expect(result.error?.message).toMatch(/RESOURCE_EXHAUSTED.*larger than max/);
      expect(small.spans()).toEqual([]);
      provider.getTracer('t').startSpan('small').end();
      await provider.forceFlush();
      expect(small.spans().map((s) => s.name)).toEqual(['small']);
      await provider.shutdown();
    } finally {
      await small.close();
    }
  });

  it('survives bytes that are not HTTP/2 at all on the gRPC port, and keeps serving', async () => {
    const socket = net.connect(receiver.grpcPort, 'localhost');
    await new Promise((resolve) => socket.once('connect', resolve));
    // The HTTP/2 server answers with GOAWAY and closes the connection.
    const closed = new Promise((resolve) => socket.resume().once('close', resolve));
    socket.write('this is not a gRPC client\r\n\r\n');
    await closed;
    await sendTrace(new GrpcTraceExporter({ url: `http://localhost:${receiver.grpcPort}` }));
    expect(receiver.spans()).toHaveLength(2);
  });
});

describe('the receiver API', () => {
  it('with decodeLater, still resolves waitForSpans and calls subscribe listeners once per kept export', async () => {
    const later = await startReceiver({ grpcPort: 0, httpPort: null, decodeLater: true });
    try {
      let calls = 0;
      later.subscribe(() => calls++);
      const waited = later.waitForSpans((s) => s.length === 2, 2000);
      await sendTrace(new GrpcTraceExporter({ url: later.grpcEndpoint }));
      expect(calls).toBe(2); // SimpleSpanProcessor: one export per span
      expect((await waited).map((s) => s.name).sort()).toEqual(['child', 'parent']);
      expect(later.stats()).toMatchObject({ exports: 2, spans: 2 });
      expect(calls).toBe(2); // decoding is not a second export
    } finally {
      await later.close();
    }
  });

  it.each([
    ['127.0.0.1', 'http://127.0.0.1'],
    ['::1', 'http://[::1]'],
  ])('gives a grpcEndpoint on the host it listens on: %s', async (host, expected) => {
    const onHost = await startReceiver({ grpcPort: 0, httpPort: null, host });
    try {
      expect(onHost.grpcEndpoint).toBe(`${expected}:${onHost.grpcPort}`);
      await sendTrace(new GrpcTraceExporter({ url: onHost.grpcEndpoint }));
      expect(onHost.spans()).toHaveLength(2);
    } finally {
      await onHost.close();
    }
  });

  it('clear() forgets the spans, the stats and the traces still open', async () => {
    let traceDone!: (spans: string[]) => void;
    const finished = new Promise<string[]>((resolve) => (traceDone = resolve));
    const traced = await startReceiver({
      grpcPort: 0, httpPort: null, traceIdleMs: 200, onTrace: (spans) => traceDone(spans.map((s) => s.name)),
    });
    const provider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: new GrpcTraceExporter({ url: traced.grpcEndpoint }) })],
    });
    try {
      const tracer = provider.getTracer('t');
      const parent = tracer.startSpan('parent');
      const childKept = traced.waitForSpans((s) => s.length === 1);
      tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, parent)).end();
      await childKept; // resolved before any timer can run: the child's trace is still open
      traced.clear();
      expect(traced.spans()).toEqual([]);
      expect(traced.stats()).toMatchObject({ exports: 0, spans: 0, rejected: 0, dropped: 0 });
      parent.end();
      expect(await finished).toEqual(['parent']);
    } finally {
      await provider.shutdown();
      await traced.close();
    }
  });

  it('gives onTrace a finished trace, then the whole trace again when a span of it arrives late, saying how many came late', async () => {
    const calls: { names: string[]; late?: { added: number } }[] = [];
    let called!: () => void;
    const traced = await startReceiver({
      grpcPort: 0, httpPort: null, traceIdleMs: 100,
      onTrace: (spans, late) => {
        calls.push({ names: spans.map((s) => s.name).sort(), ...(late ? { late } : {}) });
        called();
      },
    });
    const provider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter: new GrpcTraceExporter({ url: traced.grpcEndpoint }) })],
    });
    const nextCall = () => new Promise<void>((resolve) => (called = resolve));
    try {
      const tracer = provider.getTracer('t');
      const parent = tracer.startSpan('parent');
      let printed = nextCall();
      tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, parent)).end();
      await printed; // the child's trace, printed before its parent came
      printed = nextCall();
      parent.end();
      await printed;
      expect(calls).toEqual([{ names: ['child'] }, { names: ['child', 'parent'], late: { added: 1 } }]);
    } finally {
      await provider.shutdown();
      await traced.close();
    }
  });
});
