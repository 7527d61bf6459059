// `npm run demo [-- --esm | --express 4] [--collector URL [--protocol grpc|http/protobuf|http/json]]
// [--free-ports]`: the receiver and the three apps side by side (their ES module builds with --esm,
// their CommonJS builds on Express 4 with --express 4), the original's
// three requests through the traced client, then everything keeps running for more requests until
// Ctrl-C. With --collector, the apps and the client export to that collector instead, and no
// receiver starts. --free-ports takes free ports for everything (the browser tests use it, so
// that they run beside a demo of yours).
import { APP_NAMES, type AppName, APPS, type ModuleFormat, startScript, TOOL_PORTS } from '@repo/app-catalogue';
import { OTLP_PROTOCOLS, type OtlpProtocol } from '@repo/telemetry/settings';
import concurrently from 'concurrently';
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { checkAppSettings, expressMajor, orExit } from './command-line.ts';
import { busyPorts, freePorts as freePortsFor, waitUntilListening } from './local-ports.ts';
import { readTraceUiPort } from './trace-ui-port.ts';

// Demo settings, said once at start: spans on screen within a second or two of each request, and
// the request metric within a few seconds rather than a minute.
const DEMO_BATCH_DELAY_MS = '500';
const DEMO_METRIC_INTERVAL_MS = '2000';
const COLORS: Record<AppName, string> = { manual: 'green', automatic: 'cyan', programmatic: 'magenta' };

const options = orExit('demo', 1, readOptions);
const { format, express, collector, freePorts } = options;
const free = freePorts ? await freePortsFor(APP_NAMES.length + 3) : undefined;
const receiverPorts = collector ? undefined : {
  grpc: free?.[0] ?? TOOL_PORTS.otlpGrpc,
  http: free?.[1] ?? TOOL_PORTS.otlpHttp,
  ui: free?.[2] ?? options.uiPort,
};
const apps = APP_NAMES.map((name, i) => ({ name, port: free?.[3 + i] ?? APPS[name].defaultPort }));

const busy = await busyPorts([...(receiverPorts ? Object.values(receiverPorts) : []), ...apps.map((app) => app.port)]);
if (busy.length > 0) {
  const collectorHint = receiverPorts && busy.some((port) => Object.values(receiverPorts).includes(port))
    ? `; if it is a collector or Jaeger of yours, send the demo there instead: npm run demo -- --collector http://localhost:${TOOL_PORTS.otlpGrpc}`
    : '';
  console.error(`demo: port ${busy.join(', ')} ${busy.length === 1 ? 'is' : 'are'} already in use (find it with: ss -ltnp '( ${busy.map((port) => `sport = :${port}`).join(' or ')} )')${collectorHint}`);
  process.exit(1);
}

