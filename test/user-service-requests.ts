// The requests test/user-service.test.ts sends to a user's service (test/user-service/) with each
// approach added, and what each should make of them, as data: the status, and the route the HTTP
// semantic conventions call for (http.route: the template of the route that answered; none when
// no route's handler answered: a middleware, express.static, a param callback, Express's own
// OPTIONS reply, the 404). Where instrumentation-express (the automatic and programmatic
// approaches) departs from the conventions, what it gives instead and the known difference
// (shared/lab/app-catalogue/src/differences.ts) that says why. The manual approach is held to the
// conventions everywhere.
import type { ExpressMajor, KnownDifference } from '@repo/app-catalogue';

export interface LogExpectation {
  severity: 'info' | 'warn' | 'error';
  body: string;
  /** The record's attributes but exception.*: the call's fields, a child logger's bindings. */
  attributes: Record<string, string>;
  /** Whether the record carries the error's exception.* attributes. */
  exception?: boolean;
}

export interface ServiceRequest {
  method?: string;
  path: string;
  headers?: string[];
  /** Sent as application/json. */
  body?: string;
  status: number;
  /** The route the conventions call for, per major where their syntax differs; absent: none. */
  route?: string | Record<ExpressMajor, string>;
  /**
   * Where instrumentation-express (or instrumentation-http under it) departs from the conventions,
   * and why: the route it gives (`route: undefined`: none), the span name, the exception event.
   */
  instrumentationExpress?: { why: KnownDifference['name'][]; route?: string; name?: string; exception?: boolean };
  /** The log records the request makes, in order. */
  logs?: LogExpectation[];
}

const TOKEN = 'Authorization: Bearer letmein';
const GREETING_ID = 'X-Request-Id: r-1';
const TOO_LARGE = JSON.stringify({ note: 'x'.repeat(200) });
const failed = (request: string): LogExpectation[] => [{ severity: 'error', body: `${request} failed`, attributes: {}, exception: true }];
const refused = (request: string): LogExpectation[] => [{ severity: 'warn', body: `${request} refused`, attributes: {}, exception: true }];
const GREETING_LOGS: LogExpectation[] = [
  { severity: 'info', body: 'greeting served', attributes: { reqId: 'r-1', book: '1' } },
  // pino writes the format with its one argument, and leaves out the extra one.
  { severity: 'info', body: 'hello world', attributes: { visitor: 'guest' } },
];
// instrumentation-express's departures, each with its known difference.
const MOUNT_PATH = "route of a middleware's answer";
const FOUR_XX_EXCEPTION = 'exception event of a 4xx';
const mountPath = (route: string) => ({ route, why: [MOUNT_PATH] });
const BOOK = '/books/:bookId';
const POST = '/users/:userId/posts/:postId';
const ITEM = '/shops/:shopId/departments/:departmentId/shelves/:shelfId/items/:itemId';

