// The apps' telemetry settings, read once from the standard OTEL_* variables (readTelemetryConfig).
// Setting the SDK up from them is sdk-options.ts; its diagnostics, diagnostics.ts.
//
// Why this package reads some OTEL_* variables itself: NodeSDK builds its span processors from
// the environment only when it is given none, and then its exporter cannot be wrapped to report
// an outage once. So the few variables that choose the exporter and configure the batch processor
// are read here, each with a clear error where NodeSDK would warn and fall back to something
// else, and with this project's defaults (OTLP over gRPC, a queue of 8192). Everything else
// (endpoint, headers, timeout, compression, sampler, propagators, resource) is left to NodeSDK
// and the exporters, which read it themselves.

import { createRequire } from 'node:module';

export const OTLP_PROTOCOLS = ['grpc', 'http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
export const TRACES_EXPORTERS = ['otlp', 'console'] as const;
export type TracesExporter = (typeof TRACES_EXPORTERS)[number];

/** The apps' telemetry settings, read once from the standard OTEL_* variables. */
export interface TelemetryConfig {
  /** OTEL_SERVICE_NAME, else the app's own default. */
  serviceName: string;
  /** OTEL_TRACES_EXPORTER: `otlp` (default), `console`, both, or `none` (an empty list). */
  tracesExporters: TracesExporter[];
  /**
   * OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL, then `grpc`: this
   * project's default, as in the Python original. The spec's (and the JS SDK's) is http/protobuf.
   */
  otlpProtocol: OtlpProtocol;
  /** OTEL_LOG_LEVEL: when set, the SDK's own console logger at that level; else a concise one. */
  logLevel?: string;
  /**
   * OTEL_BSP_*: a BatchSpanProcessor built in code reads no variables itself. The queue defaults
   * to 8192 spans, not the spec's 2048: `npm run bench` saw 2048 overflow at full load.
   */
  batch: {
    maxQueueSize: number;
    maxExportBatchSize: number;
    scheduledDelayMillis: number;
    exportTimeoutMillis: number;
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
 */
export function webEngineAttributes(): Record<string, string> {
  try {
    const { version } = createRequire(process.argv[1])('express/package.json') as { version: string };
    return { [ATTR_WEBENGINE_NAME]: 'express', [ATTR_WEBENGINE_VERSION]: version };
  } catch {
    return {}; // no Express where the app runs
  }
}

/**
 * readTelemetryConfig for an app's start-up: a setting that cannot be used stops it before
 * anything starts, with one line naming the variable (`cannot start: OTEL_…="…" is not …`), exit 1.
 */
export function readTelemetryConfigOrExit(defaults: { serviceName: string }, env: Env = process.env): TelemetryConfig {
  try {
    return readTelemetryConfig(defaults, env);
  } catch (error) {
    if (!(error instanceof TelemetryConfigError)) throw error;
    console.error(`cannot start: ${error.message}`);
    process.exit(1);
  }
}

export function readTelemetryConfig(
  defaults: { serviceName: string },
  env: Env = process.env,
): TelemetryConfig {
  return {
    serviceName: text(env, 'OTEL_SERVICE_NAME') ?? defaults.serviceName,
    tracesExporters: readTracesExporters(env),
    otlpProtocol: readProtocol(env),
    ...(text(env, 'OTEL_LOG_LEVEL') ? { logLevel: text(env, 'OTEL_LOG_LEVEL') } : {}),
    batch: {
      maxQueueSize: count(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 8192),
      maxExportBatchSize: count(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
      scheduledDelayMillis: count(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000),
      exportTimeoutMillis: count(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30000),
    },
  };
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function readProtocol(env: Env): OtlpProtocol {
  const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim()
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = text(env, name) ?? 'grpc';
  if (!(OTLP_PROTOCOLS as readonly string[]).includes(value)) {
    throw new TelemetryConfigError(`${name}="${value}" is not one of ${OTLP_PROTOCOLS.join(', ')}`);
  }
  return value as OtlpProtocol;
}

function readTracesExporters(env: Env): TracesExporter[] {
  const names = [...new Set((text(env, 'OTEL_TRACES_EXPORTER') ?? 'otlp').split(',').map((s) => s.trim()))];
  if (names.includes('none')) {
    if (names.length > 1) {
      throw new TelemetryConfigError(`OTEL_TRACES_EXPORTER="${env.OTEL_TRACES_EXPORTER}": "none" cannot be combined with other exporters`);
    }
    return [];
  }
  for (const name of names) {
    if (!(TRACES_EXPORTERS as readonly string[]).includes(name)) {
      throw new TelemetryConfigError(
        `OTEL_TRACES_EXPORTER="${env.OTEL_TRACES_EXPORTER}": "${name}" is not one of ${TRACES_EXPORTERS.join(', ')}, none`,
      );
    }
  }
  return names as TracesExporter[];
}

function count(env: Env, name: string, fallback: number): number {
  const value = text(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) {
    throw new TelemetryConfigError(`${name}="${value}" is not a whole number >= 0`);
  }
  return parsed;
}
