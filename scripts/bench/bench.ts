// `npm run bench [-- --rate 2000 --latency-rate N --duration 10 --connections 50 --rounds 3 --warmup 2
//                    --no-pin --format cjs|esm|both --express 5|4|both --only manual,automatic
//                    --env OTEL_X=value --try OTEL_X=value --variant "OTEL_X=a OTEL_Y=b" --traces-only
//                    --cpu-prof DIR --json FILE]`
// What each approach costs against the same app untraced, measured side by side: the app's own
// CPU time per request at a fixed rate, and where it went; p99 at the latency load (by default
// 30% of the slowest variant's requests/s flat out); requests/s at saturation.
// `npm run bench -- --breakdown`: where those microseconds go, one stage of the pipeline at a time.
// `npm run bench -- --instructions [--requests 1000]`: instructions per request, under callgrind.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { checkAppSettings, orExit } from '../command-line.ts';
import { VariantFailed } from './app-probe.ts';
import { formatPairs, readBenchOptions, type BenchOptions } from './bench-options.ts';
import { startBenchReceiver } from './bench-receiver.ts';
import { medianRun, printCpuSplitTable, printProfileSummary, printTable, printVariantsTable } from './bench-tables.ts';
import { summarizeProfile, type CpuProfile } from './cpu-profile.ts';
import { countInstructions } from './instructions.ts';
import { calibrateLatencyRate, measureVariant, type Run } from './measure-variant.ts';
import { pinSelf } from './process-stats.ts';
import { measureReceiver } from './receiver-throughput.ts';
import { measureSdkFloor } from './sdk-floor.ts';
import type { RunContext } from './variant-app.ts';
import { breakdownVariants, mainVariants, type Variant } from './variants.ts';

const options: BenchOptions = orExit('bench', 2, () => readBenchOptions(process.argv.slice(2)));
// Each variant's settings as its apps will read them.
for (const pairs of [[], ...options.tried]) checkAppSettings('bench', { ...process.env, ...Object.fromEntries(options.env), ...Object.fromEntries(pairs) });
const { duration, connections, rate, rounds, warmup, breakdown, builds } = options;

const variants = breakdown ? breakdownVariants(options.only) : mainVariants(builds, options);
const context: RunContext = {
  options,
  // The load generator and the receiver on the first CPUs, each app on the last one.
  appCpu: options.pin ? pinSelf() : undefined,
  receiver: await startBenchReceiver(['--decode-later']),
  latencyRate: breakdown ? undefined : options.latencyRate,
};
const LATENCY_SHARE = 0.3;
if (options.instructions) {
  // A measure of its own, slow: instead of the tables.
  console.log(`bench: instructions per request under callgrind, ${options.instructions.requests} sequential requests after ${2 * options.instructions.requests}`);
  const counts = await countInstructions(variants, context.receiver, { requests: options.instructions.requests, warmupRequests: 2 * options.instructions.requests, env: options.env })
    .catch((error: Error) => {
      console.error(`bench: ${error.message}`);
      process.exit(1);
    });
  context.receiver.close();
  const baseOf = (variant: Variant) => counts.find((count) => count.variant === (variant.base ?? variant))?.perRequest;
  console.log('');
  printTable(['variant', 'instructions/request', 'x base'], counts.map(({ variant, perRequest }) =>
    [variant.name, `${Math.round(perRequest / 1000)}k`, baseOf(variant) ? (perRequest / baseOf(variant)!).toFixed(2) : '-']));
  process.exit(0);
}
if (options.cpuProf) mkdirSync(options.cpuProf, { recursive: true });
const runs = new Map<Variant, Run[]>(variants.map((variant) => [variant, []]));
const steps = rounds * variants.length;
if (options.env.length) console.log(`bench: the traced apps get ${formatPairs(options.env)}`);
console.log(`bench: ${rounds} round${rounds === 1 ? '' : 's'} of ${variants.length} variants; each: ${warmup} s warm-up, ${rate} req/s for ${duration} s` +
  `${breakdown ? '' : `, then ${connections} connections flat out for ${duration} s`}${context.appCpu === undefined ? '' : `; apps pinned to CPU ${context.appCpu}, the load on the others`}`);
