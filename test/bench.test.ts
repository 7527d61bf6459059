// The benchmark's figures are noisy and are not tested; that it runs, and counts right, is.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

it('npm run bench runs all four variants, prints both tables with CPU time per request, and every traced request has its span', () => {
  const json = path.join(mkdtempSync(path.join(tmpdir(), 'bench-')), 'bench.json');
  const args = ['--duration', '2', '--warmup', '1', '--rounds', '1', '--connections', '5', '--rate', '500', '--json', json];
  const run = spawnSync(process.execPath, [path.join(import.meta.dirname, '..', 'scripts', 'bench', 'bench.ts'), ...args], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/\| variant +\| CPU µs\/request @ 500\/s \| x base \|/);
  expect(run.stdout).toMatch(/\| spans\/s \|/);

  const figures = JSON.parse(readFileSync(json, 'utf8'));
  expect(Object.keys(figures.medians)).toEqual(['baseline', 'manual', 'automatic', 'programmatic']);
  for (const name of ['manual', 'automatic', 'programmatic']) {
    const { spans, responses, requestsPerSecond, cpuPerRequestUs, eventLoopUtilization } = figures.medians[name];
    expect(requestsPerSecond, name).toBeGreaterThan(0);
    // Plausible, not timed: some CPU per request, more than the untraced baseline's; a loop busy part of the time.
    expect(cpuPerRequestUs, name).toBeGreaterThan(figures.medians.baseline.cpuPerRequestUs);
    expect(eventLoopUtilization, name).toBeGreaterThan(0);
    expect(eventLoopUtilization, name).toBeLessThanOrEqual(1);
    // Each answered request has its span; a request in flight at the end of a run (at most one
    // per connection, 3 runs) is served and traced but not counted as answered.
    expect(spans, `${name}: SERVER spans received`).toBeGreaterThanOrEqual(responses);
    expect(spans, `${name}: SERVER spans received`).toBeLessThanOrEqual(responses + 3 * 5);
  }
  expect(figures.medians.baseline.cpuPerRequestUs).toBeGreaterThan(0);
  expect(figures.medians.baseline.spans).toBe(0);
  expect(figures.receiver.spansPerSecond).toBeGreaterThan(0);
}, 120_000);

it('npm run bench refuses an --only that names no app, in one line, before starting anything', () => {
  const run = spawnSync(process.execPath, [path.join(import.meta.dirname, '..', 'scripts', 'bench', 'bench.ts'), '--only', 'manual,nginx'], { encoding: 'utf8' });
  expect(run.status).toBe(2);
  expect(run.stderr).toBe('bench: --only "manual,nginx": "nginx" is not one of manual, automatic, programmatic\n');
  expect(run.stdout).toBe('');
});
