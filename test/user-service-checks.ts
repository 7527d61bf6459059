// What test/user-service.test.ts compares, observed and expected: the SERVER span's summary, the
// request metric's series, and the known differences between the approaches' SERVER spans.
import { APPS, type AppName, explainDifference, type ExpressMajor, knownDifference, UNEXPLAINED } from '@repo/app-catalogue';
import { compareTraces, normalizeTrace, type NormalizedTrace } from '@repo/trace-diff';
import type { Attributes, ReceivedSpan } from '@repo/trace-model';
import { expect } from 'vitest';
import { APPROACHES } from './equivalence-scenarios.ts';
import type { Observation } from './user-service-capture.ts';
import { conventionsRoute, request, REQUEST_NAMES, type RequestName, spanName } from './user-service-requests.ts';

/** What the tests compare of a SERVER span. */
export interface ServerSummary { name: string; route?: unknown; statusCode: unknown; errorType?: unknown; status: string; exception: boolean }

const serverOf = (spans: ReceivedSpan[]) => spans.find((s) => s.kind === 'SERVER');

/** The SERVER span observed; `exception`: an exception event on the span where the approach records it. */
export function observedServer(observation: Observation, app: AppName): ServerSummary | undefined {
  const server = serverOf(observation.spans);
  if (!server) return undefined;
  const { 'http.route': route, 'http.response.status_code': statusCode, 'error.type': errorType } = server.attributes;
  const exception = observation.spans.some((s) => s.kind === APPROACHES[app].handlerSpan && s.events.some((e) => e.name === 'exception'));
  return { name: server.name, route, statusCode, errorType, status: server.status.code, exception };
}

/** The SERVER span the conventions call for; where instrumentation-express departs, what it gives. */
export function expectedServer(name: RequestName, app: AppName, express: ExpressMajor): ServerSummary {
  const { method = 'GET', status, instrumentationExpress } = request(name);
  const departs = APPS[app].spans.routeFrom === 'instrumentation-express' ? instrumentationExpress : undefined;
  const route = departs && 'route' in departs ? departs.route : conventionsRoute(name, express);
  const error = status >= 500;
  return {
    name: departs?.name ?? spanName(method, route), route, statusCode: status, errorType: error ? String(status) : undefined,
    status: error ? 'ERROR' : 'UNSET', exception: departs?.exception ?? error,
  };
}

/**
 * The SERVER span normalized with only what the tests compare: its name, status, route, status
 * code and error type, and the request's exception events (names alone) wherever its approach
 * records them, as if on the SERVER span.
 */
export function comparedServer(observation: Observation, app: AppName) {
  const exceptions = observation.spans.filter((s) => s.kind === APPROACHES[app].handlerSpan).flatMap((s) => s.events.filter((e) => e.name === 'exception'));
  return normalizeTrace(observation.spans.filter((s) => s.kind === 'SERVER').map((s) => ({
    ...s, resource: {}, scope: { name: '' }, events: exceptions.map((e) => ({ ...e, attributes: {} })),
    attributes: Object.fromEntries(Object.entries(s.attributes).filter(([key]) => ['http.route', 'http.response.status_code', 'error.type'].includes(key))),
  })));
}

/** Every difference between the apps' SERVER spans is explained, by the known differences the request names and no other. */
export function expectKnownDifferences(name: RequestName, traces: Record<string, NormalizedTrace>): void {
  const known = { urlPath: new URL(request(name).path, 'http://localhost').pathname, statusCode: request(name).status };
  const rows = compareTraces(traces, (d) => explainDifference({ ...d, ...known }));
  expect(rows.filter((row) => row.explanation === UNEXPLAINED).map((row) => row.where)).toEqual([]);
  expect(new Set(rows.map((row) => knownDifference({ ...row, ...known })!.name))).toEqual(new Set(request(name).instrumentationExpress?.why ?? []));
}

/** The series the requests make: the conventions' route, or instrumentation-express's where it departs. */
export function expectedSeries(app: AppName, express: ExpressMajor): { attributes: Attributes; count: number }[] {
  const counts = new Map<string, number>();
  for (const name of REQUEST_NAMES) {
    const { method = 'GET', status } = request(name);
    const { route } = expectedServer(name, app, express);
    const attributes: Attributes = {
      'http.request.method': spanName(method, undefined) === 'HTTP' ? '_OTHER' : method, 'url.scheme': 'http', 'network.protocol.version': '1.1',
      'http.response.status_code': status, ...(route ? { 'http.route': route as string } : {}), ...(status >= 500 ? { 'error.type': String(status) } : {}),
    };
    const key = JSON.stringify(Object.fromEntries(Object.entries(attributes).sort()));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return sortSeries([...counts].map(([key, count]) => ({ attributes: JSON.parse(key), count })));
}

export const sortSeries = (series: { attributes: Attributes; count: number }[]) => series
  .map(({ attributes, count }) => ({ attributes: Object.fromEntries(Object.entries(attributes).sort()), count }))
  .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
