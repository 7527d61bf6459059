// The proof on a service users run: a user's own Express service (test/user-service/), each
// approach added to a copy of it exactly as the README says (test/service-copies.ts), on Express 5
// and 4, built as CommonJS and as ES modules; every request of test/user-service-requests.ts sent
// to the three copies of a build, and what arrived held to what the HTTP semantic conventions call
// for, where the approaches differ only by a known difference. `npm run test:services`.
import { APP_NAMES, type AppName, type ExpressMajor, KNOWN_DIFFERENCES, type ModuleFormat } from '@repo/app-catalogue';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCopy, installCopy, RECIPES, removeCopies, startCopy, type ServiceCopy } from './service-copies.ts';
import { captureBuild, type CopyCapture } from './user-service-capture.ts';
import {
  comparedServer, expectedSeries, expectedServer, expectKnownDifferences, observedServer, sortSeries,
} from './user-service-checks.ts';
import { request, REQUEST_NAMES } from './user-service-requests.ts';

const BUILDS = [
  { express: 5, format: 'cjs' }, { express: 5, format: 'esm' }, { express: 4, format: 'cjs' }, { express: 4, format: 'esm' },
] as const satisfies { express: ExpressMajor; format: ModuleFormat }[];
type Build = (typeof BUILDS)[number];
const buildName = ({ express, format }: Build) => `Express ${express}, ${format}`;

const copies: Record<string, ServiceCopy | Error> = {};
const captures: Record<string, Record<AppName, CopyCapture | Error>> = {};
const copyOf = (app: AppName, express: ExpressMajor) => copies[`${app} ${express}`]!;

// Installs once per approach and major (both formats reuse it), then builds and captures each build in turn.
beforeAll(async () => {
  for (const express of [5, 4] as const) {
    const installed = await Promise.allSettled(APP_NAMES.map((app) => installCopy(app, express)));
    installed.forEach((s, i) => (copies[`${APP_NAMES[i]} ${express}`] = s.status === 'fulfilled' ? s.value : s.reason));
    for (const build of BUILDS.filter((b) => b.express === express)) {
      const built = await Promise.all(APP_NAMES.map(async (app) => {
        const copy = copyOf(app, express);
        if (copy instanceof Error) return copy;
        return buildCopy(copy, build.format).then(() => copy, (error: Error) => error);
      }));
      captures[buildName(build)] = await captureBuild(Object.fromEntries(APP_NAMES.map((app, i) => [app, built[i]])) as Record<AppName, ServiceCopy | Error>);
    }
  }
}, 600_000);

// What each step took, for the record: the installs, tsc, and from the start line to the exit.
afterAll(() => {
  const done = Object.values(copies).filter((c): c is ServiceCopy => !(c instanceof Error));
  const s = (seconds?: number) => (seconds === undefined ? '-' : `${seconds.toFixed(1)} s`);
  console.log(done.map(({ app, express, seconds }) => {
    const runs = BUILDS.filter((b) => b.express === express).map((b) => captures[buildName(b)]?.[app]).map((c) => (c instanceof Error || !c ? '-' : `${s(c.seconds.run)} + ${s(c.seconds.stop)}`));
    return `${app}, Express ${express}: npm install ${s(seconds.install)} (+${s(seconds.esmInstall)} ES modules), tsc ${s(seconds.build.cjs)} / ${s(seconds.build.esm)}, run + stop ${runs.join(' / ')}`;
  }).join('\n'));
  removeCopies(done);
});

/** One copy's capture of a build: fails with why it has none (its install, build or start). */
function captured(build: Build, app: AppName): CopyCapture {
  const capture = captures[buildName(build)]?.[app];
  if (!capture || capture instanceof Error) throw capture ?? new Error(`no capture of ${buildName(build)}: beforeAll failed`);
  return capture;
}