export const REQUESTS = {
  // app.METHOD, app.all, app.route()
  'GET / (the root route)': { path: '/', status: 200, route: '/' },
  'GET /ping (app.all)': { path: '/ping', status: 200, route: '/ping' },
  'POST /ping (app.all)': { method: 'POST', path: '/ping', status: 200, route: '/ping' },
  'PURGE /ping (app.all, a method outside the conventions\' list)': {
    method: 'PURGE', path: '/ping', status: 200, route: '/ping', instrumentationExpress: { name: 'PURGE /ping', why: ["span name of a method outside the conventions' list"] },
  },
  'GET /cart (app.route)': { path: '/cart', status: 200, route: '/cart' },
  'POST /cart (app.route, its own body parser)': { method: 'POST', path: '/cart', body: '{"book":"1"}', status: 201, route: '/cart' },
  'POST /cart with malformed JSON (400 from the route\'s body parser)': {
    method: 'POST', path: '/cart', body: '{"book":', status: 400, route: '/cart', logs: refused('POST /cart'), instrumentationExpress: { exception: true, why: [FOUR_XX_EXCEPTION] },
  },
  'POST /cart with a body over the limit (413 from the route\'s body parser)': {
    method: 'POST', path: '/cart', body: TOO_LARGE, status: 413, route: '/cart', logs: refused('POST /cart'), instrumentationExpress: { exception: true, why: [FOUR_XX_EXCEPTION] },
  },
  'DELETE /cart (res.sendStatus(204))': { method: 'DELETE', path: '/cart', status: 204, route: '/cart' },
  'PUT /cart (no handler for the method: the 404)': { method: 'PUT', path: '/cart', status: 404 },
  'HEAD /cart (HEAD on a GET route)': { method: 'HEAD', path: '/cart', status: 200, route: '/cart' },
  // Express replies to OPTIONS itself only where nothing else answers: here the app's 404 does.
  'OPTIONS /cart (no OPTIONS handler: the 404, before Express\'s own reply)': { method: 'OPTIONS', path: '/cart', status: 404 },
  // A middleware answers before any route; express.static.
  'GET /admin/stats without a token (401 from a middleware)': { path: '/admin/stats', status: 401, instrumentationExpress: mountPath('/admin') },
  'GET /admin/stats with a token': { path: '/admin/stats', headers: [TOKEN], status: 200, route: '/admin/stats' },
  'GET /static/books.csv (express.static, a file)': { path: '/static/books.csv', status: 200, instrumentationExpress: mountPath('/static') },
  'GET /static/missing.csv (express.static, no such file: the 404)': { path: '/static/missing.csv', status: 404 },
  // Parameters, app.param, optional segments, wildcards, a regular expression, an array of paths.
  'GET /books/1 (app.param passes it on)': { path: '/books/1', status: 200, route: BOOK },
  'GET /books/2 (another id, the same route)': { path: '/books/2', status: 200, route: BOOK },
  'GET /books/999 (404 from app.param)': { path: '/books/999', status: 404 },
  'GET /BOOKS/1 (in other letter case)': { path: '/BOOKS/1', status: 200, route: BOOK },
  'GET /books/1/ (a trailing slash)': { path: '/books/1/', status: 200, route: BOOK },
  'GET /authors/9/books/1 (two parameters)': { path: '/authors/9/books/1', status: 200, route: '/authors/:authorId/books/:bookId' },
  'GET /archive (optional segments, none)': { path: '/archive', status: 200, route: { 5: '/archive{/:year}{/:month}', 4: '/archive/:year?/:month?' } },
  'GET /archive/2024 (optional segments, one)': { path: '/archive/2024', status: 200, route: { 5: '/archive{/:year}{/:month}', 4: '/archive/:year?/:month?' } },
  'GET /archive/2024/05 (optional segments, both)': { path: '/archive/2024/05', status: 200, route: { 5: '/archive{/:year}{/:month}', 4: '/archive/:year?/:month?' } },
  'GET /files/covers/dune.jpg (a wildcard)': { path: '/files/covers/dune.jpg', status: 200, route: { 5: '/files/*path', 4: '/files/*' } },
  'GET /isbn/9780441013593 (a regular expression)': { path: '/isbn/9780441013593', status: 200, route: String(/^\/isbn\/(\d{13})$/) },
  'GET /isbn/123 (the regular expression does not match: the 404)': { path: '/isbn/123', status: 404 },
  'GET /about (an array of paths)': { path: '/about', status: 200, route: '/about,/about-us' },
  'GET /about-us (an array of paths, the other)': { path: '/about-us', status: 200, route: '/about,/about-us' },
  'GET /shelves/classics': { path: '/shelves/classics', status: 200, route: '/shelves/:shelf' },
  'GET /shelves/new (next(), answered by the route after it)': { path: '/shelves/new', status: 200, route: '/shelves/new' },
  // Responses of other kinds.
  'GET /catalogue (res.redirect)': { path: '/catalogue', status: 301, route: '/catalogue' },
  'GET /export (a streamed response)': { path: '/export', status: 200, route: '/export' },
  'GET /greeting (a child logger, a format with an extra argument)': {
    path: '/greeting', headers: [GREETING_ID], status: 200, route: '/greeting',
    logs: GREETING_LOGS,
  },
  // Errors: a sync throw, an async one, next(err) from a middleware.
  'GET /boom (a handler throws)': { path: '/boom', status: 500, route: '/boom', logs: failed('GET /boom') },
  'GET /boom-async (an async handler fails)': { path: '/boom-async', status: 500, route: '/boom-async', logs: failed('GET /boom-async') },
  'GET /maintenance/today (next(err) from a middleware)': { path: '/maintenance/today', status: 500, logs: failed('GET /maintenance/today'), instrumentationExpress: mountPath('/maintenance') },
  'GET /no/such/page (the 404)': { path: '/no/such/page', status: 404 },
  // A router on /orders: its own body parser before its routes, router.param, its root route.
  'GET /orders (a router\'s root route)': { path: '/orders', status: 200, route: '/orders' },
  'GET /orders/ (a router\'s root route, with the trailing slash)': { path: '/orders/', status: 200, route: '/orders' },
  'POST /orders': { method: 'POST', path: '/orders', body: '{"book":"2"}', status: 201, route: '/orders' },
  'POST /orders with malformed JSON (400 from the router\'s body parser, before any route)': {
    method: 'POST', path: '/orders', body: '{"book":', status: 400, logs: refused('POST /orders'),
    instrumentationExpress: { route: '/orders', exception: true, why: [MOUNT_PATH, FOUR_XX_EXCEPTION] },
  },
  'POST /orders with a body over the limit (413 from the router\'s body parser)': {
    method: 'POST', path: '/orders', body: TOO_LARGE, status: 413, logs: refused('POST /orders'),
    instrumentationExpress: { route: '/orders', exception: true, why: [MOUNT_PATH, FOUR_XX_EXCEPTION] },
  },
  'GET /orders/7': { path: '/orders/7', status: 200, route: '/orders/:orderId' },
  'GET /ORDERS/7 (a mount path in other letter case)': { path: '/ORDERS/7', status: 200, route: '/orders/:orderId' },
  'GET /orders/8 (another id, the same route)': { path: '/orders/8', status: 200, route: '/orders/:orderId' },
  'GET /orders/404404 (404 from router.param)': { path: '/orders/404404', status: 404, instrumentationExpress: mountPath('/orders') },
  'DELETE /orders/7': { method: 'DELETE', path: '/orders/7', status: 204, route: '/orders/:orderId' },
  'HEAD /orders/7': { method: 'HEAD', path: '/orders/7', status: 200, route: '/orders/:orderId' },
  'OPTIONS /orders/7 (Express\'s own reply, at the router\'s end)': { method: 'OPTIONS', path: '/orders/7', status: 200, instrumentationExpress: mountPath('/orders') },
  // A router on a path with a parameter (mergeParams), and one nested in it.
  'GET /users/42/posts (a root route under a parameter)': { path: '/users/42/posts', status: 200, route: '/users/:userId/posts' },
  'GET /users/42/posts/ (the same, with the trailing slash)': { path: '/users/42/posts/', status: 200, route: '/users/:userId/posts' },
  'GET /users/42/posts/7': { path: '/users/42/posts/7', status: 200, route: POST },
  'GET /Users/42/POSTS/7 (a mount path with a parameter, in other letter case)': { path: '/Users/42/POSTS/7', status: 200, route: POST },
  'GET /users/43/posts/8 (another user, the same route)': { path: '/users/43/posts/8', status: 200, route: POST },
  'GET /users/42/posts/broken (a handler in a mounted router throws)': { path: '/users/42/posts/broken', status: 500, route: POST, logs: failed('GET /users/42/posts/broken') },
  'GET /users/42/posts/7/comments (two routers deep, the root route)': { path: '/users/42/posts/7/comments', status: 200, route: `${POST}/comments` },
  'GET /users/42/posts/7/comments/3 (two routers deep)': { path: '/users/42/posts/7/comments/3', status: 200, route: `${POST}/comments/:commentId` },
  // Three routers deep.
  'GET /shops/1/departments/2 (two routers deep, the root route)': { path: '/shops/1/departments/2', status: 200, route: '/shops/:shopId/departments/:departmentId' },
  'GET /shops/1/departments/2/shelves/3/items/4 (three routers deep)': { path: '/shops/1/departments/2/shelves/3/items/4', status: 200, route: ITEM },
  'GET /shops/5/departments/6/shelves/7/items/8 (other ids, the same route)': { path: '/shops/5/departments/6/shelves/7/items/8', status: 200, route: ITEM },
  'GET /shops/1/departments/2/shelves/3/nothing (three routers deep, no route: the 404)': { path: '/shops/1/departments/2/shelves/3/nothing', status: 404 },
} satisfies Record<string, ServiceRequest>;

export type RequestName = keyof typeof REQUESTS;
export const REQUEST_NAMES = Object.keys(REQUESTS) as RequestName[];
export const request = (name: RequestName): ServiceRequest => REQUESTS[name];

/** The route the conventions call for on `express`. */
export function conventionsRoute(name: RequestName, express: ExpressMajor): string | undefined {
  const { route } = request(name);
  return typeof route === 'object' ? route[express] : route;
}

// The HTTP semantic conventions' known methods: any other is `_OTHER`, and names the span `HTTP`.
const KNOWN_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', 'QUERY'];

/** The SERVER span's name the conventions call for: `{method} {route}`, or the method alone. */
export function spanName(method: string, route: string | undefined): string {
  const known = KNOWN_METHODS.includes(method) ? method : 'HTTP';
  return route ? `${known} ${route}` : known;
}
