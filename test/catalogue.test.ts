// The apps state their own defaults, so that each reads alone; the tools and tests read them from
// @repo/app-catalogue. This holds the two together, as test/routes.test.ts holds the routes.
import { APP_NAMES, APPS, MODULE_FORMATS, startScript } from '@repo/app-catalogue';
import { repoRoot } from '@repo/app-process';
import { readTelemetryConfig } from '@repo/telemetry';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const otelEnv = Object.fromEntries(read('apps/automatic/otel.env').split('\n').filter((line) => /^\w+=/.test(line)).map((line) => line.split('=', 2)));

/** The service name the app falls back to, as its own files say it. */
function ownServiceName(app: string): string | undefined {
  if (app === 'automatic') return otelEnv.OTEL_SERVICE_NAME;
  return /readTelemetryConfig\(\{ serviceName: '([^']+)' \}\)/.exec(read(`apps/${app}/src/instrumentation.ts`))?.[1];
}

describe.each(APP_NAMES)('the %s app', (app) => {
  it('lives where the catalogue says, with the service name and default port it states itself', () => {
    expect(APPS[app].directory).toBe(`apps/${app}`);
    expect(ownServiceName(app)).toBe(APPS[app].serviceName);
    expect(/defaultPort: (\d+)/.exec(read(`apps/${app}/src/main.ts`))?.[1]).toBe(String(APPS[app].defaultPort));
  });

  it('has the start scripts the catalogue names, for both builds', () => {
    const scripts = JSON.parse(read(`apps/${app}/package.json`)).scripts as Record<string, string>;
    for (const format of MODULE_FORMATS) expect(scripts, startScript(format)).toHaveProperty(startScript(format));
    if (app === 'automatic') {
      for (const name of [startScript('cjs', 'untraced'), startScript('esm', 'untraced'), startScript('esm', 'without-loader-hook')]) expect(scripts).toHaveProperty(name);
    }
  });
});

describe("the project's telemetry defaults", () => {
  it('are the same in the automatic app\'s otel.env and in the config package of the other two: OTLP over gRPC, a queue of 8192', () => {
    const config = readTelemetryConfig({ serviceName: 'x' }, {});
    expect({ protocol: otelEnv.OTEL_EXPORTER_OTLP_PROTOCOL, queue: Number(otelEnv.OTEL_BSP_MAX_QUEUE_SIZE) })
      .toEqual({ protocol: config.otlpProtocol, queue: config.batch.maxQueueSize });
  });
});
