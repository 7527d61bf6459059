// The apps state their own defaults, so that each reads alone; the tools and tests read them from
// @repo/app-catalogue. This holds the two together, as test/routes.test.ts holds the routes, by
// what the apps do and what their package files say. (Each app's service name: test/apps.test.ts.)
import { APP_NAMES, APPS, MODULE_FORMATS, startScript } from '@repo/app-catalogue';
import { repoRoot } from '@repo/app-process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startAppForTest } from './app-fixture.ts';
import { COMPUTED, externalImports } from './module-graph.ts';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const sharedEnv = parseEnv(read('shared/example/telemetry/otel.env'));

/** Holds `port` (all interfaces, as the apps listen) unless something already does; released when done. */
async function holdPort(port: number): Promise<() => void> {
  const holder = net.createServer();
  const held = await new Promise<boolean>((resolve) => holder.once('error', () => resolve(false)).listen(port, () => resolve(true)));
  return () => (held ? holder.close() : undefined);
}

describe.each(APP_NAMES)('the %s app', (app) => {
  it('lives where the catalogue says, as the workspace @repo/app-<name>', () => {
    expect(JSON.parse(read(`${APPS[app].directory}/package.json`)).name).toBe(`@repo/app-${app}`);
  });

  it('falls back to the port the catalogue gives when PORT is unset: it says so when that port is taken', async () => {
    const release = await holdPort(APPS[app].defaultPort);
    try {
      const start = startAppForTest(app, { env: { PORT: '' } });
      await expect(start).rejects.toThrow(`cannot listen: port ${APPS[app].defaultPort} is already in use`);
    } finally {
      release();
    }
  });

  it('has exactly the start scripts the catalogue names, for both builds and on Express 4', () => {
    const scripts = JSON.parse(read(`${APPS[app].directory}/package.json`)).scripts as Record<string, string>;
    const names = [
      ...MODULE_FORMATS.map((format) => startScript(format)), startScript('cjs', 'start', 4),
      ...APPS[app].startVariants.flatMap((variant) => MODULE_FORMATS.map((format) => startScript(format, variant))),
      ...APPS[app].startVariants.filter((variant) => variant === 'untraced').map((variant) => startScript('cjs', variant, 4)),
    ];
    expect(Object.keys(scripts).filter((name) => name.startsWith('start')).sort()).toEqual([...new Set(names)].sort());
  });

  it(`loads OpenTelemetry code from src/ (directly or through a @repo/ package) exactly when the catalogue's approach is not configuration only (${APPS[app].approach})`, () => {
    const src = path.join(repoRoot, APPS[app].directory, 'src');
    const external = externalImports(readdirSync(src).map((file) => path.join(src, file)));
    expect(external, 'a module loaded by a name that cannot be read').not.toContain(COMPUTED);
    expect([...external].filter((name) => name.startsWith('@opentelemetry/')).length > 0, [...external].join(', ')).toBe(APPS[app].approach !== 'configuration only');
  });
});

describe.each(APP_NAMES)("the %s app's otel.env", (app) => {
  it('names the service the catalogue gives, and repeats nothing of the otel.env the three share', () => {
    const own = parseEnv(read(`${APPS[app].directory}/otel.env`));
    expect(own.OTEL_SERVICE_NAME).toBe(APPS[app].serviceName);
    expect(Object.keys(own).filter((name) => name in sharedEnv)).toEqual([]);
  });
});
