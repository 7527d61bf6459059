// What the three apps' traces of one request are known to differ in, and why: the one home of
// that knowledge, read by `npm run compare`, the trace UI's compare page and the equivalence suite.
import { APPS, type AppName, untracedRouteOf } from './apps';
import {
  byHandAlone, hasException, inSpan, isMountPathOf, type ObservedDifference, routeIn, routeOrName, segmentsOf, underTheServerSpan, valuesFrom,
} from './observed-difference';

export type { ObservedDifference } from './observed-difference';

/** The line for a difference that is none of the known ones. */
export const UNEXPLAINED = 'Not a known difference between the three approaches: check how these apps are configured.';


export interface KnownDifference {
  name: string;
  matches(difference: ObservedDifference): boolean;
  why: string;
}

// Attributes that describe the request as it was sent, not the instrumentation: its Host header
// (server.*), query, user agent, HTTP version, an unlisted method's name, and where it came from.
const FROM_THE_REQUEST = new Set([
  'server.address', 'server.port', 'url.full', 'url.scheme', 'url.query', 'user_agent.original', 'http.request.method_original',
  'network.protocol.version', 'client.address', 'client.port', 'network.peer.address', 'network.peer.port',
]);
// Attributes the manual app and instrumentation-http read from the same headers in their own ways.
const FROM_PROXY_HEADERS = new Set(['url.scheme', 'server.address', 'server.port', 'url.path', 'url.query']);
const WEB_ENGINE_VERSION = 'webengine.version';

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    name: 'express version',
    matches: ({ location: { field, keys }, between }) => between === 'express majors' && field === 'resource' && keys[0] === WEB_ENGINE_VERSION,
    why: 'Each app names the Express that serves it in its resource (webengine.name, webengine.version).',
  },
  {
    name: 'express layers of Express 4',
    matches: ({ location, between }) => between === 'express majors' && underTheServerSpan(location),
    why: 'Express 4 runs two middlewares of its own before every route (query, expressInit), each a span of instrumentation-express, and there it names a route\'s handler span after its route ("request handler - /server_request"); Express 5 runs neither, and the span is "request handler".',
  },
  {
    name: 'service name',
    matches: ({ location: { field, keys } }) => field === 'resource' && keys[0] === 'service.name',
    why: 'Each app names its own service (OTEL_SERVICE_NAME in its otel.env), with the names the original\'s page gives its three servers.',
  },
  {
    name: 'instrumentation scope',
    matches: ({ location }) => inSpan(location) && location.field === 'scope' && (location.keys[0] === 'name' || location.keys[0] === 'version'),
    why: "Who made the SERVER span: the manual app's own tracer, instrumentation-http in the other two.",
  },
  {
    name: 'express spans',
    matches: ({ location, between }) => between !== 'express majors' && underTheServerSpan(location) && location.field === undefined,
    why: 'instrumentation-express adds an INTERNAL span for each Express layer that ran; the manual app makes only the SERVER span.',
  },
  {
    name: 'exception event of a 4xx',
    matches: (difference) => inSpan(difference.location) && difference.location.field === 'events' && difference.statusCode !== undefined &&
      difference.statusCode >= 400 && difference.statusCode < 500 &&
      !valuesFrom(difference, 'express').some(hasException) && valuesFrom(difference, 'instrumentation-express').some(hasException),
    why: "instrumentation-express records an error a middleware hands on and the service answers 4xx (body-parser's 400 and 413) as an exception; the HTTP semantic conventions side with the manual app, which records none: a 4xx is the client's error, handled by the service.",
  },
  {
    name: 'exception event',
    matches: ({ location }) => inSpan(location) && location.field === 'events' && location.keys.length === 0,
    why: "Where the exception is recorded: on the SERVER span by the manual app's error middleware, on the handler's span by instrumentation-express.",
  },
  {
    name: 'route of a 404 at /',
    matches: ({ location, urlPath }) => urlPath === '/' && inSpan(location) && routeOrName(location),
    why: 'instrumentation-express reports the 404 middleware\'s mount path "/" as http.route when the URL is exactly / (no query); the manual app, as the semantic conventions ask, gives a request that no route answered no route.',
  },
  {
    name: "route of a middleware's answer",
    matches: (difference) => inSpan(difference.location) && routeOrName(difference.location) &&
      valuesFrom(difference, 'express').some((value) => routeIn(difference.location, value) === undefined) &&
      valuesFrom(difference, 'instrumentation-express').some((value) => {
        const route = routeIn(difference.location, value);
        // A mount path: the URL goes on past it, or the answer was an error (POST /orders, 400).
        return route !== undefined && isMountPathOf(route, difference.urlPath) &&
          (segmentsOf(difference.urlPath) > segmentsOf(route) || (difference.statusCode ?? 0) >= 400);
      }),
    why: "When no route's handler answered (a middleware's 401, express.static, a router's param callback, body parser or OPTIONS reply, next(err)), instrumentation-express reports the last mount path as http.route (/admin, /static, /orders); the HTTP semantic conventions side with the manual app, which gives none.",
  },
  {
    name: "span name of a method outside the conventions' list",
    matches: (difference) => inSpan(difference.location) && difference.location.field === 'name' &&
      valuesFrom(difference, 'express').some((value) => String(value).split(' ')[0] === 'HTTP') &&
      valuesFrom(difference, 'instrumentation-express').some((value) => String(value).split(' ')[0] !== 'HTTP'),
    why: 'instrumentation-http names the SERVER span with the method as sent (PURGE /ping) where the HTTP semantic conventions, and the manual app with them, name it HTTP for a method outside their list; all three report http.request.method _OTHER.',
  },
  {
    name: 'route of a URL in other letter case',
    matches: (difference) => difference.urlPath !== difference.urlPath.toLowerCase() && inSpan(difference.location) && routeOrName(difference.location) &&
      valuesFrom(difference, 'instrumentation-express').every((value) => routeIn(difference.location, value) === undefined) &&
      valuesFrom(difference, 'express').some((value) => routeIn(difference.location, value) !== undefined),
    why: "Express matches routes regardless of letter case; instrumentation-express reports no http.route for a route without parameters that the URL spells in other letter case, the manual app the route Express matched, as the conventions ask.",
  },
  {
    name: 'read from proxy headers and Host',
    matches: ({ location: { field, keys }, values, sentAlike }) => sentAlike === true && field === 'attributes' && FROM_PROXY_HEADERS.has(String(keys[0])) && byHandAlone(values),
    why: 'Read from the Host header and, behind a proxy, Forwarded and X-Forwarded-*: the manual app as the HTTP semantic conventions say (the client\'s scheme, the first host, its scheme\'s port; url.path from the request target); instrumentation-http keeps url.scheme "http", takes X-Forwarded-Host whole, and drops url.path and url.query when Host is malformed.',
  },
  {
    name: 'from the request',
    matches: ({ location: { field, keys }, sentAlike }) => !sentAlike && field === 'attributes' && FROM_THE_REQUEST.has(String(keys[0])),
    why: 'Taken from the request as it was sent (its Host header, query, user agent, HTTP version, the client\'s address and port), not from the approach: these requests were not sent alike (behind a proxy, the manual app also reads scheme, host and port as the conventions say, instrumentation-http otherwise).',
  },
];

/** The known difference that `difference` is, if any. */
export function knownDifference(difference: ObservedDifference): KnownDifference | undefined {
  return KNOWN_DIFFERENCES.find((known) => known.matches(difference));
}

/** One line saying why the traces differ there, or UNEXPLAINED. */
export function explainDifference(difference: ObservedDifference): string {
  return knownDifference(difference)?.why ?? UNEXPLAINED;
}

/** Why `app` has no trace of a request to `urlPath`. */
export function explainUntraced(app: AppName, urlPath: string): string {
  const route = untracedRouteOf(app, urlPath);
  return route ? APPS[app].untracedRoutes[route] : 'No trace of this request from this app has arrived.';
}

/** Where the apps' metric points and log records differ, and why. */
export const SIGNAL_DIFFERENCES = {
  logRecordSpan: 'A log record is made in the span active in the route handler: the SERVER span in the manual app, instrumentation-express\'s request handler span in the other two.',
  untracedIsUnmeasured: 'instrumentation-http measures only what it traces: the programmatic app\'s ignore hook leaves /health without a span and without a http.server.request.duration point.',
} as const;

