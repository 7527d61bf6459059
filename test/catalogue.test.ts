// The apps state their own defaults, so that each reads alone; the tools and tests read them from
// @repo/app-catalogue. This holds the two together, as test/routes.test.ts holds the routes, by
// what the apps do and what their package files say. (Each app's service name: test/apps.test.ts.)
import { APP_NAMES, APPS, MODULE_FORMATS, startScript, type AppName, type StartVariant } from '@repo/app-catalogue';
import { repoRoot } from '@repo/app-process';
import { readTelemetryConfig } from '@repo/telemetry';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startAppForTest } from './app-fixture.ts';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const otelEnv = parseEnv(read('apps/automatic/otel.env'));
// The start variants each app has besides `start`: the automatic app's baseline and negative control.
const VARIANTS: Record<AppName, StartVariant[]> = { manual: [], automatic: ['untraced', 'without-loader-hook'], programmatic: [] };

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

  it('has the start scripts the catalogue names, for both builds and on Express 4', () => {
    const scripts = JSON.parse(read(`${APPS[app].directory}/package.json`)).scripts as Record<string, string>;
    const names = [
      ...MODULE_FORMATS.map((format) => startScript(format)), startScript('cjs', 'start', 4),
      ...VARIANTS[app].flatMap((variant) => MODULE_FORMATS.map((format) => startScript(format, variant))),
      ...VARIANTS[app].filter((variant) => variant === 'untraced').map((variant) => startScript('cjs', variant, 4)),
    ];
    for (const name of names) expect(scripts, name).toHaveProperty(name);
  });
});

describe("the project's telemetry defaults", () => {
  it('are the same in the automatic app\'s otel.env and in the telemetry package of the other two: OTLP over gRPC, a queue of 8192', () => {
    const config = readTelemetryConfig({ serviceName: 'x' }, {});
    expect({ protocol: otelEnv.OTEL_EXPORTER_OTLP_PROTOCOL, queue: Number(otelEnv.OTEL_BSP_MAX_QUEUE_SIZE) })
      .toEqual({ protocol: config.traces.otlpProtocol, queue: config.traces.batch.maxQueueSize });
  });
});
