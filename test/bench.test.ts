// The benchmark's figures are noisy and are not tested, nor compared with one another; that it
// runs, that each figure is there and plausible, and that it counts right, is.
import { APP_NAMES, APPS } from '@repo/app-catalogue';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { START_PROBE } from './start-probe-env.ts';

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

it('npm run bench runs the baseline and each app, derives the latency load from the slowest app flat out, prints the tables, each CPU profile and the receiver, and every traced request has its span', () => {
  const profiles = mkdtempSync(path.join(tmpdir(), 'bench-profiles-'));
  const run = runBench(['--duration', '2', '--warmup', '1', '--rounds', '1', '--rate', '500', '--cpu-prof', profiles]);
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^bench: slowest \w+, \d+ req\/s: p99 measured at \d+ req\/s$/m);
  expect(run.stdout).toMatch(/\| variant +\| CPU µs\/request @ 500\/s \| x base \| +ELU \| spans\/answered @ 500\/s \| p99 ms @ \d+\/s \|/);
  expect(run.stdout).toMatch(/\| variant +\| µs\/request @ 500\/s: main thread user \|/);
  expect(run.stdout).toMatch(/\| spans\/s \|/);

  const { args, runs, medians, receiver } = run.figures();
  expect(Object.keys(medians)).toEqual(MAIN_VARIANTS);
  expect(args.latencyRate).toBeGreaterThan(0);
  for (const [name, median] of Object.entries<Record<string, number>>(medians)) {
    expectPlausible(name, median, ['cpuPerRequestUs', 'eventLoopUtilization', 'p99AtLatencyLoadMs', 'eluAtLatencyLoad', 'requestsPerSecond', 'peakRssMb', 'startupMs', 'responses']);
    // The main thread found among the app's threads, and its time counted.
    expect((median.perRequest as unknown as Record<string, number>).mainUser, `${name}: main thread's user time`).toBeGreaterThan(0);
    // Warm-up, fixed rate, latency load (each of its requests waited for), flat out.
    if (name !== 'baseline') expectSpanPerRequest(name, median as { spans: number; responses: number }, 3);
    // At the latency load, every request's span, flushed and counted before the next run (and
    // those of requests still in flight when the run before it ended).
    if (name !== 'baseline') expectSpanPerRequest(name, { spans: median.spansAtLatencyLoad, responses: median.answeredAtLatencyLoad }, 1);
    // Likewise at the fixed rate, and flat out.
    if (name !== 'baseline') expectSpanPerRequest(name, { spans: median.spansAtRate, responses: median.answeredAtRate }, 1);
    if (name !== 'baseline') expectSpanPerRequest(name, { spans: median.spansFlatOut, responses: median.answeredFlatOut }, 1);
    // Its profile of the latency run, summed up under its name.
    const profile = JSON.parse(readFileSync(runs[name][0].profile, 'utf8')) as { samples: number[] };
    expect(profile.samples.length, `${name}: samples in its CPU profile`).toBeGreaterThan(0);
    expect(run.stdout).toMatch(new RegExp(`^${name}: busy [1-9]\\d* ms; most self time:$`, 'm'));
  }
  expect(medians.baseline.spans).toBe(0);
  expect(receiver.spansPerSecond).toBeGreaterThan(0);
}, 180_000);

