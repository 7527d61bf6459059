// The apps' telemetry settings, read once from the standard OTEL_* variables (readTelemetryConfig).
// Setting the SDK up from them is sdk-options.ts; its diagnostics, diagnostics.ts.
//
// Why this package reads some OTEL_* variables itself: NodeSDK builds its processors and readers
// from the environment only when it is given none, and then its exporters cannot be wrapped to
// report an outage once. So the variables that choose each signal's exporter and configure its
// batching are read here, each with a clear error where NodeSDK would warn and fall back to
// something else, and with this project's defaults (OTLP over gRPC, a span queue of 8192). Everything else
// (endpoint, headers, timeout, compression, sampler, propagators, resource) is left to NodeSDK
// and the exporters, which read it themselves.

import { runningExpressVersion } from '@repo/server-lifecycle';

export const OTLP_PROTOCOLS = ['grpc', 'http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
/** What OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER and OTEL_LOGS_EXPORTER may name here, besides `none`. */
export const EXPORTERS = ['otlp', 'console'] as const;
export type ExporterName = (typeof EXPORTERS)[number];
export const SIGNALS = ['traces', 'metrics', 'logs'] as const;
export type Signal = (typeof SIGNALS)[number];

/** A batch processor's settings: one built in code reads no variables itself. */
export interface BatchSettings {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

/** The apps' telemetry settings, read once from the standard OTEL_* variables. */
export interface TelemetryConfig {
  /** OTEL_SERVICE_NAME, else the app's own default. */
  serviceName: string;
  /** OTEL_LOG_LEVEL: when set, the SDK's own console logger at that level; else a concise one. */
  logLevel?: string;
  /**
   * Each signal's exporters (OTEL_<SIGNAL>_EXPORTER: `otlp` by default, `console`, both, or `none`,
   * an empty list) and OTLP protocol (OTEL_EXPORTER_OTLP_<SIGNAL>_PROTOCOL, then
   * OTEL_EXPORTER_OTLP_PROTOCOL, then `grpc`: this project's default, as in the Python original;
   * the spec's, and the JS SDK's, is http/protobuf).
   */
  traces: {
    exporters: ExporterName[];
    otlpProtocol: OtlpProtocol;
    /** OTEL_BSP_*. The queue defaults to 8192 spans, not the spec's 2048: `npm run bench` saw 2048 overflow. */
    batch: BatchSettings;
  };
  metrics: {
    exporters: ExporterName[];
    otlpProtocol: OtlpProtocol;
    /** OTEL_METRIC_EXPORT_INTERVAL and OTEL_METRIC_EXPORT_TIMEOUT: 60 s and 30 s, the spec's. */
    exportIntervalMillis: number;
    exportTimeoutMillis: number;
  };
  logs: {
    exporters: ExporterName[];
    otlpProtocol: OtlpProtocol;
    /** OTEL_BLRP_*, the spec's defaults. */
    batch: BatchSettings;
  };
}

/** A variable that is set but unusable. Thrown at start-up, before anything listens. */
export class TelemetryConfigError extends Error {
  override name = 'TelemetryConfigError';
}

type Env = Record<string, string | undefined>;

// Incubating in the semantic conventions, so written here rather than imported, as the
// semantic-conventions package advises for incubating names.
const ATTR_WEBENGINE_NAME = 'webengine.name';
const ATTR_WEBENGINE_VERSION = 'webengine.version';

/**
 * The resource attributes that say which Express serves the app (`webengine.name` express,
 * `webengine.version` 4.21.2 or 5.3.0): the version is that of the Express the app's main module
 * resolves, which is how one build runs on either major. What a backend shows beside each trace.
 * Here beside the settings so that the automatic app's check-settings.cjs loads it without the SDK.
 */
export function webEngineAttributes(): Record<string, string> {
  const version = runningExpressVersion();
  return version ? { [ATTR_WEBENGINE_NAME]: 'express', [ATTR_WEBENGINE_VERSION]: version } : {};
}

/**
 * readTelemetryConfig for an app's start-up: a setting that cannot be used stops it before
 * anything starts, with one line naming the variable (`cannot start: OTEL_…="…" is not …`), exit 1.
 */
export function readTelemetryConfigOrExit(defaults: { serviceName: string; command?: string }, env: Env = process.env): TelemetryConfig {
  try {
    return readTelemetryConfig(defaults, env);
  } catch (error) {
    if (!(error instanceof TelemetryConfigError)) throw error;
    // A command (the client) names itself first, as its other lines do.
    console.error(`${defaults.command ? `${defaults.command}: ` : ''}cannot start: ${error.message}`);
    process.exit(1);
  }
}

export function readTelemetryConfig(
  defaults: { serviceName: string },
  env: Env = process.env,
): TelemetryConfig {
  return {
    serviceName: text(env, 'OTEL_SERVICE_NAME') ?? defaults.serviceName,
    ...(text(env, 'OTEL_LOG_LEVEL') ? { logLevel: text(env, 'OTEL_LOG_LEVEL') } : {}),
    traces: {
      exporters: readExporters(env, 'traces'),
      otlpProtocol: readProtocol(env, 'traces'),
      batch: readBatch(env, 'OTEL_BSP', { maxQueueSize: 8192, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30000 }),
    },
    metrics: {
      exporters: readExporters(env, 'metrics'),
      otlpProtocol: readProtocol(env, 'metrics'),
      exportIntervalMillis: count(env, 'OTEL_METRIC_EXPORT_INTERVAL', 60000, 1),
      exportTimeoutMillis: count(env, 'OTEL_METRIC_EXPORT_TIMEOUT', 30000, 1),
    },
    logs: {
      exporters: readExporters(env, 'logs'),
      otlpProtocol: readProtocol(env, 'logs'),
      batch: readBatch(env, 'OTEL_BLRP', { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 1000, exportTimeoutMillis: 30000 }),
    },
  };
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function readProtocol(env: Env, signal: Signal): OtlpProtocol {
  const own = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_PROTOCOL`;
  const name = text(env, own) ? own : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = text(env, name) ?? 'grpc';
  if (!(OTLP_PROTOCOLS as readonly string[]).includes(value)) {
    throw new TelemetryConfigError(`${name}="${value}" is not one of ${OTLP_PROTOCOLS.join(', ')}`);
  }
  return value as OtlpProtocol;
}

function readExporters(env: Env, signal: Signal): ExporterName[] {
  const name = `OTEL_${signal.toUpperCase()}_EXPORTER`;
  const names = [...new Set((text(env, name) ?? 'otlp').split(',').map((s) => s.trim()))];
  if (names.includes('none')) {
    if (names.length > 1) throw new TelemetryConfigError(`${name}="${env[name]}": "none" cannot be combined with other exporters`);
    return [];
  }
  for (const exporter of names) {
    if (!(EXPORTERS as readonly string[]).includes(exporter)) {
      throw new TelemetryConfigError(`${name}="${env[name]}": "${exporter}" is not one of ${EXPORTERS.join(', ')}, none`);
    }
  }
  return names as ExporterName[];
}

// A queue, a batch or a timeout of 0 the processors take without a word, then never export
// (empty batches in a loop) or never finish a shutdown: refused here. A delay of 0 is fine.
function readBatch(env: Env, prefix: 'OTEL_BSP' | 'OTEL_BLRP', defaults: BatchSettings): BatchSettings {
  return {
    maxQueueSize: count(env, `${prefix}_MAX_QUEUE_SIZE`, defaults.maxQueueSize, 1),
    maxExportBatchSize: count(env, `${prefix}_MAX_EXPORT_BATCH_SIZE`, defaults.maxExportBatchSize, 1),
    scheduledDelayMillis: count(env, `${prefix}_SCHEDULE_DELAY`, defaults.scheduledDelayMillis),
    exportTimeoutMillis: count(env, `${prefix}_EXPORT_TIMEOUT`, defaults.exportTimeoutMillis, 1),
  };
}

function count(env: Env, name: string, fallback: number, least = 0): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < least) {
    throw new TelemetryConfigError(`${name}="${value}" is not a whole number >= ${least}`);
  }
  return parsed;
}
