// scripts/collector/build.ts, which `npm run test:collector` runs first: the collector and
// telemetrygen built once per machine and then found in the cache; without Go, one line saying
// what to install.
import { collectOutput } from '@repo/app-process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

/** `node scripts/collector/build.ts` with `env`; resolves with its exit code and output. */
async function runBuild(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['scripts/collector/build.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onTestFinished(() => void child.kill('SIGKILL'));
  const { output } = collectOutput(child, 'build.ts');
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, output: output() };
}

// Both are built by the project's global setup (go-tools.ts).
describe('scripts/collector/build.ts', () => {
  it('finds the collector and telemetrygen built already, and says so rather than building them again', async () => {
    const { code, output } = await runBuild({});
    expect(code).toBe(0);
    expect(output).toMatch(/^collector: \S+\/otel-three-ways\/otelcol-[0-9a-f]{16}\/otelcol\/otelcol-three-ways \(cached\)\ncollector: \S+\/otel-three-ways\/telemetrygen-v0\.161\.0\/telemetrygen \(cached\)\n$/);
  });

  it('with nothing in its cache and no go on PATH: one line naming what to install, and exit 1', async () => {
    const emptyCache = mkdtempSync(path.join(os.tmpdir(), 'otelcol-cache-'));
    onTestFinished(() => rmSync(emptyCache, { recursive: true, force: true }));
    const { code, output } = await runBuild({ XDG_CACHE_HOME: emptyCache, PATH: '/usr/bin:/bin' });
    expect(code).toBe(1);
    expect(output).toBe('collector: `go` is not on PATH: install Go 1.26 or later (https://go.dev/dl/) to build the OpenTelemetry Collector and telemetrygen\n');
  });
});
