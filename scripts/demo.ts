// `npm run demo [-- --esm | --express 4] [--collector URL [--protocol grpc|http/protobuf|http/json]]
// [--free-ports]`: the receiver and the three apps side by side (their ES module builds with --esm,
// their CommonJS builds on Express 4 with --express 4), the original's
// three requests through the traced client, then everything keeps running for more requests until
// Ctrl-C. With --collector, the apps and the client export to that collector instead, once it
// answers OTLP over --protocol, only the signals it takes, and no receiver starts. --free-ports
// takes free ports for everything but a TRACE_UI_PORT given (the tests use it, so that they run
// beside a demo of yours).
import { APP_NAMES, APPS, type ModuleFormat, startScript } from '@repo/app-catalogue';
import { OTLP_PROTOCOLS, type OtlpProtocol } from '@repo/telemetry/settings';
import concurrently, { type Command, Logger } from 'concurrently';
import { checkAppSettings, expressMajor, orExit, readCommandLine } from './command-line.ts';
import { claimPorts, choosePorts, receiverEndpoints } from './demo-ports.ts';
import { followTrees, sendOriginalRequests } from './demo-requests.ts';
import { checkCollector, exportersOff } from './collector-check.ts';
import { RECEIVER_NODE_FLAGS } from './receiver-node-flags.ts';
import { readTraceUiPort } from './trace-ui-port.ts';

// Demo settings, said once at start: spans on screen within a second or two of each request, and
// the request metric within a few seconds rather than a minute.
const DEMO_BATCH_DELAY_MS = '500';
const DEMO_METRIC_INTERVAL_MS = '2000';
// Each app's prefix colour, in the catalogue's order.
const COLORS = ['green', 'cyan', 'magenta'];

const { format, express, collector, freePorts } = orExit('demo', 2, readOptions);
// The receiver reads TRACE_UI_PORT the same way; set, it holds with --free-ports too.
const uiPort = orExit('demo', 1, () => (process.env.TRACE_UI_PORT?.trim() ? readTraceUiPort() : undefined));
const ports = await choosePorts({ collector: collector !== undefined, free: freePorts, uiPort });
const { receiver: receiverPorts, apps } = ports;
await claimPorts(ports);
// Before it says where the traces go: that the collector answers OTLP, over the protocol given,
// and which signals it takes: the apps and the client send it no other.
const off: ReturnType<typeof exportersOff> = collector
  ? exportersOff(collector.url, await checkCollector(collector.url, collector.protocol).catch((error: Error) => {
    console.error(`demo: ${error.message}`);
    process.exit(1);
  }), process.env)
  : { env: {} };

// What the apps and the client get: where to export, and the demo's short batch delay, unless set.
const exportEnv: Record<string, string> = {
  ...(collector ? { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: collector.protocol } : {}),
  ...off.env,
  ...(receiverPorts ? receiverEndpoints(receiverPorts, process.env, freePorts) : {}),
  ...(process.env.OTEL_BSP_SCHEDULE_DELAY ? {} : { OTEL_BSP_SCHEDULE_DELAY: DEMO_BATCH_DELAY_MS }),
  ...(process.env.OTEL_METRIC_EXPORT_INTERVAL || off.env.OTEL_METRICS_EXPORTER ? {} : { OTEL_METRIC_EXPORT_INTERVAL: DEMO_METRIC_INTERVAL_MS }),
};
checkAppSettings('demo', { ...process.env, ...exportEnv });

