// The equivalence suite's requests and what each approach is expected to make of them, as data:
// test/equivalence.test.ts sends every scenario to every app and holds the spans to these tables.
import { APP_NAMES, type AppEntry, type AppName, APPS, type KnownDifference, type RouteSource } from '@repo/app-catalogue';
import { repoRoot } from '@repo/app-process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const CALLER_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const CALLER_SPAN_ID = 'b7ad6b7169203331';
export const SECRET = 's3cr3t-value';

/** The version installed, so that no library version is written in a test. */
function installedVersion(pkg: string): string {
  return JSON.parse(readFileSync(path.join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/** What an approach makes besides the SERVER span, from the catalogue; the SERVER span's scope with the version installed. */
export type ApproachSpans = Omit<AppEntry['spans'], 'serverScope'> & { serverScope: { name: string; version?: string } };

// The version the manual app's server-span.ts gives its own scope.
const OWN_SCOPE_VERSION = '1.0.0';
/** The scope's version: a package's (an instrumentation library's) the one installed. */
function scopeOf(name: string): ApproachSpans['serverScope'] {
  return { name, version: name.startsWith('@opentelemetry/') ? installedVersion(name) : OWN_SCOPE_VERSION };
}
export const APPROACHES = Object.fromEntries(APP_NAMES.map((app) => [app, { ...APPS[app].spans, serverScope: scopeOf(APPS[app].spans.serverScope) }])) as Record<AppName, ApproachSpans>;

export interface Scenario {
  /** Request target; `?param=` names the request in the app's log. */
  path: string;
  method?: string;
  /** `HTTP/1.1` unless said. */
  version?: string;
  /** The Host header: `localhost:<the app's port>` unless said; null: none. */
  host?: string | null;
  headers?: string[];
  /** The request sent first on the same connection, which then carries this one (keep-alive). */
  after?: string;
  /** The client closes the connection right after sending. */
  abort?: boolean;
  /** The answer expected; 200 unless said (0: none, the client went away). */
  status?: number;
  /** The SERVER span's name and http.route in every app; a 404 has no route. */
  route?: string;
  /** The INTERNAL spans instrumentation-express adds under the SERVER span on Express 5, and on Express 4. */
  express: string[];
  express4: string[];
  /** Where the apps' SERVER spans differ, why, and the name and http.route there by who names the route (the catalogue's routeFrom) where those differ. */
  serverDiffers?: { why: KnownDifference['name']; spans?: Record<RouteSource, { name: string; route?: string }> };
}

const FORWARDED = 'Forwarded: for=198.51.100.9;proto=https;host=api.example.com';
const X_FORWARDED = ['X-Forwarded-For: 203.0.113.7, 10.0.0.1', 'X-Forwarded-Host: shop.example.com:8443'];
const ROUTE = '/server_request';
// Express 4 runs two middlewares of its own before any route, and instrumentation-express names
// a route's handler span with its route there; on Express 5 neither.
const EXPRESS4_INIT = ['middleware - query', 'middleware - expressInit'];
const handled = (route: string) => ({ express: ['request handler'], express4: [...EXPRESS4_INIT, `request handler - ${route}`] });
const HANDLER = handled(ROUTE);
const NOT_FOUND = { express: ['middleware - <anonymous>'], express4: [...EXPRESS4_INIT, 'middleware - <anonymous>'] };
const ITEM = { express: ['router - /items/:id', 'request handler'], express4: [...EXPRESS4_INIT, 'router - /items/:id', 'request handler - /api/items/:id'] };

export const SCENARIOS = {
  'a plain request': { path: '/server_request?param=plain', route: ROUTE, ...HANDLER },
  'a request with a valid traceparent and tracestate': {
    path: '/server_request?param=continued', route: ROUTE, ...HANDLER,
    headers: [`traceparent: 00-${CALLER_TRACE_ID}-${CALLER_SPAN_ID}-01`, 'tracestate: vendor=opaque'],
  },
  'a request with a malformed traceparent': { path: '/server_request?param=malformed', headers: ['traceparent: 00-not-a-trace-id-01'], route: ROUTE, ...HANDLER },
  'a request with sensitive query parameters': { path: `/server_request?param=sensitive&sig=${SECRET}&X-Amz-Signature=${SECRET}`, route: ROUTE, ...HANDLER },
  'a handler that throws (GET /error)': { path: '/error?param=error', status: 500, route: '/error', ...handled('/error') },
  'an unknown path (404)': { path: '/no/such/path?param=missing', status: 404, ...NOT_FOUND },
  'GET /health': { path: '/health?param=health', route: '/health', ...handled('/health') },
  // A router mounted on /api: the route carries the prefix, also when the handler fails or passes the request on.
  'a route in a router mounted on /api': { path: '/api/items/7?param=item', route: '/api/items/:id', ...ITEM },
  'a route in a mounted router that throws': { path: '/api/items/broken?param=broken-item', status: 500, route: '/api/items/:id', ...ITEM },
  'a route in a mounted router that passes the request on (next), answered by the 404': {
    path: '/api/items/x?param=not-an-item', status: 404,
    express: [...ITEM.express, ...NOT_FOUND.express], express4: [...ITEM.express4, 'middleware - <anonymous>'],
  },
  // The first paths a newcomer or a crawler sends.
  'GET / with a query (no such route)': { path: '/?param=root', status: 404, ...NOT_FOUND },
  'GET / (no such route)': {
    path: '/', status: 404, ...NOT_FOUND,
    serverDiffers: { why: 'route of a 404 at /', spans: { express: { name: 'GET' }, 'instrumentation-express': { name: 'GET /', route: '/' } } },
  },
  'a route in other letter case (GET /SERVER_REQUEST)': {
    path: '/SERVER_REQUEST?param=capitals', ...HANDLER,
    serverDiffers: {
      why: 'route of a URL in other letter case',
      spans: { express: { name: 'GET /server_request', route: ROUTE }, 'instrumentation-express': { name: 'GET' } },
    },
  },
  'a route with a trailing slash': { path: '/server_request/?param=slash', route: ROUTE, ...HANDLER },
  'a file a browser or crawler asks for (/favicon.ico)': { path: '/favicon.ico', status: 404, ...NOT_FOUND },
  // Behind a reverse proxy or load balancer: RFC 7239 Forwarded, and the older X-Forwarded-*.
  'behind a proxy: Forwarded with for, proto and host': { path: '/server_request?param=forwarded', headers: [FORWARDED], route: ROUTE, ...HANDLER, serverDiffers: { why: 'read from proxy headers and Host' } },
  'behind a proxy: X-Forwarded-For (two hops) and X-Forwarded-Host with a port': { path: '/server_request?param=x-forwarded', headers: X_FORWARDED, route: ROUTE, ...HANDLER },
  'behind a proxy: X-Forwarded-Host without a port, and X-Forwarded-Proto': {
    path: '/server_request?param=x-forwarded-proto', headers: ['X-Forwarded-Host: shop.example.com', 'X-Forwarded-Proto: https'], route: ROUTE, ...HANDLER, serverDiffers: { why: 'read from proxy headers and Host' },
  },
  'behind a proxy: Forwarded and X-Forwarded-* together': { path: '/server_request?param=both', headers: [FORWARDED, ...X_FORWARDED], route: ROUTE, ...HANDLER, serverDiffers: { why: 'read from proxy headers and Host' } },
  'behind two proxies: Forwarded with two hops, the host in the second': {
    path: '/server_request?param=two-hops', route: ROUTE, ...HANDLER, serverDiffers: { why: 'read from proxy headers and Host' },
    headers: ['Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711";host=b.example.com'],
  },
  'behind a proxy: an IPv6 client with a port, and an obfuscated one': {
    path: '/server_request?param=ipv6', headers: ['Forwarded: for="[2001:db8:cafe::17]:4711", for=unknown'], route: ROUTE, ...HANDLER,
  },
  'behind a proxy: a malformed Forwarded header beside X-Forwarded-*': {
    path: '/server_request?param=malformed-forwarded', headers: ['Forwarded: for=198.51.100.9;;host=api.example.com', ...X_FORWARDED], route: ROUTE, ...HANDLER,
  },
  'behind a load balancer: X-Forwarded-Proto https only, the Host as the client sent it': {
    path: '/server_request?param=x-forwarded-proto-only', host: 'shop.example.com', headers: ['X-Forwarded-Proto: https'], route: ROUTE, ...HANDLER, serverDiffers: { why: 'read from proxy headers and Host' },
  },
  'behind a proxy: X-Forwarded-Host with several hops': { path: '/server_request?param=x-forwarded-hops', headers: ['X-Forwarded-Host: a.example.com, b.example.com'], route: ROUTE, ...HANDLER, serverDiffers: { why: 'read from proxy headers and Host' } },
  // What real clients send besides a plain GET.
  'HTTP/1.0 without a Host header': { path: '/server_request?param=http10', version: 'HTTP/1.0', host: null, route: ROUTE, ...HANDLER },
  'a Host header without a port': { path: '/server_request?param=host-no-port', host: 'example.com', route: ROUTE, ...HANDLER },
  'an IPv6 Host header': { path: '/server_request?param=host-ipv6', host: '[::1]:8080', route: ROUTE, ...HANDLER },
  'a Host header in capitals': { path: '/server_request?param=host-caps', host: 'EXAMPLE.com:8080', route: ROUTE, ...HANDLER },
  'a malformed Host header': { path: '/server_request?param=host-malformed', host: '[::1', route: ROUTE, ...HANDLER, serverDiffers: { why: 'read from proxy headers and Host' } },
  'HEAD /server_request': { path: '/server_request?param=head', method: 'HEAD', route: ROUTE, ...HANDLER },
  'POST /server_request (no such route)': { path: '/server_request?param=post', method: 'POST', headers: ['Content-Length: 0'], status: 404, ...NOT_FOUND },
  'OPTIONS /server_request (no such route)': { path: '/server_request?param=options', method: 'OPTIONS', status: 404, ...NOT_FOUND },
  'an unknown method (PURGE)': {
    path: '/server_request?param=purge', method: 'PURGE', status: 404, ...NOT_FOUND,
    serverDiffers: { why: "span name of a method outside the conventions' list", spans: { express: { name: 'HTTP' }, 'instrumentation-express': { name: 'PURGE' } } },
  },
  'the second request on a kept-alive connection': {
    path: '/server_request?param=kept-alive', after: '/server_request?param=first-on-connection', route: ROUTE, ...HANDLER,
  },
  'a client that goes away right after sending': { path: '/server_request?param=gone', abort: true, status: 0, route: ROUTE, ...HANDLER },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];
export const scenario = (name: ScenarioName): Scenario => SCENARIOS[name];
/** The URL path the scenario requests, without its query. */
export const urlPathOf = (name: ScenarioName) => new URL(scenario(name).path, 'http://localhost').pathname;