// What the apps and the client get: where to export, and the demo's short batch delay, unless set.
const exportEnv: Record<string, string> = {
  ...(collector ? { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: collector.protocol } : {}),
  ...(receiverPorts && freePorts ? { OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${receiverPorts.grpc}` } : {}),
  ...(process.env.OTEL_BSP_SCHEDULE_DELAY ? {} : { OTEL_BSP_SCHEDULE_DELAY: DEMO_BATCH_DELAY_MS }),
  ...(process.env.OTEL_METRIC_EXPORT_INTERVAL ? {} : { OTEL_METRIC_EXPORT_INTERVAL: DEMO_METRIC_INTERVAL_MS }),
};
checkAppSettings('demo', { ...process.env, ...exportEnv });

if (format === 'esm') console.log('demo: the apps run their ES module builds (npm run start:esm)');
if (express === 4) console.log('demo: the apps run on Express 4 (npm run start:express4)');
if (exportEnv.OTEL_BSP_SCHEDULE_DELAY) {
  console.log(`demo: the apps send their spans every ${DEMO_BATCH_DELAY_MS} ms (OTEL_BSP_SCHEDULE_DELAY=${DEMO_BATCH_DELAY_MS}, a demo setting; the default is 5000 ms)`);
}
if (exportEnv.OTEL_METRIC_EXPORT_INTERVAL) {
  console.log(`demo: and their metrics every ${DEMO_METRIC_INTERVAL_MS} ms (OTEL_METRIC_EXPORT_INTERVAL=${DEMO_METRIC_INTERVAL_MS}, a demo setting; the default is 60000 ms)`);
}
console.log(collector
  ? `demo: the apps and the client export to ${collector.url} over ${collector.protocol}; no receiver of the demo's own\n`
  : `demo: the trace UI will be at http://localhost:${receiverPorts!.ui} (traces, one trace's waterfall, the three apps compared)\n`);

const { result } = concurrently(
  [
    // The node running this script: Node 24, even where the shell's `node` is older. The apps
    // send every 500 ms and the client at once, so a trace is whole after a second of quiet.
    ...(receiverPorts ? [{
      name: 'receiver', prefixColor: 'yellow',
      command: `"${process.execPath}" scripts/receiver.ts --grpc-port ${receiverPorts.grpc} --http-port ${receiverPorts.http} --ui-port ${receiverPorts.ui} --trace-idle-ms 1000`,
    }] : []),
    ...apps.map((app) => ({
      name: app.name,
      command: `npm run ${startScript(format, 'start', express)} --workspace ${APPS[app.name].directory}`,
      prefixColor: COLORS[app.name],
      env: { ...exportEnv, PORT: String(app.port) },
    })),
  ],
  { killOthersOn: ['failure'], padPrefix: true },
);

// Runs beside `result`: if a process fails first, killOthersOn has stopped the rest and the
// demo exits without waiting for the health checks to time out.
void sendOriginalRequests();

// Settles when every process has exited: after Ctrl-C (0), or at once if one of them failed.
await result.then(
  () => process.exit(0),
  () => process.exit(1),
);

async function sendOriginalRequests(): Promise<void> {
  const started = Date.now();
  try {
    await Promise.all(apps.map((app) => waitUntilListening(app.port, 30_000)));
  } catch (error) {
    console.error(`demo: ${(error as Error).message}`);
    return;
  }
  console.log(`\ndemo: the three apps answer after ${((Date.now() - started) / 1000).toFixed(1)} s (${apps.map((app) => `${app.name} http://localhost:${app.port}`).join(', ')}); sending the original's requests through the traced client\n`);
  // As in the original's README: `client.py <param>` once for each server; the three at once, so
  // that every trace is on screen a second or two after the apps answer.
  await Promise.all(apps.map((app) => runClient([app.name, '--app', app.name, '--port', String(app.port)])));
  console.log(
    `\ndemo: ${receiverPorts ? `open http://localhost:${receiverPorts.ui} to see the traces; the receiver also prints each one a second after its last span` : `the traces are in your collector at ${collector!.url}`}\n` +
      `      More: npm run client -- hello   or   curl 'http://localhost:${apps[1].port}/error'   /nothing-here\n` +
      '      Ctrl-C stops everything.\n',
  );
}

/** `npm run client -- <args>`, on this script's Node, exporting where the apps do, its lines passed through. */
function runClient(args: string[]): Promise<void> {
  return new Promise((resolve) => {
    const client = spawn(process.execPath, ['scripts/client.ts', ...args], { stdio: 'inherit', env: { ...process.env, ...exportEnv } });
    client.once('exit', () => resolve());
  });
}

function readOptions() {
  const { values } = parseArgs({
    options: {
      esm: { type: 'boolean', default: false },
      collector: { type: 'string' },
      protocol: { type: 'string' },
      'free-ports': { type: 'boolean', default: false },
      express: { type: 'string', default: '5' },
    },
  });
  const express = expressMajor(values.express, values.esm ? 'esm' : 'cjs');
  if (values.protocol !== undefined && values.collector === undefined) throw new Error('--protocol goes with --collector');
  const protocol = values.protocol ?? 'grpc';
  if (!(OTLP_PROTOCOLS as readonly string[]).includes(protocol)) throw new Error(`--protocol "${protocol}" is not one of ${OTLP_PROTOCOLS.join(', ')}`);
  if (values.collector !== undefined && !/^https?:\/\/[^/]+/.test(values.collector)) {
    throw new Error(`--collector "${values.collector}" is not a collector's URL (http://host:port, e.g. http://localhost:4317)`);
  }
  return {
    format: (values.esm ? 'esm' : 'cjs') as ModuleFormat,
    express,
    collector: values.collector === undefined ? undefined : { url: values.collector, protocol: protocol as OtlpProtocol },
    freePorts: values['free-ports'],
    // The receiver reads TRACE_UI_PORT the same way.
    uiPort: readTraceUiPort(),
  };
}
