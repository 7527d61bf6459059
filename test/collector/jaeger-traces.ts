// Traces as Jaeger's query API gives them (`GET /api/traces?service=…`, the JSON its UI reads: an
// OTLP span's kind, scope and status become tags, its events logs, its parent a CHILD_OF
// reference), and what the demo's requests must look like there: the checks the Jaeger test runs.
import { APPS, type AppName } from '@repo/app-catalogue';
import { vi } from 'vitest';

interface KeyValue { key: string; value: unknown }
export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  /** Microseconds. */
  startTime: number;
  duration: number;
  tags: KeyValue[];
  logs: { timestamp: number; fields: KeyValue[] }[];
  processID: string;
  warnings: string[] | null;
}
export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: KeyValue[] }>;
}

const EXPRESS_SCOPE = '@opentelemetry/instrumentation-express';

/** The traces Jaeger at `queryUrl` holds of `service`, once `until` holds for them (asked again until it does). */
export function tracesOf(queryUrl: string, service: string, until: (traces: JaegerTrace[]) => boolean, timeoutMs = 20_000): Promise<JaegerTrace[]> {
  return vi.waitFor(async () => {
    const response = await fetch(`${queryUrl}/api/traces?service=${encodeURIComponent(service)}&limit=100`);
    const traces = response.ok ? ((await response.json()) as { data: JaegerTrace[] }).data : [];
    if (!until(traces)) throw new Error(`Jaeger has ${traces.length} traces of ${service}, not yet those awaited`);
    return traces;
  }, { timeout: timeoutMs, interval: 250 });
}

export const tag = (span: JaegerSpan, key: string) => span.tags.find((entry) => entry.key === key)?.value;
export const serviceOf = (trace: JaegerTrace, span: JaegerSpan) => trace.processes[span.processID]?.serviceName;
const parentOf = (span: JaegerSpan) => span.references.find((reference) => reference.refType === 'CHILD_OF')?.spanID;
const childrenOf = (trace: JaegerTrace, parent: JaegerSpan | undefined) => trace.spans.filter((span) => parent && parentOf(span) === parent.spanID);

/** The app's SERVER span in `trace`, if it has exactly one. */
export function serverSpan(trace: JaegerTrace, app: AppName): JaegerSpan | undefined {
  const servers = trace.spans.filter((span) => serviceOf(trace, span) === APPS[app].serviceName && tag(span, 'span.kind') === 'server');
  return servers.length === 1 ? servers[0] : undefined;
}

/**
 * What is wrong with `trace` as the demo's traced request to `app`, one line each; none when the
 * client's `client` span holds its CLIENT span `client-server`, and that the app's SERVER span
 * for /server_request, answered 200, with instrumentation-express's spans under it where the
 * catalogue says the approach makes them.
 */
export function clientRequestProblems(trace: JaegerTrace, app: AppName): string[] {
  const problems: string[] = [];
  const named = (name: string) => trace.spans.find((span) => span.operationName === name && serviceOf(trace, span) === 'client');
  const client = named('client');
  const clientServer = named('client-server');
  const server = serverSpan(trace, app);
  if (!client || parentOf(client)) problems.push('no root span "client" of the client');
  if (!clientServer || tag(clientServer, 'span.kind') !== 'client') problems.push('no CLIENT span "client-server" of the client');
  else if (!client || parentOf(clientServer) !== client.spanID) problems.push('"client-server" is not under "client"');
  if (!server) return [...problems, `not one SERVER span of ${APPS[app].serviceName}`];
  if (!clientServer || parentOf(server) !== clientServer.spanID) problems.push(`the SERVER span is not under "client-server" (its parent: ${parentOf(server) ?? 'none'})`);
  const attributes = { route: tag(server, 'http.route'), status: tag(server, 'http.response.status_code'), error: tag(server, 'error') };
  if (attributes.route !== '/server_request' || attributes.status !== 200 || attributes.error) problems.push(`the SERVER span has ${JSON.stringify(attributes)}`);
  const express = childrenOf(trace, server);
  if (express.some((span) => tag(span, 'span.kind') !== 'internal' || tag(span, 'otel.scope.name') !== EXPRESS_SCOPE)) {
    problems.push(`under the SERVER span: ${express.map((span) => span.operationName).join(', ')}, not only instrumentation-express's`);
  }
  if ((express.length > 0) !== APPS[app].spans.expressSpans) problems.push(`${express.length} express spans under the SERVER span`);
  return problems;
}

/**
 * What is wrong with `trace` as a request to `app`'s /error route: its SERVER span has the route,
 * status code 500 and the error status, and the span active in the handler (the catalogue's
 * handlerSpan) has the exception event.
 */
export function errorRequestProblems(trace: JaegerTrace, app: AppName): string[] {
  const server = serverSpan(trace, app);
  if (!server) return [`not one SERVER span of ${APPS[app].serviceName}`];
  const problems: string[] = [];
  const attributes = { route: tag(server, 'http.route'), status: tag(server, 'http.response.status_code'), statusCode: tag(server, 'otel.status_code') };
  if (attributes.route !== '/error' || attributes.status !== 500 || attributes.statusCode !== 'ERROR') problems.push(`the SERVER span has ${JSON.stringify(attributes)}`);
  const handler = APPS[app].spans.handlerSpan === 'SERVER' ? server : childrenOf(trace, server).find((span) => tag(span, 'otel.scope.name') === EXPRESS_SCOPE);
  const events = (handler?.logs ?? []).map((log) => log.fields.find((field) => field.key === 'event')?.value);
  if (!events.includes('exception')) problems.push(`no exception event on the ${APPS[app].spans.handlerSpan} span the handler ran in`);
  return problems;
}
