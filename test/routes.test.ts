// The one intended repeat in this project: each app carries its own copy of the routes, so that
// it reads alone like the original's three scripts. This keeps the copies from drifting apart, by
// what each app's createApp() builds: Express's own list of its routes and their handlers.
import { APP_NAMES, APPS, type AppName } from '@repo/app-catalogue';
import { repoRoot } from '@repo/app-process';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const load = (app: AppName, file: string) => createRequire(import.meta.url)(path.join(repoRoot, APPS[app].directory, 'dist/cjs', file));

interface Layer {
  handle: ((...args: unknown[]) => unknown) & { stack?: Layer[] };
  route?: { path: string; methods: Record<string, boolean>; stack: Layer[] };
}
type ExpressApp = { router?: { stack: Layer[] }; _router?: { stack: Layer[] } };

/**
 * Each layer of the app's router, in order, as a line: a route's methods, path and handlers'
 * code; a mounted router's own layers; a middleware's code. `leaveOut`: layers not to list.
 */
function routeTable(app: ExpressApp, leaveOut: Set<unknown> = new Set()): string[] {
  const lines = (stack: Layer[], indent: string): string[] => stack.flatMap((layer) => {
    if (leaveOut.has(layer.handle)) return [];
    if (layer.route) return [`${indent}${Object.keys(layer.route.methods).join(',')} ${layer.route.path}: ${layer.route.stack.map((l) => String(l.handle)).join(' | ')}`];
    if (layer.handle.stack) return [`${indent}router:`, ...lines(layer.handle.stack, `${indent}  `)];
    return [`${indent}use: ${String(layer.handle)}`];
  });
  return lines((app.router ?? app._router)!.stack, '');
}

const createApp = (app: AppName): ExpressApp => load(app, 'app.js').createApp();
// The middlewares of the apps' own telemetry (the approach, not the routes), from the modules the catalogue names.
const telemetryMiddlewares = () => new Set(APP_NAMES.flatMap((app) => {
  const file = APPS[app].telemetryMiddlewares;
  return file ? Object.values(load(app, file)) : [];
}));
// Each app beside each other one, once.
const PAIRS = APP_NAMES.flatMap((app, i) => APP_NAMES.slice(i + 1).map((other) => [app, other]));

describe('the routes in createApp()', () => {
  it.each(PAIRS)('are the same in the %s app as in the %s app, but for the telemetry middlewares the catalogue names', (app, other) => {
    expect(routeTable(createApp(app), telemetryMiddlewares())).toEqual(routeTable(createApp(other), telemetryMiddlewares()));
  });

  it('hold every route of the original and this project: /server_request, /health, /error, /api/items/:id, a 404 and an error handler', () => {
    const table = routeTable(createApp(APP_NAMES[0]), telemetryMiddlewares());
    expect(table.map((line) => line.split(':')[0])).toEqual(['get /server_request', 'get /health', 'get /error', 'router', '  get /items/', 'use', 'use']);
  });

  it('would be caught drifting: a route added to one copy shows', () => {
    const drifted = createApp(APP_NAMES[1]) as ExpressApp & { get(path: string, handler: () => void): void };
    drifted.get('/extra', () => {});
    expect(routeTable(drifted, telemetryMiddlewares())).not.toEqual(routeTable(createApp(APP_NAMES[0]), telemetryMiddlewares()));
  });
});

describe.each(APP_NAMES.filter((app) => APPS[app].approach === 'configuration only'))('the %s app', (app) => {
  it('loads no OpenTelemetry module of its own: it is configured only by OTEL_* variables and its start script', () => {
    const dir = path.join(repoRoot, APPS[app].directory);
    const loaded = spawnSync(process.execPath, ['-e', `require('./dist/cjs/app.js'); require('@repo/server-lifecycle');
      console.log(JSON.stringify(Object.keys(require.cache).filter((file) => /opentelemetry|@repo.telemetry/.test(file))))`], { cwd: dir, encoding: 'utf8' });
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(JSON.parse(loaded.stdout)).toEqual([]);
  });
});
