// The encode-on-end prototype: span and log record processors that take the place of the SDK's
// batch processors (same options, same exporter) and encode each item into OTLP protobuf as it
// ends, so that a batch holds bytes outside the JavaScript heap rather than the finished objects,
// and no request serializes a whole batch. The exporter NodeSDK built from OTEL_* sends those
// bytes as they are: over gRPC or over HTTP, as OTEL_EXPORTER_OTLP_PROTOCOL says (protobuf only).
// A prototype of an upstream change, applied by `BENCH_STAGE=encode-on-end` (bench-stages.cjs).
const { context, diag, TraceFlags } = require('@opentelemetry/api');
const { ExportResultCode, globalErrorHandler, suppressTracing } = require('@opentelemetry/core');
const { ProtobufLogsSerializer, ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { ScopeItems, encodeRequest } = require('./otlp-bytes.cjs');

/** The serializer of each signal's OTLP protobuf exporters: the one whose bytes the prototype writes. */
const SERIALIZERS = { spans: ProtobufTraceSerializer, logs: ProtobufLogsSerializer };

/** Items encoded as they come, exported by the batch as the SDK's batch processors do. */
class EncodedQueue {
  #batch = undefined;
  #timer = undefined;
  #inFlight = new Set();
  #pending = 0;
  #dropped = 0;
  #shutdown = undefined;

  constructor(signal, { exporter, maxQueueSize = 2048, maxExportBatchSize = 512, scheduledDelayMillis = 5000, exportTimeoutMillis = 30000 }) {
    Object.assign(this, { signal, exporter, maxQueueSize, maxExportBatchSize: Math.min(maxExportBatchSize, maxQueueSize), scheduledDelayMillis, exportTimeoutMillis });
    sendsEncodedBatches(exporter, SERIALIZERS[signal]);
  }

  add(item) {
    if (this.#shutdown) return;
    // As the SDK's: a full queue (items waiting plus items being sent) drops the new one.
    if (this.#pending >= this.maxQueueSize) {
      this.#dropped += 1;
      return;
    }
    if (this.#dropped) {
      diag.warn(`encode-on-end: dropped ${this.#dropped} ${this.signal} because maxQueueSize was reached`);
      this.#dropped = 0;
    }
    this.#batch ??= { resource: item.resource, scopes: new Map(), length: 0 };
    const { scopes } = this.#batch;
    if (!scopes.has(item.instrumentationScope)) scopes.set(item.instrumentationScope, new ScopeItems(this.signal));
    scopes.get(item.instrumentationScope).add(item);
    this.#batch.length += 1;
    this.#pending += 1;
    if (this.#batch.length >= this.maxExportBatchSize) this.#exportBatch();
    else this.#timer ??= setTimeout(() => this.#exportBatch(), this.scheduledDelayMillis).unref();
  }

  /** The open batch sent now, and every export in flight awaited. */
  async flush() {
    this.#exportBatch();
    await Promise.all(this.#inFlight);
  }

  /** Once: what is left sent, then the exporter shut down; items after it are ignored. */
  shutdown() {
    this.#shutdown ??= this.flush().then(() => this.exporter.shutdown());
    return this.#shutdown;
  }

  #exportBatch() {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = undefined;
    const sent = this.#send(batch).catch(globalErrorHandler).finally(() => {
      this.#pending -= batch.length;
      this.#inFlight.delete(sent);
    });
    this.#inFlight.add(sent);
  }

  async #send(batch) {
    // As the SDK's: a resource whose detectors are still running is awaited before it is written.
    if (batch.resource.asyncAttributesPending) await batch.resource.waitForAsyncAttributes?.();
    const encoded = { bytes: encodeRequest(batch), length: batch.length };
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`encode-on-end: ${this.signal} export timed out`)), this.exportTimeoutMillis);
      // The export's own HTTP request is not traced (the SDK's processors suppress it too).
      context.with(suppressTracing(context.active()), () => this.exporter.export(encoded, ({ code, error }) => {
        clearTimeout(timer);
        if (code === ExportResultCode.SUCCESS) resolve();
        else reject(error ?? new Error(`encode-on-end: ${this.signal} export failed`));
      }));
    });
  }
}

/**
 * The OTLP exporter's own export path (endpoint, headers, transport, retries, concurrency limit)
 * given bytes instead of items: its serializer is swapped for one that returns them. The upstream
 * change would be an export delegate that takes serialized requests. Protobuf only: an exporter
 * that serializes otherwise (http/json) is refused.
 */
function sendsEncodedBatches(exporter, serializer) {
  const delegate = exporter?._delegate;
  if (delegate?._serializer !== serializer) {
    throw new Error(`encode-on-end sends OTLP protobuf (OTEL_EXPORTER_OTLP_PROTOCOL grpc or http/protobuf); ${exporter?.constructor?.name ?? 'this exporter'} does not serialize with ${serializer === ProtobufTraceSerializer ? 'ProtobufTraceSerializer' : 'ProtobufLogsSerializer'}`);
  }
  delegate._serializer = { serializeRequest: (encoded) => encoded.bytes, deserializeResponse: serializer.deserializeResponse };
}

/** In place of the SDK's BatchSpanProcessor: the sampled spans, encoded as they end. */
class EncodingSpanProcessor {
  #queue;
  constructor(options) {
    this.#queue = new EncodedQueue('spans', options);
  }
  onStart() {}
  onEnd(span) {
    if (span.spanContext().traceFlags & TraceFlags.SAMPLED) this.#queue.add(span);
  }
  forceFlush() {
    return this.#queue.flush();
  }
  shutdown() {
    return this.#queue.shutdown();
  }
}

/** In place of the SDK's BatchLogRecordProcessor: each record, encoded as it is emitted. */
class EncodingLogRecordProcessor {
  #queue;
  constructor(options) {
    this.#queue = new EncodedQueue('logs', options);
  }
  onEmit(logRecord) {
    this.#queue.add(logRecord);
  }
  forceFlush() {
    return this.#queue.flush();
  }
  shutdown() {
    return this.#queue.shutdown();
  }
}

module.exports = { EncodingSpanProcessor, EncodingLogRecordProcessor };
