// The benchmark's figures are noisy and are not tested, nor compared with one another; that it
// runs, that each figure is there and plausible, and that it counts right, is.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { medianRun } from '../scripts/bench/bench-tables.ts';
import type { Run } from '../scripts/bench/measure-variant.ts';

const BENCH = path.join(import.meta.dirname, '..', 'scripts', 'bench', 'bench.ts');
const CONNECTIONS = 5;

/** Runs the benchmark to its end; with `json`, also returns the figures it wrote. */
function runBench(args: string[]) {
  const json = path.join(mkdtempSync(path.join(tmpdir(), 'bench-')), 'bench.json');
  const run = spawnSync(process.execPath, [BENCH, ...args, '--connections', String(CONNECTIONS), '--json', json], { encoding: 'utf8' });
  return { ...run, figures: () => JSON.parse(readFileSync(json, 'utf8')) };
}

/** Present and plausible: each figure a finite number, above 0, the event loop's utilisation at most 1. */
function expectPlausible(name: string, median: Record<string, number>, figures: string[]) {
  for (const figure of figures) {
    expect(Number.isFinite(median[figure]), `${name}: ${figure}`).toBe(true);
    expect(median[figure], `${name}: ${figure}`).toBeGreaterThan(0);
  }
  expect(median.eventLoopUtilization, name).toBeLessThanOrEqual(1);
}

/**
 * Each answered request has its span; a request in flight at the end of a load run (at most one
 * per connection per run) is served and traced but not counted as answered.
 */
function expectSpanPerRequest(name: string, { spans, responses }: { spans: number; responses: number }, loadRuns: number) {
  expect(spans, `${name}: SERVER spans received`).toBeGreaterThanOrEqual(responses);
  expect(spans, `${name}: SERVER spans received`).toBeLessThanOrEqual(responses + loadRuns * CONNECTIONS);
}

it('npm run bench runs the baseline and each app as shipped and with traces only, prints both tables with CPU time per request, and every traced request has its span', () => {
  const run = runBench(['--duration', '2', '--warmup', '1', '--rounds', '1', '--rate', '500']);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/\| variant +\| CPU µs\/request @ 500\/s \| x base \|/);
  expect(run.stdout).toMatch(/\| spans\/s \|/);

  const { medians, receiver } = run.figures();
  expect(Object.keys(medians)).toEqual(MAIN_VARIANTS);
  for (const [name, median] of Object.entries<Record<string, number>>(medians)) {
    expectPlausible(name, median, ['cpuPerRequestUs', 'eventLoopUtilization', 'requestsPerSecond', 'peakRssMb', 'startupMs', 'responses']);
    // Warm-up, fixed rate, flat out.
    if (name !== 'baseline') expectSpanPerRequest(name, median as { spans: number; responses: number }, 3);
  }
  expect(medians.baseline.spans).toBe(0);
  expect(receiver.spansPerSecond).toBeGreaterThan(0);
}, 120_000);

// The app the breakdown's short run measures (the one with the fewest rows), its rows: the stage
// app-preload.cjs switches off, whether spans still reach the receiver, and the row each adds to;
// and the stage that app never reaches, for the refusal below (it loads no instrumentation-express).
const BREAKDOWN_APP = 'manual';
const BREAKDOWN_ROWS = [
  { name: 'manual: SDK on, sampling off', stage: undefined, exports: false, to: 'baseline' },
  { name: 'manual: spans recorded, not queued', stage: 'no-processor', exports: false, to: 'SDK on, sampling off' },
  { name: 'manual: queued, exporter drops', stage: 'drop', exports: false, to: 'spans recorded, not queued' },
  { name: 'manual: + serialized to protobuf', stage: 'serialize', exports: false, to: 'queued, exporter drops' },
  { name: 'manual: + sent over gRPC (as shipped)', stage: undefined, exports: true, to: '+ serialized to protobuf' },
  { name: 'manual: sent over http/protobuf', stage: undefined, exports: true, to: '+ sent over gRPC (as shipped)' },
];
const STAGE_NEVER_REACHED = 'no-express';
// The main table's variants, in the order it prints them.
const MAIN_VARIANTS = ['baseline', 'manual', 'manual, traces only', 'automatic', 'automatic, traces only', 'programmatic', 'programmatic, traces only'];