it('npm run bench -- --instructions counts instructions per request under callgrind, for the baseline and each app', () => {
  const run = spawnSync(process.execPath, [BENCH, '--instructions', '--only', BREAKDOWN_APP, '--requests', '20'], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  for (const name of ['baseline', BREAKDOWN_APP]) {
    const cells = run.stdout.split('\n').find((line) => line.startsWith(`| ${name} `))?.split('|').map((cell) => cell.trim());
    expect(cells?.[2], `${name}: instructions/request`).toMatch(/^\d+k$/);
    expect(Number(cells![2].slice(0, -1)), `${name}: instructions/request`).toBeGreaterThan(0);
  }
}, 300_000);

// The app the breakdown's short run measures (the one with the fewest rows), its rows: the stage
// app-preload.cjs switches off, whether spans still reach the receiver, and the row each adds to;
// and the stage that app never reaches, for the refusal below (it loads no instrumentation-express).
const BREAKDOWN_APP = APP_NAMES.find((app) => !APPS[app].spans.expressSpans)!;
const BREAKDOWN_ROWS = [
  { name: 'SDK on, sampling off', stage: undefined, exports: false, to: 'baseline' },
  { name: 'spans recorded, not queued', stage: 'no-processor', exports: false, to: 'SDK on, sampling off' },
  { name: 'queued, exporter drops', stage: 'drop', exports: false, to: 'spans recorded, not queued' },
  { name: '+ serialized to protobuf', stage: 'serialize', exports: false, to: 'queued, exporter drops' },
  { name: '+ sent over gRPC (as shipped)', stage: undefined, exports: true, to: '+ serialized to protobuf' },
  { name: 'sent over http/protobuf', stage: undefined, exports: true, to: '+ sent over gRPC (as shipped)' },
].map((row) => ({ ...row, name: `${BREAKDOWN_APP}: ${row.name}` }));
const STAGE_NEVER_REACHED = 'no-express';
// The main table's variants, in the order it prints them.
const MAIN_VARIANTS = ['baseline', ...APP_NAMES];

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
  const run = runBench(['--only', BREAKDOWN_APP, '--env', `BENCH_STAGE=${STAGE_NEVER_REACHED}`, '--duration', '0.5', '--warmup', '0.5', '--rounds', '1', '--rate', '300', '--latency-rate', '100']);
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(new RegExp(`^bench: ${BREAKDOWN_APP}: BENCH_STAGE=${STAGE_NEVER_REACHED} did not take effect: the app never called its patch \\(scripts/bench/bench-stages.cjs\\) in \\d+ requests answered$`, 'm'));
}, 60_000);

// A preload that makes the app itself (not npm) print 100 lines and exit 4, at start or at SIGTERM.
function noisyFailure(when: 'start' | 'SIGTERM'): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'bench-noisy-')), 'noisy-failure.cjs');
  const fail = 'for (let i = 1; i <= 100; i++) console.log(`noisy line ${i}`); process.exit(4);';
  writeFileSync(file, `if (/main\\.js$/.test(process.argv[1] ?? '')) ${when === 'start' ? `{ ${fail} }` : `process.on('SIGTERM', () => { ${fail} });`}\n`);
  return file;
}

it.each([
  // Its 100 lines alone; after its runs, a pino line per request before them.
  ['at start', 'start', `bench: ${BREAKDOWN_APP} did not start: it exited \\(4\\) before listening; its last 20 of 100 lines:`],
  ['at SIGTERM, after its runs', 'SIGTERM', `bench: ${BREAKDOWN_APP}: it exited with 4 at SIGTERM; its last 20 of \\d{4,} lines:`],
] as const)('npm run bench: a variant that fails %s says why in a line, then the app\'s last 20 lines, not all it printed', (_when, when, line) => {
  const run = runBench(['--only', BREAKDOWN_APP, '--env', `NODE_OPTIONS=--require=${noisyFailure(when)}`, '--duration', '0.5', '--warmup', '0.5', '--rounds', '1', '--rate', '300', '--latency-rate', '100']);
  expect(run.status).toBe(1);
  const [first, ...rest] = run.stderr.trimEnd().split('\n');
  expect(first).toMatch(new RegExp(`^${line}$`));
  expect(rest).toEqual(Array.from({ length: 20 }, (_, i) => `noisy line ${81 + i}`));
}, 60_000);

it('npm run bench refuses an --only that names no app, in one line, before starting anything', () => {
  // With the start probe preloaded: anything it started would add a `started: …` line to stderr.
  const run = spawnSync(process.execPath, [BENCH, '--only', `${BREAKDOWN_APP},nginx`], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, ...START_PROBE } });
  expect(run.status).toBe(2);
  expect(run.stderr).toBe(`bench: --only "${BREAKDOWN_APP},nginx": "nginx" is not one of ${APP_NAMES.join(', ')}\n`);
  expect(run.stdout).toBe('');
});