try {
  if (!breakdown && options.latencyRate === undefined) {
    // Latency means queueing near saturation: measure it where every variant has room to spare.
    const calibration = Math.min(duration, 5);
    console.log(`bench: the latency load: ${LATENCY_SHARE * 100}% of the slowest variant's requests/s flat out (each traced variant, ${calibration} s)`);
    const { rate: latencyRate, slowest, requestsPerSecond } = await calibrateLatencyRate(variants.filter((variant) => !variant.baseline), context, LATENCY_SHARE, calibration);
    console.log(`bench: slowest ${slowest.name}, ${Math.round(requestsPerSecond)} req/s: p99 measured at ${latencyRate} req/s`);
    context.latencyRate = latencyRate;
  }
  for (let round = 1, step = 1; round <= rounds; round++) {
    // Interleaved, so that whatever the machine does meanwhile hits every variant alike.
    for (const variant of variants) {
      const run = await measureVariant(variant, context);
      runs.get(variant)!.push(run);
      console.log(`[${step++}/${steps}] round ${round} ${variant.name}: ${run.cpuPerRequestUs.toFixed(0)} µs CPU/request, ELU ${run.eventLoopUtilization.toFixed(2)}; ` +
        `${breakdown ? '' : `p99 ${run.p99AtLatencyLoadMs.toFixed(1)} ms at ${context.latencyRate}/s (ELU ${run.eluAtLatencyLoad.toFixed(2)}, longest GC pause ${run.longestGcPauseMs} ms, spans ${run.spansAtLatencyLoad}/${run.answeredAtLatencyLoad}); ${Math.round(run.requestsPerSecond)} req/s flat out; `}start-up ${Math.round(run.startupMs)} ms; spans ${run.spans}/${run.responses}` +
        `${run.stage ? `; ${run.stage.name} patch called ${run.stage.calls === 1 ? 'once' : `${run.stage.calls} times`}` : ''}`);
    }
  }
} catch (error) {
  // A variant's failure is its message (with the app's output), not a stack trace of the bench.
  if (!(error instanceof VariantFailed)) throw error;
  console.error(`bench: ${error.message}`);
  process.exit(1);
}
context.receiver.close();

const medians = new Map([...runs].map(([variant, list]) => [variant, medianRun(list)]));
console.log(`\nMedian of ${rounds} round${rounds === 1 ? '' : 's'}; ratios (x) are to the baseline of the same run and module format.\n`);
printVariantsTable(variants, medians, { rate, latencyRate: context.latencyRate, breakdown });
console.log(`\nWhere the CPU time went at ${rate}/s, per request (the same run):\n`);
printCpuSplitTable(variants, medians, rate);

if (options.cpuProf) {
  console.log(`\nWhere each app's main thread spent its time at ${context.latencyRate}/s, from a CPU profile of a run of its own after the others (the last round's, in ${options.cpuProf}):`);
  for (const [variant, list] of runs) {
    const file = list.at(-1)?.profile;
    if (file) printProfileSummary(variant.name, summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile));
  }
}

let floor: Awaited<ReturnType<typeof measureSdkFloor>> | undefined;
if (breakdown) {
  console.log('\nbench: the floor, the SDK alone in this process, no HTTP: 200,000 SERVER spans with 13 attributes');
  floor = await measureSdkFloor();
  printTable(['CPU µs per span', 'created, ended, queued (exporter drops)', 'serialized to OTLP protobuf', 'both'],
    [['', floor.recordAndQueueUs.toFixed(1), floor.serializeUs.toFixed(1), (floor.recordAndQueueUs + floor.serializeUs).toFixed(1)]]);
}

let ingest: Awaited<ReturnType<typeof measureReceiver>> | undefined;
if (!breakdown) {
  console.log(`\nbench: the embedded receiver, decoding, fed batches of 512 spans over OTLP/gRPC for ${duration} s`);
  ingest = await measureReceiver(duration);
  printTable(['spans/s', 'exports', 'peak RSS MB'], [[Math.round(ingest.spansPerSecond), ingest.exports, ingest.peakRssMb.toFixed(0)]]);
}

if (options.json) {
  // Keyed by the variants' names.
  const byName = <T>(figures: Map<Variant, T>) => Object.fromEntries([...figures].map(([variant, value]) => [variant.name, value]));
  const args = { duration, connections, rate, latencyRate: context.latencyRate, rounds, warmup, breakdown, builds };
  writeFileSync(options.json, `${JSON.stringify({ args, runs: byName(runs), medians: byName(medians), receiver: ingest, floor }, null, 2)}\n`);
  console.log(`\nbench: figures written to ${options.json}`);
}
