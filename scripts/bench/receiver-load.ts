// `npm run bench:receiver [-- --duration 10 --batch-size 1000 --workers 2 --rounds 1]`: how many
// spans per second `npm run receiver` takes from telemetrygen, flat out, over OTLP/gRPC and
// OTLP/HTTP, beside the OpenTelemetry Collector (nop exporter) on the same load: telemetrygen
// itself (which takes most of two cores to make its spans), then its exports recorded and sent
// again by a sender that only writes them. Each target started afresh for each run, its own count
// of what it accepted, its CPU time and peak memory. A table of each row's round of median
// spans/s, with that round's other figures; alone on the machine, or they say more about the neighbours.
import os from 'node:os';
import { orExit, readCommandLine } from '../command-line.ts';
import { GoBuildError } from '../collector/go-build.ts';
import { printTable } from './bench-tables.ts';
import { LOAD_TARGETS, LOADS, measureLoad, RECORDED_EXPORTS, recordTelemetrygenExports, TRANSPORTS, type LoadFigures } from './otlp-load.ts';
import { IN_FLIGHT } from './otlp-replay.ts';

const options = orExit('bench:receiver', 2, () => {
  const { values } = readCommandLine({
    command: 'bench:receiver',
    summary: 'How many spans per second npm run receiver takes from telemetrygen, flat out, over OTLP/gRPC and OTLP/HTTP, beside the OpenTelemetry Collector on the same load; each row from its round of median spans/s.',
    options: {
      duration: { type: 'string', default: '10', value: 'S', help: 'seconds of load for each target and transport' },
      'batch-size': { type: 'string', default: '1000', value: 'N', help: 'spans in each export' },
      workers: { type: 'string', default: '2', value: 'N', help: 'telemetrygen\'s workers' },
      rounds: { type: 'string', default: '1', value: 'N', help: 'how many times to run it all' },
    },
  });
  const whole = (flag: string, value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${flag} "${value}" is not a whole number above 0`);
    return n;
  };
  return { seconds: whole('duration', values.duration), batchSize: whole('batch-size', values['batch-size']), workers: whole('workers', values.workers), rounds: whole('rounds', values.rounds) };
});

console.log(`bench:receiver: telemetrygen traces, ${options.workers} workers flat out for ${options.seconds} s, ${options.batchSize} spans per export; ` +
  `then ${RECORDED_EXPORTS} of its exports sent again in turn, ${IN_FLIGHT} at a time, for ${options.seconds} s; ${options.rounds} round(s)`);
const runs = LOADS.flatMap((load) => LOAD_TARGETS.flatMap((target) => TRANSPORTS.map((transport) => ({ load, target, transport, figures: [] as LoadFigures[] }))));
try {
  const recorded = await recordTelemetrygenExports(options.batchSize);
  for (let round = 1; round <= options.rounds; round++) {
    for (const run of runs) {
      const figures = await measureLoad(run.target, run.transport, options, run.load === 'replayed' ? recorded : undefined);
      run.figures.push(figures);
      console.log(`[round ${round}] ${run.target} over ${run.transport}, ${run.load}: ${Math.round(figures.spansPerSecond)} spans/s, ${figures.cpuUsPerSpan.toFixed(1)} µs CPU/span, peak RSS ${figures.peakRssMib.toFixed(0)} MiB, ${figures.rejected} rejected`);
    }
  }
} catch (error) {
  if (!(error instanceof GoBuildError)) throw error;
  console.error(`bench:receiver: ${error.message}`);
  process.exit(1);
}

const median = (list: LoadFigures[]) => list.toSorted((a, b) => a.spansPerSecond - b.spansPerSecond)[Math.floor(list.length / 2)];
console.log('');
printTable(['load', 'target', 'transport', 'spans/s', 'CPU µs/span', 'spans per CPU second', 'peak RSS MiB', 'spans accepted', 'rejected'], runs.map(({ load, target, transport, figures }) => {
  const m = median(figures);
  return [load, target, transport, Math.round(m.spansPerSecond), m.cpuUsPerSpan.toFixed(1), Math.round(m.spansPerCpuSecond), m.peakRssMib.toFixed(0), m.spans, m.rejected];
}));
console.log(`\nspans/s: what the target accepted over the load's wall time, the sender running beside it on the same ${os.availableParallelism()} CPUs ` +
  '(telemetrygen takes most of them; the replay, a seventh of one); ' +
  'spans per CPU second: what it accepted per second of its own CPU time (all its threads), what it would take with a CPU to itself.');
