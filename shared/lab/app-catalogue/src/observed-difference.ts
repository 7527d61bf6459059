// An observed difference between traces, and what the known differences ask of it: where it is
// (in a span, under the SERVER span, in its name or route) and each side's value there.
import type { DifferenceLocation } from '@repo/trace-diff';
import { APPS, type AppName, BY_HAND, type RouteSource, WITH_INSTRUMENTATION_HTTP } from './apps';

/**
 * Where the traces differ, each trace's value there, the path of the request they served, and
 * what they are: the apps' traces (default), or one app's traces on Express 5 and on Express 4.
 */
export interface ObservedDifference {
  location: DifferenceLocation;
  values: Partial<Record<string, unknown>>;
  urlPath: string;
  between?: 'apps' | 'express majors';
  /** The requests were sent alike, byte for byte (as the equivalence suite sends them): a difference is then the approaches' own. */
  sentAlike?: boolean;
  /** The request's answer, where the caller knows it. */
  statusCode?: number;
}

/** The app written by hand has a value of its own, and the apps with instrumentation-http all have one other. */
export function byHandAlone(values: ObservedDifference['values']): boolean {
  const theirs = values[WITH_INSTRUMENTATION_HTTP[0]!];
  return BY_HAND.every((app) => app in values && values[app] !== theirs) && WITH_INSTRUMENTATION_HTTP.every((app) => app in values && values[app] === theirs);
}
export const inSpan = ({ position }: DifferenceLocation) => position !== undefined;
export const underTheServerSpan = ({ position }: DifferenceLocation) => position?.includes('.') === true;
export const routeOrName = ({ field, keys }: DifferenceLocation) => field === 'name' || (field === 'attributes' && keys[0] === 'http.route');

/** The values of the apps whose route comes from `source` (the catalogue's routeFrom); values keyed otherwise count for none. */
export const valuesFrom = ({ values }: ObservedDifference, source: RouteSource) =>
  Object.entries(values).filter(([app]) => app in APPS && APPS[app as AppName].spans.routeFrom === source).map(([, value]) => value);
/** The route in a span name (`GET /orders` → `/orders`) or in http.route; undefined when there is none. */
export const routeIn = ({ field }: DifferenceLocation, value: unknown) => (field === 'name' ? String(value).split(' ')[1] : value as string | undefined);
export const segmentsOf = (path: string) => path.split('/').filter(Boolean).length;
export const hasException = (events: unknown) => Array.isArray(events) && events.some((event: { name?: string }) => event.name === 'exception');
/** Whether `route` (a mount path, its parameters as `:name`) is the start of `urlPath`, segment by segment, in any letter case. */
export const isMountPathOf = (route: string, urlPath: string) =>
  new RegExp(`^${route.replace(/\/$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}(/|$)`, 'i').test(urlPath);
