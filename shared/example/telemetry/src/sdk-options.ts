// NodeSDK's options built from the config: for each signal, its exporters, each behind the
// processor or reader that batches it off the request path.
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as GrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchLogRecordProcessor, ConsoleLogRecordExporter, SimpleLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { ConsoleMetricExporter, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import type { TelemetryConfig } from './config';
import { OutageReportingExporter } from './outage-reporting-exporter';

/**
 * NodeSDK's options for this project's telemetry: the service name, and each signal's exporters
 * as the config says (all three over OTLP unless OTEL_<SIGNAL>_EXPORTER says otherwise). Endpoint,
 * headers, timeout and compression are left to the exporters, which read OTEL_EXPORTER_OTLP_*
 * themselves. Export problems are reported in a line each, once per outage.
 */
export function sdkOptions(config: TelemetryConfig): Pick<NodeSDKConfiguration, 'serviceName' | 'spanProcessors' | 'metricReaders' | 'logRecordProcessors'> {
  return {
    serviceName: config.serviceName,
    spanProcessors: createSpanProcessors(config),
    metricReaders: createMetricReaders(config),
    logRecordProcessors: createLogRecordProcessors(config),
  };
}

/** OTLP spans are batched; console spans are printed as each one ends. */
export function createSpanProcessors({ traces }: TelemetryConfig): SpanProcessor[] {
  const otlp = { grpc: GrpcTraceExporter, 'http/protobuf': ProtobufTraceExporter, 'http/json': JsonTraceExporter }[traces.otlpProtocol];
  return traces.exporters.map((name) => name === 'console'
    ? new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })
    : new BatchSpanProcessor({ exporter: new OutageReportingExporter<unknown[]>(new otlp()) as SpanExporter, ...traces.batch }));
}

/** Metrics are collected and exported every OTEL_METRIC_EXPORT_INTERVAL, whatever the exporter. */
function createMetricReaders({ metrics }: TelemetryConfig): PeriodicExportingMetricReader[] {
  const otlp = { grpc: GrpcMetricExporter, 'http/protobuf': ProtobufMetricExporter, 'http/json': JsonMetricExporter }[metrics.otlpProtocol];
  const points = { signal: 'metric', items: 'metric points', count: countPoints };
  return metrics.exporters.map((name) => new PeriodicExportingMetricReader({
    exporter: name === 'console' ? new ConsoleMetricExporter() : new OutageReportingExporter(new otlp(), { what: points }) as PushMetricExporter,
    exportIntervalMillis: metrics.exportIntervalMillis,
    exportTimeoutMillis: Math.min(metrics.exportTimeoutMillis, metrics.exportIntervalMillis),
  }));
}

/** OTLP log records are batched; console ones are printed as each is emitted. */
function createLogRecordProcessors({ logs }: TelemetryConfig): LogRecordProcessor[] {
  const otlp = { grpc: GrpcLogExporter, 'http/protobuf': ProtobufLogExporter, 'http/json': JsonLogExporter }[logs.otlpProtocol];
  const records = { signal: 'log record', items: 'log records', count: (batch: unknown[]) => batch.length };
  return logs.exporters.map((name) => name === 'console'
    ? new SimpleLogRecordProcessor({ exporter: new ConsoleLogRecordExporter() })
    : new BatchLogRecordProcessor({ exporter: new OutageReportingExporter(new otlp(), { what: records }) as LogRecordExporter, ...logs.batch }));
}

function countPoints(batch: ResourceMetrics): number {
  return batch.scopeMetrics.reduce((sum, scope) => sum + scope.metrics.reduce((n, metric) => n + metric.dataPoints.length, 0), 0);
}
