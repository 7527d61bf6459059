import { describe, expect, it } from 'vitest';
import { readTelemetryConfig, TelemetryConfigError } from '../src/index.ts';

const defaults = { serviceName: 'manual-instrument-service' };
const SPEC_BATCH = { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 1000, exportTimeoutMillis: 30000 };

describe('readTelemetryConfig', () => {
  it('without OTEL_* variables: the app default name, all three signals over OTLP/gRPC, the batch and export defaults (a larger span queue)', () => {
    expect(readTelemetryConfig(defaults, {})).toEqual({
      serviceName: 'manual-instrument-service',
      traces: { exporters: ['otlp'], otlpProtocol: 'grpc', batch: { maxQueueSize: 8192, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 } },
      metrics: { exporters: ['otlp'], otlpProtocol: 'grpc', exportIntervalMillis: 60000, exportTimeoutMillis: 30000 },
      logs: { exporters: ['otlp'], otlpProtocol: 'grpc', batch: SPEC_BATCH },
    });
  });

  it('takes the standard variables when they are set', () => {
    const config = readTelemetryConfig(defaults, {
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_TRACES_EXPORTER: 'console,otlp',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'console',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BSP_EXPORT_TIMEOUT: '1000',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_METRIC_EXPORT_TIMEOUT: '500',
      OTEL_BLRP_SCHEDULE_DELAY: '100',
    });
    expect(config).toEqual({
      serviceName: 'checkout',
      traces: { exporters: ['console', 'otlp'], otlpProtocol: 'http/protobuf', batch: { maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 200, exportTimeoutMillis: 1000 } },
      metrics: { exporters: [], otlpProtocol: 'http/protobuf', exportIntervalMillis: 1000, exportTimeoutMillis: 500 },
      logs: { exporters: ['console'], otlpProtocol: 'http/protobuf', batch: { ...SPEC_BATCH, scheduledDelayMillis: 100 } },
    });
  });

  it('prefers a signal\'s own protocol variable over the general one, as the spec says', () => {
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc' };
    const config = readTelemetryConfig(defaults, env);
    expect([config.traces.otlpProtocol, config.metrics.otlpProtocol, config.logs.otlpProtocol]).toEqual(['http/json', 'http/protobuf', 'grpc']);
  });

  it('treats empty variables as unset', () => {
    expect(readTelemetryConfig(defaults, { OTEL_SERVICE_NAME: ' ', OTEL_EXPORTER_OTLP_PROTOCOL: '' })).toMatchObject({
      serviceName: 'manual-instrument-service',
      traces: { otlpProtocol: 'grpc' },
    });
  });

  it('turns OTEL_<SIGNAL>_EXPORTER=none into no exporters for that signal', () => {
    const config = readTelemetryConfig(defaults, { OTEL_TRACES_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
    expect([config.traces.exporters, config.metrics.exporters, config.logs.exporters]).toEqual([[], ['otlp'], []]);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpcc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL="grpcc" is not one of grpc, http/protobuf, http/json'],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="http" is not one of grpc, http/protobuf, http/json'],
    [{ OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'udp' }, 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL="udp" is not one of grpc, http/protobuf, http/json'],
    [{ OTEL_TRACES_EXPORTER: 'otlp,jaeger' }, 'OTEL_TRACES_EXPORTER="otlp,jaeger": "jaeger" is not one of otlp, console, none'],
    [{ OTEL_TRACES_EXPORTER: 'none,otlp' }, 'OTEL_TRACES_EXPORTER="none,otlp": "none" cannot be combined with other exporters'],
    [{ OTEL_METRICS_EXPORTER: 'prometheus' }, 'OTEL_METRICS_EXPORTER="prometheus": "prometheus" is not one of otlp, console, none'],
    [{ OTEL_LOGS_EXPORTER: 'file' }, 'OTEL_LOGS_EXPORTER="file": "file" is not one of otlp, console, none'],
    [{ OTEL_BSP_MAX_QUEUE_SIZE: '-1' }, 'OTEL_BSP_MAX_QUEUE_SIZE="-1" is not a whole number >= 1'],
    [{ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '0' }, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE="0" is not a whole number >= 1'],
    [{ OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '0' }, 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE="0" is not a whole number >= 1'],
    [{ OTEL_METRIC_EXPORT_TIMEOUT: '0' }, 'OTEL_METRIC_EXPORT_TIMEOUT="0" is not a whole number >= 1'],
    [{ OTEL_BSP_SCHEDULE_DELAY: '5s' }, 'OTEL_BSP_SCHEDULE_DELAY="5s" is not a whole number >= 0'],
    [{ OTEL_BLRP_MAX_QUEUE_SIZE: 'many' }, 'OTEL_BLRP_MAX_QUEUE_SIZE="many" is not a whole number >= 1'],
    [{ OTEL_METRIC_EXPORT_INTERVAL: '0' }, 'OTEL_METRIC_EXPORT_INTERVAL="0" is not a whole number >= 1'],
    [{ OTEL_METRIC_EXPORT_INTERVAL: '1s' }, 'OTEL_METRIC_EXPORT_INTERVAL="1s" is not a whole number >= 1'],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => readTelemetryConfig(defaults, env)).toThrow(new TelemetryConfigError(message));
  });
});
