// `npm run bench -- --instructions`: instructions per request, counted by valgrind's callgrind,
// a measure that does not move with what else the machine is doing, nor with the CPU's caches,
// its frequency or the hypervisor: the work itself, in user space (the kernel's part of a system
// call is not counted). Each app is started with its own start script's node command
// (npm would put its own node first), under callgrind, counting nothing; after the warm-up requests, counting is switched on around `requests`
// sequential keep-alive requests (their share of the span exports included), then dumped.
// Exports are left to fill their batches (512) rather than leave on their timers: at callgrind's
// pace a timer would send a handful of spans per export, and count the export's own cost many
// times over.
// About 50 times slower than the app alone: a few minutes for the four variants.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APPS, startScript } from '@repo/app-catalogue';
import { collectOutput, repoRoot } from '@repo/app-process';
import { lastLines } from './app-probe.ts';
import type { BenchReceiver } from './bench-receiver.ts';
import type { Variant } from './variants.ts';

const BATCHES_NOT_TIMERS = { OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_BLRP_SCHEDULE_DELAY: '600000', OTEL_METRIC_EXPORT_INTERVAL: '600000' };

export interface InstructionCount {
  variant: Variant;
  perRequest: number;
}

export async function countInstructions(variants: Variant[], receiver: BenchReceiver, { requests, warmupRequests, env }: { requests: number; warmupRequests: number; env: [string, string][] }): Promise<InstructionCount[]> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'bench-callgrind-'));
  const counts: InstructionCount[] = [];
  try {
    for (const variant of variants) {
      // As in the tables: --env for the traced apps, the variant's own, and the same preload
      // (which applies a --try BENCH_STAGE patch).
      const app = startUnderCallgrind(variant, scratch, {
        ...(variant.baseline ? {} : Object.fromEntries(env)), ...variant.env(receiver), ...BATCHES_NOT_TIMERS,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${receiver.grpcPort}`, NODE_OPTIONS: `--require ${path.join(import.meta.dirname, 'app-preload.cjs')}`,
      });
      try {
        const url = `${await app.url}/server_request?param=bench`;
        await sequentialRequests(url, warmupRequests);
        callgrindControl(['--zero', String(app.pid)]);
        callgrindControl(['--instr=on', String(app.pid)]);
        await sequentialRequests(url, requests);
        callgrindControl(['--dump', String(app.pid)]);
        counts.push({ variant, perRequest: dumpedInstructions(scratch, app.pid) / requests });
        console.log(`bench: ${variant.name}: ${Math.round(counts.at(-1)!.perRequest / 1000)}k instructions per request`);
      } catch (error) {
        throw new Error(`${variant.name} under callgrind: ${(error as Error).message}`);
      } finally {
        app.kill();
        await receiver.ask('clear');
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return counts;
}

/** The variant's start script, `... && exec node <flags> main.js`, run in its folder as `valgrind node <flags> main.js`. */
function startUnderCallgrind(variant: Variant, scratch: string, env: Record<string, string>) {
  const directory = path.join(repoRoot, APPS[variant.app].directory);
  const script: string = JSON.parse(readFileSync(path.join(directory, 'package.json'), 'utf8')).scripts[startScript(variant.format, variant.baseline ? 'untraced' : 'start', variant.express)];
  const [, node] = script.split(' && exec node ');
  const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file', `--callgrind-out-file=${scratch}/callgrind.%p`, process.execPath, ...node.split(' ')], {
    cwd: directory, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = collectOutput(child, `${variant.name} under callgrind`);
  // Whichever comes first: its "listening on" line, or the reason there will be none.
  const ended = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`valgrind could not start: ${error.message}`)));
    child.once('exit', (code, signal) => reject(new Error(`exited (${signal ?? code}) before listening; ${lastLines(output.output())}`)));
  });
  ended.catch(() => {}); // read by the race below, or not at all once it listens
  return {
    pid: child.pid!,
    url: Promise.race([output.waitForOutput(/listening on (http:\/\/localhost:\d+)/, 180_000).then((match) => match[1]), ended]),
    kill: () => child.kill('SIGKILL'),
  };
}

function callgrindControl(args: string[]) {
  execFileSync('callgrind_control', args, { stdio: 'ignore', timeout: 120_000 });
}

/** The instruction total of the app's dump (`callgrind.<pid>.1`): its `totals:` line. */
function dumpedInstructions(scratch: string, pid: number): number {
  const dump = readdirSync(scratch).filter((file) => file.startsWith(`callgrind.${pid}.`)).sort().at(-1);
  if (!dump) throw new Error(`callgrind wrote no dump for pid ${pid} in ${scratch}`);
  const totals = /^(?:totals|summary): (\d+)/m.exec(readFileSync(path.join(scratch, dump), 'utf8'));
  if (!totals) throw new Error(`${dump} has no totals line`);
  return Number(totals[1]);
}

/**
 * `count` requests one after the other on one keep-alive connection of its own: callgrind_control
 * takes seconds, more than the app keeps an idle connection open. A request whose connection the
 * app closed as it was sent (ECONNRESET: its idle timeout, on callgrind's clock) is sent once more.
 */
async function sequentialRequests(url: string, count: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = () => new Promise<void>((resolve, reject) => {
    http.get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`${url} answered ${response.statusCode}`))));
    }).on('error', reject);
  });
  try {
    for (let i = 0; i < count; i++) {
      await get().catch((error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? get() : Promise.reject(error)))
        .catch((error: Error) => Promise.reject(new Error(`${url}: ${error.message}`)));
    }
  } finally {
    agent.destroy();
  }
}
