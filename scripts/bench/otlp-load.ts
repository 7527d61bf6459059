// telemetrygen's trace load (the Collector project's OTLP load generator) against a target: `npm
// run receiver` as users start it, or the OpenTelemetry Collector with a nop exporter; telemetrygen
// itself, or its exports recorded and sent again (otlp-replay.ts). What each target accepted is its
// own count: the receiver's stop line, the collector's own metrics.
import { repoRoot } from '@repo/app-process';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildCollector, buildTelemetrygen } from '../collector/go-build.ts';
import { freePorts, waitUntilListening } from '../local-ports.ts';
import { RECEIVER_NODE_FLAGS } from '../receiver-node-flags.ts';
import { replayExports } from './otlp-replay.ts';
import { cpuSeconds, peakRssMb } from './process-stats.ts';

export const LOAD_TARGETS = ['npm run receiver', 'otelcol, nop exporter'] as const;
export type LoadTarget = (typeof LOAD_TARGETS)[number];
export const TRANSPORTS = ['gRPC', 'HTTP'] as const;
export type Transport = (typeof TRANSPORTS)[number];
/** telemetrygen flat out beside the target, or its recorded exports sent again flat out. */
export const LOADS = ['telemetrygen', 'replayed'] as const;

export interface LoadOptions {
  seconds: number;
  /** Spans per export: telemetrygen's batch processor's batch size. */
  batchSize: number;
  workers: number;
}

export interface LoadFigures {
  spansPerSecond: number;
  /** The target's CPU time (all its threads) per span accepted, in µs. */
  cpuUsPerSpan: number;
  /** Spans accepted per second of the target's CPU time: what it would take with a core to itself, the load generator elsewhere. */
  spansPerCpuSecond: number;
  peakRssMib: number;
  spans: number;
  rejected: number;
}

interface Started {
  child: ChildProcess;
  grpcPort: number;
  httpPort: number;
  /** Stops it; resolves with what it accepted and refused. */
  finish(): Promise<{ spans: number; rejected: number }>;
}

/**
 * One run: the target started afresh, the load against it for `seconds` (telemetrygen, or
 * `recorded`, its exports, sent again), the target stopped.
 */
export async function measureLoad(target: LoadTarget, transport: Transport, options: LoadOptions, recorded?: Buffer[]): Promise<LoadFigures> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'otlp-load-'));
  const started = target === 'npm run receiver' ? await startReceiverCommand(folder) : await startNopCollector();
  try {
    await waitUntilListening(started.grpcPort, 30_000);
    await waitUntilListening(started.httpPort, 30_000);
    const pid = started.child.pid!;
    const cpuBefore = cpuSeconds(pid);
    const port = transport === 'gRPC' ? started.grpcPort : started.httpPort;
    const seconds = recorded
      ? await replayExports(recorded, transport, port, options.seconds)
      : await runTelemetrygen([...(transport === 'HTTP' ? ['--otlp-http'] : []), '--otlp-endpoint', `127.0.0.1:${port}`], options);
    const cpu = cpuSeconds(pid) - cpuBefore;
    const peakRssMib = peakRssMb(pid);
    const { spans, rejected } = await started.finish();
    if (!(spans > 0)) throw new Error(`${target} over ${transport} counted no span accepted (${spans})`);
    return { spansPerSecond: spans / seconds, cpuUsPerSpan: (cpu / spans) * 1e6, spansPerCpuSecond: spans / cpu, peakRssMib, spans, rejected };
  } finally {
    started.child.kill('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  }
}

/** `npm run receiver` on free ports, its output to a file: its stop line has its counts. */
async function startReceiverCommand(folder: string): Promise<Started> {
  const [grpcPort, httpPort, uiPort] = await freePorts(3);
  const file = path.join(folder, 'receiver.out');
  const out = openSync(file, 'w');
  const child = spawn(process.execPath, [...RECEIVER_NODE_FLAGS, 'scripts/receiver.ts', '--grpc-port', String(grpcPort), '--http-port', String(httpPort), '--ui-port', String(uiPort), '--host', '127.0.0.1'],
    { cwd: repoRoot, stdio: ['ignore', out, out] });
  closeSync(out);
  return {
    child, grpcPort, httpPort,
    async finish() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      const stopLine = /OTLP receiver stopped: (\d+) spans? in \d+ exports?, .* (\d+) rejected/.exec(readFileSync(file, 'utf8'));
      if (!stopLine) throw new Error(`npm run receiver printed no stop line:\n${readFileSync(file, 'utf8').slice(-2000)}`);
      return { spans: Number(stopLine[1]), rejected: Number(stopLine[2]) };
    },
  };
}

/** The collector with otelcol-nop.yaml on free ports, its own metrics served on a third. */
async function startNopCollector(): Promise<Started> {
  const { binary } = await buildCollector();
  const [grpcPort, httpPort, metricsPort] = await freePorts(3);
  const child = spawn(binary, ['--config', path.join(repoRoot, 'scripts/collector/otelcol-nop.yaml')], {
    cwd: repoRoot, stdio: 'ignore',
    env: { ...process.env, OTELCOL_GRPC_ENDPOINT: `127.0.0.1:${grpcPort}`, OTELCOL_HTTP_ENDPOINT: `127.0.0.1:${httpPort}`, OTELCOL_METRICS_PORT: String(metricsPort) },
  });
  return {
    child, grpcPort, httpPort,
    async finish() {
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      // Prometheus' text format: past a million, a count is written as 2.989e+06.
      const sum = (name: string) => [...metrics.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'gm'))].reduce((total, [, n]) => total + Number(n), 0);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      return { spans: sum('otelcol_receiver_accepted_spans'), rejected: sum('otelcol_receiver_refused_spans') };
    },
  };
}

/** How many of telemetrygen's exports are recorded, for replayExports to send in turn. */
export const RECORDED_EXPORTS = 20;

/** The first `RECORDED_EXPORTS` of telemetrygen's exports of `batchSize` spans (ExportTraceServiceRequest, protobuf), from 2 s of it over OTLP/HTTP. */
export async function recordTelemetrygenExports(batchSize: number): Promise<Buffer[]> {
  const exports: Buffer[] = [];
  const recorder = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk)).on('end', () => {
      if (exports.length < RECORDED_EXPORTS) exports.push(Buffer.concat(chunks));
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  try {
    await runTelemetrygen(['--otlp-http', '--otlp-endpoint', `127.0.0.1:${(recorder.address() as AddressInfo).port}`], { seconds: 2, batchSize, workers: 1 });
  } finally {
    recorder.closeAllConnections();
    recorder.close();
  }
  if (exports.length < RECORDED_EXPORTS) throw new Error(`telemetrygen sent ${exports.length} exports in 2 s, not ${RECORDED_EXPORTS}`);
  return exports;
}

/** telemetrygen traces, flat out, to its end; resolves with the seconds it ran. */
async function runTelemetrygen(endpoint: string[], { seconds, batchSize, workers }: LoadOptions): Promise<number> {
  const { binary } = await buildTelemetrygen();
  const args = ['traces', ...endpoint, '--otlp-insecure', '--duration', `${seconds}s`, '--rate', '0', '--workers', String(workers), '--batch-size', String(batchSize)];
  const started = performance.now();
  const child = spawn(binary, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`telemetrygen ${args.join(' ')} exited with ${code}:\n${output.slice(-2000)}`);
  return (performance.now() - started) / 1000;
}