it('npm run bench -- --breakdown runs each row with its stage in effect, and each row says what it adds to', () => {
  const rows = BREAKDOWN_ROWS;
  const run = runBench(['--breakdown', '--only', BREAKDOWN_APP, '--duration', '0.5', '--warmup', '0.5', '--rounds', '1', '--rate', '300']);
  expect(run.status, run.stderr).toBe(0);

  const { runs, medians, floor } = run.figures();
  expect(Object.keys(medians)).toEqual(['baseline', ...rows.map((row) => row.name)]);
  for (const row of rows) {
    const [only] = runs[row.name];
    // The preload counted calls of the stage's patch in the app (bench.ts refuses a row with none).
    expect(only.stage, row.name).toEqual(row.stage ? { name: row.stage, calls: expect.any(Number) } : undefined);
    if (row.stage) expect(only.stage.calls, row.name).toBeGreaterThan(0);
    expectPlausible(row.name, medians[row.name], ['cpuPerRequestUs', 'eventLoopUtilization', 'startupMs', 'responses']);
    // Warm-up and fixed rate; the stages before the transport send nothing.
    if (row.exports) expectSpanPerRequest(row.name, medians[row.name], 2);
    else expect(medians[row.name].spans, `${row.name}: SERVER spans received`).toBe(0);

    // Its table row: what it adds, in µs, to the row it names.
    const cells = run.stdout.split('\n').find((line) => line.startsWith(`| ${row.name} `))?.split('|').map((cell) => cell.trim());
    expect(cells?.[4], `${row.name}: µs added`).toMatch(/^-?\d+\.\d$/);
    expect(cells?.[5], `${row.name}: to`).toBe(row.to);
  }
  expect(floor.recordAndQueueUs).toBeGreaterThan(0);
  expect(floor.serializeUs).toBeGreaterThan(0);
}, 120_000);

it('npm run bench refuses a run whose BENCH_STAGE patch the app never called', () => {
  const run = runBench(['--only', BREAKDOWN_APP, '--env', `BENCH_STAGE=${STAGE_NEVER_REACHED}`, '--duration', '0.5', '--warmup', '0.5', '--rounds', '1', '--rate', '300']);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^bench: ${BREAKDOWN_APP} \\(\\d+ requests answered\\): BENCH_STAGE=${STAGE_NEVER_REACHED} did not take effect: the app never called its patch`, 'm'));
}, 60_000);

it('npm run bench refuses an --only that names no app, in one line, before starting anything', () => {
  const run = spawnSync(process.execPath, [BENCH, '--only', `${BREAKDOWN_APP},nginx`], { encoding: 'utf8', timeout: 20_000 });
  expect(run.status).toBe(2);
  expect(run.stderr).toBe(`bench: --only "${BREAKDOWN_APP},nginx": "nginx" is not one of manual, automatic, programmatic\n`);
  expect(run.stdout).toBe('');
});

it("medianRun takes each figure's median over the rounds, and the headline figures' spread: (max - min) / median", () => {
  const round = (cpuPerRequestUs: number, p99AtRateMs: number, requestsPerSecond: number): Run => ({
    cpuPerRequestUs, eventLoopUtilization: 0.5, p99AtRateMs, requestsPerSecond, p50Ms: 1, p99Ms: 2, peakRssMb: 100, startupMs: 300, responses: 10, spans: 10,
  });
  const median = medianRun([round(90, 10, 1000), round(100, 20, 1100), round(110, 12, 900)]);
  expect(median).toMatchObject({ cpuPerRequestUs: 100, p99AtRateMs: 12, requestsPerSecond: 1000, responses: 30, spans: 30 });
  expect(median.spread).toEqual({ cpuPerRequestUs: 0.2, p99AtRateMs: 10 / 12, requestsPerSecond: 0.2 });
  expect(medianRun([round(90, 10, 1000)]).spread).toEqual({});
});
