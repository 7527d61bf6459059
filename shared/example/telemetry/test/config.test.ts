import { describe, expect, it } from 'vitest';
import { readTelemetryConfig, TelemetryConfigError } from '../src/index.ts';

const defaults = { serviceName: 'manual-instrument-service' };

describe('readTelemetryConfig', () => {
  it('without OTEL_* variables: the app default name, OTLP over gRPC, the batch processor defaults (a larger queue)', () => {
    expect(readTelemetryConfig(defaults, {})).toEqual({
      serviceName: 'manual-instrument-service',
      tracesExporters: ['otlp'],
      otlpProtocol: 'grpc',
      batch: { maxQueueSize: 8192, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 },
    });
  });

  it('takes the standard variables when they are set', () => {
    const config = readTelemetryConfig(defaults, {
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_TRACES_EXPORTER: 'console,otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_BSP_MAX_QUEUE_SIZE: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BSP_EXPORT_TIMEOUT: '1000',
    });
    expect(config).toEqual({
      serviceName: 'checkout',
      tracesExporters: ['console', 'otlp'],
      otlpProtocol: 'http/protobuf',
      batch: { maxQueueSize: 100, maxExportBatchSize: 10, scheduledDelayMillis: 200, exportTimeoutMillis: 1000 },
    });
  });

  it('prefers the traces-only protocol variable over the general one, as the spec says', () => {
    const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' };
    expect(readTelemetryConfig(defaults, env).otlpProtocol).toBe('http/json');
  });

  it('treats empty variables as unset', () => {
    expect(readTelemetryConfig(defaults, { OTEL_SERVICE_NAME: ' ', OTEL_EXPORTER_OTLP_PROTOCOL: '' })).toMatchObject({
      serviceName: 'manual-instrument-service',
      otlpProtocol: 'grpc',
    });
  });

  it('turns OTEL_TRACES_EXPORTER=none into no exporters', () => {
    expect(readTelemetryConfig(defaults, { OTEL_TRACES_EXPORTER: 'none' }).tracesExporters).toEqual([]);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpcc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL="grpcc" is not one of grpc, http/protobuf, http/json'],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http' }, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="http" is not one of grpc, http/protobuf, http/json'],
    [{ OTEL_TRACES_EXPORTER: 'otlp,jaeger' }, 'OTEL_TRACES_EXPORTER="otlp,jaeger": "jaeger" is not one of otlp, console, none'],
    [{ OTEL_TRACES_EXPORTER: 'none,otlp' }, 'OTEL_TRACES_EXPORTER="none,otlp": "none" cannot be combined with other exporters'],
    [{ OTEL_BSP_MAX_QUEUE_SIZE: '-1' }, 'OTEL_BSP_MAX_QUEUE_SIZE="-1" is not a whole number >= 0'],
    [{ OTEL_BSP_SCHEDULE_DELAY: '5s' }, 'OTEL_BSP_SCHEDULE_DELAY="5s" is not a whole number >= 0'],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => readTelemetryConfig(defaults, env)).toThrow(new TelemetryConfigError(message));
  });
});
