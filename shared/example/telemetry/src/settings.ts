// The OTEL_* settings that NodeSDK and the OTLP exporters read themselves, checked. Where they
// would warn and fall back to something else (an unknown protocol: http/protobuf; a queue of 0:
// the default; an endpoint without a scheme: every export fails), checkOtelSettings throws one
// line naming the variable. Nothing here configures the SDK: it reads the same variables itself.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

export const OTLP_PROTOCOLS = ['grpc', 'http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];
const SIGNALS = ['traces', 'metrics', 'logs'] as const;
type Signal = (typeof SIGNALS)[number];
// What NodeSDK 0.300 builds for each OTEL_<SIGNAL>_EXPORTER name, besides `none`.
const EXPORTERS: Record<Signal, string[]> = { traces: ['otlp', 'zipkin', 'console'], metrics: ['otlp', 'prometheus', 'console'], logs: ['otlp', 'console'] };
const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

/** A variable that is set but cannot be used. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

type Env = Record<string, string | undefined>;

export function checkOtelSettings(env: Env = process.env): void {
  for (const name of ['OTEL_BSP_MAX_QUEUE_SIZE', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'OTEL_BSP_SCHEDULE_DELAY', 'OTEL_BSP_EXPORT_TIMEOUT',
    'OTEL_BLRP_MAX_QUEUE_SIZE', 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 'OTEL_BLRP_SCHEDULE_DELAY', 'OTEL_BLRP_EXPORT_TIMEOUT',
    'OTEL_METRIC_EXPORT_INTERVAL', 'OTEL_METRIC_EXPORT_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT',
    ...SIGNALS.map((signal) => `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_TIMEOUT`)]) {
    // The SDK takes 0 or less as "use the default", with a warning: refused here.
    const value = text(env, name);
    if (value !== undefined && !(/^\d+$/.test(value) && Number(value) >= 1)) throw new SettingsError(`${name}="${value}" is not a whole number >= 1`);
  }
  for (const prefix of ['OTEL_BSP', 'OTEL_BLRP']) {
    const batch = Number(text(env, `${prefix}_MAX_EXPORT_BATCH_SIZE`) ?? 512);
    const queue = Number(text(env, `${prefix}_MAX_QUEUE_SIZE`) ?? 2048);
    if (batch > queue) throw new SettingsError(`${prefix}_MAX_EXPORT_BATCH_SIZE=${batch} is larger than ${prefix}_MAX_QUEUE_SIZE=${queue}`);
  }
  const sampler = text(env, 'OTEL_TRACES_SAMPLER');
  if (sampler !== undefined && !SAMPLERS.includes(sampler)) throw new SettingsError(`OTEL_TRACES_SAMPLER="${sampler}" is not one of ${SAMPLERS.join(', ')}`);
  const ratio = text(env, 'OTEL_TRACES_SAMPLER_ARG');
  if (sampler?.endsWith('traceidratio') && ratio !== undefined && !(Number(ratio) >= 0 && Number(ratio) <= 1)) {
    throw new SettingsError(`OTEL_TRACES_SAMPLER_ARG="${ratio}" is not a ratio from 0 to 1`);
  }
  for (const signal of SIGNALS) checkSignal(env, signal);
}

function checkSignal(env: Env, signal: Signal): void {
  const upper = signal.toUpperCase();
  const exportersName = `OTEL_${upper}_EXPORTER`;
  const exporters = [...new Set((text(env, exportersName) ?? 'otlp').split(',').map((name) => name.trim()))];
  if (exporters.includes('none') && exporters.length > 1) throw new SettingsError(`${exportersName}="${env[exportersName]}": "none" cannot be combined with other exporters`);
  for (const exporter of exporters) {
    if (exporter !== 'none' && !EXPORTERS[signal].includes(exporter)) {
      throw new SettingsError(`${exportersName}="${env[exportersName]}": "${exporter}" is not one of ${[...EXPORTERS[signal], 'none'].join(', ')}`);
    }
  }
  const protocolName = text(env, `OTEL_EXPORTER_OTLP_${upper}_PROTOCOL`) ? `OTEL_EXPORTER_OTLP_${upper}_PROTOCOL` : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = text(env, protocolName) ?? 'http/protobuf';
  if (!(OTLP_PROTOCOLS as readonly string[]).includes(protocol)) throw new SettingsError(`${protocolName}="${protocol}" is not one of ${OTLP_PROTOCOLS.join(', ')}`);
  checkEndpoint(env, signal, protocol as OtlpProtocol);
}

function checkEndpoint(env: Env, signal: Signal, protocol: OtlpProtocol): void {
  const own = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`;
  const name = text(env, own) ? own : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const value = text(env, name);
  if (value === undefined) return;
  // `localhost:4317` parses as a URL of scheme "localhost:", and every export then fails.
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol) || !url.hostname) {
    throw new SettingsError(`${name}="${value}" is not a URL starting with http:// or https:// (for example http://localhost:${protocol === 'grpc' ? 4317 : 4318})`);
  }
}

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** The variables an app starts with: otel.env (what the three share) under the caller's own. */
export function withSharedEnv(env: Env = process.env): Env {
  return { ...parseEnv(readFileSync(path.join(__dirname, '../otel.env'), 'utf8')), ...env };
}