describe.each(BUILDS)('a user\'s service on Express $express, built as $format, each approach added as the README says', (build) => {
  // What is expected of each approach: never from a capture, so that a missing one fails.
  const each = <T>(of: (app: AppName) => T) => Object.fromEntries(APP_NAMES.map((app) => [app, of(app)]));
  // What each approach did, side by side: a copy without a capture shows why in its place, and the others still show theirs.
  const all = <T>(of: (capture: CopyCapture, app: AppName) => T) => Object.fromEntries(APP_NAMES.map((app) => {
    const capture = captures[buildName(build)]?.[app];
    return [app, capture instanceof Error ? `no capture: ${capture.message.split('\n').slice(0, 2).join(' ')}` : of(captured(build, app), app)];
  }));

  it.each(APP_NAMES)('the %s copy installs, type-checks under the strict tsconfig, builds, starts, and exits 0 on SIGTERM', (app) => {
    expect(captured(build, app).exit.code).toBe(0);
  });

  it.each(REQUEST_NAMES)('%s: every approach answers with the status the service gives', (name) => {
    expect(all((c) => c.observations[name].status)).toEqual(each(() => request(name).status));
  });

  it.each(REQUEST_NAMES)('%s: the SERVER span has the name, http.route, status and exception the conventions call for (instrumentation-express: where the request says it departs)', (name) => {
    expect(all((c, app) => observedServer(c.observations[name], app))).toEqual(each((app) => expectedServer(name, app, build.express)));
  });

  it.each(REQUEST_NAMES)('%s: where the SERVER spans differ, each difference is the known one the request names', (name) => {
    expectKnownDifferences(name, Object.fromEntries(APP_NAMES.map((app) => [app, comparedServer(captured(build, app).observations[name], app)])));
  });

  it.each(REQUEST_NAMES)('%s: the log records, side by side: severity, body, attributes (a child logger\'s bindings too), each on a span of the request', (name) => {
    const expected = (request(name).logs ?? []).map((log) => ({ exception: false, ...log }));
    expect(all((c) => c.observations[name].logs.map((r) => ({
      severity: r.severityText, body: r.body, exception: 'exception.type' in r.attributes,
      attributes: Object.fromEntries(Object.entries(r.attributes).filter(([key]) => !key.startsWith('exception.'))),
    })))).toEqual(each(() => expected));
    for (const app of APP_NAMES) {
      const { spans, logs } = captured(build, app).observations[name];
      for (const record of logs) expect(spans.map((s) => s.spanId), `${app}: ${record.body}`).toContain(record.spanId);
    }
  });

  it.each(APP_NAMES)('the %s copy\'s http.server.request.duration: one series per method, route and status, each counting its requests', (app) => {
    expect(sortSeries(captured(build, app).series)).toEqual(expectedSeries(app, build.express));
  });
});

describe('the checks catch what they are for', () => {
  const build = BUILDS[0];

  it('every known difference a request names says which approach the HTTP semantic conventions side with', () => {
    const named = new Set(REQUEST_NAMES.flatMap((name) => request(name).instrumentationExpress?.why ?? []));
    expect(named.size).toBeGreaterThan(0);
    for (const why of named) expect(KNOWN_DIFFERENCES.find((known) => known.name === why)?.why, why).toMatch(/semantic conventions/);
  });

  // Whatever the manual approach gives today: its place taken by the span the conventions call for.
  it.each(REQUEST_NAMES.filter((name) => request(name).instrumentationExpress))('%s: the known differences it names are those between instrumentation-express\'s SERVER span and the conventions\' one', (name) => {
    const observed = (app: AppName) => comparedServer(captured(build, app).observations[name], app);
    const conventions = observed('automatic');
    const { name: expectedName, route, exception } = expectedServer(name, 'manual', build.express);
    const [server] = conventions.spans;
    Object.assign(server!, { name: expectedName, events: exception ? [{ name: 'exception', attributes: {} }] : [] });
    if (route) server!.attributes['http.route'] = route as string;
    else delete server!.attributes['http.route'];
    expectKnownDifferences(name, { manual: conventions, automatic: observed('automatic'), programmatic: observed('programmatic') });
  });

  it('a manual approach that took http.route from the URL (/users/42/posts/:postId) fails the SERVER span check and the metric check', () => {
    const name = 'GET /users/42/posts/7';
    const observed = observedServer(captured(build, 'manual').observations[name], 'manual');
    const fromUrl = { ...observed, route: '/users/42/posts/:postId', name: 'GET /users/42/posts/:postId' };
    expect(fromUrl).not.toEqual(expectedServer(name, 'manual', build.express));
    const series = captured(build, 'manual').series.map((s) => (s.attributes['http.route'] === '/users/:userId/posts/:postId' ? { ...s, attributes: { ...s.attributes, 'http.route': '/users/42/posts/:postId' } } : s));
    expect(sortSeries(series)).not.toEqual(expectedSeries('manual', build.express));
  });

  it.each(APP_NAMES)('the %s copy without the last file the README lists fails to build or start, naming it', async (app) => {
    const copy = copyOf(app, 5);
    if (copy instanceof Error) throw copy;
    // Only a copy that ran whole proves anything by failing without a file.
    expect(captured(BUILDS[1], app).exit.code).toBe(0);
    const missing = RECIPES[app].cjs.files.at(-1)!.to;
    rmSync(`${copy.dir}/${missing}`);
    const failure = await buildCopy(copy, 'esm').then(() => startCopy(copy, {})).then((running) => running.stop('SIGKILL').then(() => 'no failure'), (error: Error) => error.message);
    expect(failure).toContain(missing.replace(/^src\/|\.ts$/g, ''));
  });
});
