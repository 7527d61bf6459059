// scripts/collector/build.ts, which `npm run test:collector` runs first: the collector, telemetrygen
// and Jaeger built once per machine and then found in the cache; without Go, one line saying what
// to install. And `npm run jaeger`'s own lines: its usage before any build, and the same one line.
import { collectOutput } from '@repo/app-process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

/** `node scripts/collector/<script> <args>` with `env`; resolves with its exit code and output. */
async function runScript(script: string, env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [`scripts/collector/${script}`, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => void child.kill('SIGKILL'));
  const { output } = collectOutput(child, script);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, output: output() };
}

/** A cache folder with nothing in it, and a PATH without go: a machine without Go. */
function withoutGo(): Record<string, string> {
  const emptyCache = mkdtempSync(path.join(os.tmpdir(), 'otelcol-cache-'));
  onTestFinished(() => rmSync(emptyCache, { recursive: true, force: true }));
  return { XDG_CACHE_HOME: emptyCache, PATH: '/usr/bin:/bin' };
}

// All three are built by the project's global setup (go-tools.ts).
describe('scripts/collector/build.ts', () => {
  it('finds the collector, telemetrygen and Jaeger built already, and says so rather than building them again', async () => {
    const { code, output } = await runScript('build.ts', {});
    expect(code).toBe(0);
    expect(output).toMatch(new RegExp(`^${[
      'otelcol-[0-9a-f]{16}/otelcol/otelcol-three-ways', 'telemetrygen-v0\\.161\\.0/telemetrygen', 'jaeger-v1\\.75\\.0/jaeger',
    ].map((binary) => `collector: \\S+/otel-three-ways/${binary} \\(cached\\)\\n`).join('')}$`));
  });

  it('with nothing in its cache and no go on PATH: one line naming what to install, and exit 1', async () => {
    const { code, output } = await runScript('build.ts', withoutGo());
    expect(code).toBe(1);
    expect(output).toBe('collector: `go` is not on PATH: install Go 1.26 or later (https://go.dev/dl/) to build the OpenTelemetry Collector\n');
  });
});

describe('npm run jaeger (scripts/collector/jaeger.ts)', () => {
  it('--help: its usage in one line, before any build (here with no Go and an empty cache), and exit 0', async () => {
    const { code, output } = await runScript('jaeger.ts', withoutGo(), ['--help']);
    expect(code).toBe(0);
    expect(output).toMatch(/^usage: npm run jaeger \[-- <jaeger flags>\]: Jaeger v1\.75\.0 [^\n]*http:\/\/127\.0\.0\.1:16686[^\n]*\n$/);
  });

  it('with nothing in its cache and no go on PATH: one line naming what to install, and exit 1', async () => {
    const { code, output } = await runScript('jaeger.ts', withoutGo());
    expect(code).toBe(1);
    expect(output).toBe('jaeger: `go` is not on PATH: install Go 1.26 or later (https://go.dev/dl/) to build Jaeger v1.75.0\n');
  });
});
