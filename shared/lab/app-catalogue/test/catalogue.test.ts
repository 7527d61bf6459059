import type { DifferenceLocation } from '@repo/trace-diff';
import { describe, expect, it } from 'vitest';
import { APP_NAMES, APPS, appsTracing, explainDifference, explainUntraced, knownDifference, startScript, UNEXPLAINED } from '../src/index.ts';

describe('startScript', () => {
  it('names the package script for each build and variant', () => {
    expect([startScript('cjs'), startScript('esm'), startScript('cjs', 'untraced'), startScript('esm', 'untraced'), startScript('esm', 'without-loader-hook')])
      .toEqual(['start', 'start:esm', 'start:untraced', 'start:untraced:esm', 'start:esm:without-loader-hook']);
  });
});

describe('the known differences between the three apps', () => {
  const at = (position: string | undefined, field?: string, ...keys: (string | number)[]): DifferenceLocation => ({ ...(position === undefined ? {} : { position }), ...(field ? { field } : {}), keys });
  const observed = (location: DifferenceLocation, urlPath = '/server_request', values: Record<string, unknown> = {}, statusCode?: number) => ({ location, values, urlPath, statusCode });
  // The manual app's value, then the two instrumented apps' (their route comes from instrumentation-express).
  const sides = (manual: unknown, instrumented: unknown) => ({ manual, automatic: instrumented, programmatic: instrumented });

  it.each([
    [at(undefined, 'resource', 'service.name'), '/server_request', 'service name'],
    [at('0.0.0', 'resource', 'service.name'), '/server_request', 'service name'],
    [at('0', 'scope', 'name'), '/server_request', 'instrumentation scope'],
    [at('0', 'scope', 'version'), '/server_request', 'instrumentation scope'],
    [at('0.0'), '/server_request', 'express spans'],
    [at('0', 'events'), '/error', 'exception event'],
    [at('0', 'name'), '/', 'route of a 404 at /'],
    [at('0', 'attributes', 'http.route'), '/', 'route of a 404 at /'],
    [at('0', 'attributes', 'url.query'), '/server_request', 'from the request'],
    [at('0', 'attributes', 'user_agent.original'), '/server_request', 'from the request'],
  ])('%j of a request to %s is the %s', (location, urlPath, name) => {
    expect(knownDifference(observed(location, urlPath))?.name).toBe(name);
    expect(explainDifference(observed(location, urlPath))).not.toBe(UNEXPLAINED);
  });

  // Where a difference is one library's fault, it is that only with each side's value where it says.
  const EXCEPTION = [{ name: 'exception', attributes: {} }];
  it.each([
    [at('0', 'name'), '/SERVER_REQUEST', sides('GET /server_request', 'GET'), undefined, 'route of a URL in other letter case'],
    [at('0', 'attributes', 'http.route'), '/SERVER_REQUEST', sides('/server_request', undefined), undefined, 'route of a URL in other letter case'],
    [at('0', 'attributes', 'http.route'), '/SERVER_REQUEST', sides(undefined, '/server_request'), undefined, undefined],
    [at('0', 'attributes', 'http.route'), '/admin/stats', sides(undefined, '/admin'), 401, "route of a middleware's answer"],
    [at('0', 'attributes', 'http.route'), '/orders', sides(undefined, '/orders'), 400, "route of a middleware's answer"],
    [at('0', 'attributes', 'http.route'), '/server_request', sides(undefined, '/server_request'), 200, undefined],
    [at('0', 'events'), '/cart', sides([], EXCEPTION), 413, 'exception event of a 4xx'],
    [at('0', 'events'), '/cart', sides(EXCEPTION, []), 413, 'exception event'],
  ])('%j of a request to %s with %j, answered %s: %s', (location, urlPath, values, statusCode, name) => {
    expect(knownDifference(observed(location, urlPath, values, statusCode))?.name).toBe(name);
  });

  it.each([
    [at('0', 'name'), '/server_request'],
    [at('0', 'attributes', 'http.route'), '/no/such/path'],
    [at('0', 'status', 'code'), '/server_request'],
    [at(undefined, 'resource', 'host.name'), '/server_request'],
    [at('0', 'scope'), '/server_request'],
    [at('0'), '/server_request'],
  ])('says plainly that %j of a request to %s is not a known difference', (location, urlPath) => {
    expect(knownDifference(observed(location, urlPath))).toBeUndefined();
    expect(explainDifference(observed(location, urlPath))).toBe(UNEXPLAINED);
  });

  it('explains the one untraced request, /health in the programmatic app, and only there', () => {
    expect(explainUntraced('programmatic', '/health')).toContain('ignoreIncomingRequestHook');
    expect(explainUntraced('manual', '/health')).toBe('No trace of this request from this app has arrived.');
    expect(explainUntraced('programmatic', '/server_request')).toBe('No trace of this request from this app has arrived.');
  });
});

describe('appsTracing', () => {
  const app = APP_NAMES.find((name) => Object.keys(APPS[name].untracedRoutes).length > 0)!;
  const [route] = Object.keys(APPS[app].untracedRoutes);
  it.each([route, route.toUpperCase(), `${route}/`])('leaves out the app that does not trace %s: Express routes it to the untraced route', (path) => {
    expect(appsTracing(path)).not.toContain(app);
    expect(appsTracing(path)).toHaveLength(APP_NAMES.length - 1);
  });
  it.each([`${route}z`, `${route}/more`, '/'])('keeps every app for %s, which Express routes elsewhere', (path) => {
    expect(appsTracing(path)).toEqual([...APP_NAMES]);
  });
});
