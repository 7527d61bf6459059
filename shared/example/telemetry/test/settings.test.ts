import { describe, expect, it } from 'vitest';
import { checkOtelSettings, SettingsError, withSharedEnv } from '../src/settings.ts';

describe('checkOtelSettings', () => {
  it.each([
    ['nothing set (the SDK\'s defaults)', {}],
    ["the apps' otel.env", withSharedEnv({})],
    ['each signal its own protocol and endpoint, empty variables as unset', {
      OTEL_EXPORTER_OTLP_PROTOCOL: ' ', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/', OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'https://metrics.example/otlp',
    }],
    ['exporters: none for one signal, two for another', { OTEL_TRACES_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'console, otlp', OTEL_METRICS_EXPORTER: 'prometheus' }],
    ['a batch as large as the queue the apps set (8192), a ratio sampler with its ratio', withSharedEnv({ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4096', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' })],
  ])('takes %s', (_what, env) => {
    expect(() => checkOtelSettings(env)).not.toThrow();
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpcc' }, 'OTEL_EXPORTER_OTLP_PROTOCOL="grpcc" is not one of grpc, http/protobuf, http/json'],
    [{ OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'udp' }, 'OTEL_EXPORTER_OTLP_METRICS_PROTOCOL="udp" is not one of grpc, http/protobuf, http/json'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4318" is not a URL starting with http:// or https:// (for example http://localhost:4318)'],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://collector:4317' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="grpc://collector:4317" is not a URL starting with http:// or https:// (for example http://localhost:4317)'],
    [{ OTEL_TRACES_EXPORTER: 'otlp,jaeger' }, 'OTEL_TRACES_EXPORTER="otlp,jaeger": "jaeger" is not one of otlp, zipkin, console, none'],
    [{ OTEL_TRACES_EXPORTER: 'none,otlp' }, 'OTEL_TRACES_EXPORTER="none,otlp": "none" cannot be combined with other exporters'],
    [{ OTEL_LOGS_EXPORTER: 'file' }, 'OTEL_LOGS_EXPORTER="file": "file" is not one of otlp, console, none'],
    [{ OTEL_BSP_MAX_QUEUE_SIZE: '-1' }, 'OTEL_BSP_MAX_QUEUE_SIZE="-1" is not a whole number >= 1'],
    [{ OTEL_BSP_SCHEDULE_DELAY: '0' }, 'OTEL_BSP_SCHEDULE_DELAY="0" is not a whole number >= 1'],
    [{ OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '0' }, 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE="0" is not a whole number >= 1'],
    [{ OTEL_METRIC_EXPORT_INTERVAL: '1s' }, 'OTEL_METRIC_EXPORT_INTERVAL="1s" is not a whole number >= 1'],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '1.5' }, 'OTEL_EXPORTER_OTLP_TIMEOUT="1.5" is not a whole number >= 1'],
    [{ OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '4096' }, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE=4096 is larger than OTEL_BSP_MAX_QUEUE_SIZE=2048'],
    [{ OTEL_TRACES_SAMPLER: 'ratio' }, 'OTEL_TRACES_SAMPLER="ratio" is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio'],
    [{ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '10%' }, 'OTEL_TRACES_SAMPLER_ARG="10%" is not a ratio from 0 to 1'],
  ])('refuses %o with one line naming the variable, where the SDK would warn and fall back', (env, message) => {
    expect(() => checkOtelSettings(env)).toThrow(new SettingsError(message));
  });
});