if (format === 'esm') console.log('demo: the apps run their ES module builds (npm run start:esm)');
if (express === 4) console.log('demo: the apps run on Express 4 (npm run start:express4)');
if (exportEnv.OTEL_BSP_SCHEDULE_DELAY) {
  console.log(`demo: spans leave every ${DEMO_BATCH_DELAY_MS} ms (OTEL_BSP_SCHEDULE_DELAY=${DEMO_BATCH_DELAY_MS}, a demo setting; the default is 5000)`);
}
if (exportEnv.OTEL_METRIC_EXPORT_INTERVAL) {
  console.log(`demo: metrics every ${DEMO_METRIC_INTERVAL_MS} ms (OTEL_METRIC_EXPORT_INTERVAL=${DEMO_METRIC_INTERVAL_MS}, a demo setting; the default is 60000)`);
}
console.log(collector
  ? `demo: your collector at ${collector.url} answers OTLP over ${collector.protocol}\n      the apps and the client export there; no receiver of the demo's own\n${off.line ? `demo: ${off.line}\n` : ''}`
  : `demo: the trace UI will be at http://localhost:${receiverPorts!.ui} (traces, waterfalls, the apps compared)\n`);

// Each command `exec`s in the shell concurrently starts it in: otherwise Ctrl-C ends that shell,
// and concurrently says "exited with code SIGINT" of an app that stopped cleanly; now its own code.
// npm can still be ended by the signal concurrently forwards, once its app has exited: said so.
class ExitWords extends Logger {
  override logCommandEvent(text: string, command: Command): void {
    super.logCommandEvent(text.replace(/ exited with code (SIG[A-Z]+)$/, ' stopped by $1'), command);
  }
}
const { result, commands } = concurrently(
  [
    // The node running this script: Node 24, even where the shell's `node` is older. The apps
    // send every 500 ms and the client at once, so a trace is whole after a second of quiet.
    ...(receiverPorts ? [{
      name: 'receiver', prefixColor: 'yellow',
      command: `exec "${process.execPath}" ${RECEIVER_NODE_FLAGS.join(' ')} scripts/receiver.ts --grpc-port ${receiverPorts.grpc} --http-port ${receiverPorts.http} --ui-port ${receiverPorts.ui} --trace-idle-ms 1000 --ignore-sigint`,
    }] : []),
    ...apps.map((app) => ({
      name: app.name,
      // --silent: no npm header before each app's lines (its start script says what goes wrong itself).
      command: `exec npm run ${startScript(format, 'start', express)} --silent --workspace ${APPS[app.name].directory}`,
      prefixColor: COLORS[APP_NAMES.indexOf(app.name)],
      env: { ...exportEnv, PORT: String(app.port) },
    })),
  ],
  { killOthersOn: ['failure'], padPrefix: true, logger: new ExitWords({}) },
);

// Ctrl-C reaches every process of the terminal at once: the receiver ignores it, and is stopped
// here once every app has exited, so that the apps' last flush still has somewhere to go.
if (receiverPorts) {
  const appsExited = commands.slice(1).map((command) => new Promise<void>((resolve) => command.close.subscribe(() => resolve())));
  void Promise.all(appsExited).then(() => commands[0].kill('SIGTERM'));
}

// Runs beside `result`: if a process fails first, killOthersOn has stopped the rest and the
// demo exits without waiting for the health checks to time out.
void sendOriginalRequests({
  apps,
  env: exportEnv,
  receiver: receiverPorts && { ui: `http://localhost:${receiverPorts.ui}`, printed: followTrees(commands[0].stdout) },
  collector: collector?.url,
});

// Settles when every process has exited: after Ctrl-C (0), or at once if one of them failed.
await result.then(
  () => process.exit(0),
  () => process.exit(1),
);

function readOptions() {
  const { values } = readCommandLine({
    command: 'demo',
    summary: 'The receiver and its trace UI, the three apps, and the original\'s three requests through the traced client; then everything runs until Ctrl-C.',
    options: {
      esm: { type: 'boolean', default: false, help: 'run the apps\' ES module builds (npm run start:esm)' },
      express: { type: 'string', default: '5', value: '5|4', help: 'the Express major the apps run on; 4 runs their CommonJS builds' },
      collector: { type: 'string', value: 'URL', help: 'export to your collector at URL (http://host:port) instead; no receiver starts' },
      protocol: { type: 'string', value: OTLP_PROTOCOLS.join('|'), help: 'the OTLP protocol to speak to --collector (default grpc)' },
      'free-ports': { type: 'boolean', default: false, help: 'free ports for everything, so that it runs beside another demo' },
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
  };
}
