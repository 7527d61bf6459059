// NodeSDK's options built from the config: the span processors and their exporters.
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { OtlpProtocol, TelemetryConfig } from './config';
import { OutageReportingExporter } from './outage-reporting-exporter';

/**
 * One processor per exporter: OTLP spans are batched (export off the request path), console
 * spans are printed as each one ends. Endpoint, headers, timeout and compression are left to
 * the exporters, which read OTEL_EXPORTER_OTLP_* themselves. Export problems are reported in a
 * line each, once per outage (see outage-reporting-exporter.ts).
 */
export function createSpanProcessors(config: TelemetryConfig): SpanProcessor[] {
  return config.tracesExporters.map((name) =>
    name === 'console'
      ? new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })
      : new BatchSpanProcessor({ exporter: new OutageReportingExporter(createOtlpExporter(config.otlpProtocol)), ...config.batch }),
  );
}

/**
 * NodeSDK's options for this project's telemetry: the service name, the span processors above,
 * and traces only, as in the Python original (--metrics_exporter none --logs_exporter none):
 * NodeSDK would otherwise also export metrics and logs over OTLP.
 */
export function tracesOnlySdkOptions(config: TelemetryConfig): Pick<NodeSDKConfiguration, 'serviceName' | 'spanProcessors' | 'metricReaders' | 'logRecordProcessors'> {
  return { serviceName: config.serviceName, spanProcessors: createSpanProcessors(config), metricReaders: [], logRecordProcessors: [] };
}

function createOtlpExporter(protocol: OtlpProtocol): SpanExporter {
  switch (protocol) {
    case 'grpc':
      return new GrpcTraceExporter();
    case 'http/protobuf':
      return new ProtobufTraceExporter();
    case 'http/json':
      return new JsonTraceExporter();
  }
}
