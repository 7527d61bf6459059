// `npm run receiver [-- --grpc-port 4317 --http-port 4318 --ui-port 16686 --host localhost
//                       --trace-idle-ms 6000]`: the embedded OTLP receiver, printing each trace as
// a tree once none of its spans came for --trace-idle-ms (again, whole, if a span of it comes
// later), with the log records made in its spans under them; log records outside any span as
// they come; a line per request-duration series when its count changed (receiver-output.ts);
// and its web UI (TRACE_UI_PORT also sets the UI's port). Ctrl-C stops it.
import { TOOL_PORTS } from '@repo/app-catalogue';
import { parsePort } from '@repo/server-lifecycle';
import { leaveOutGrpcBindErrors, startReceiver } from '@repo/otlp-receiver';
import { hostInUrl, startTraceUi } from '@repo/trace-ui';
import { readCommandLine } from './command-line.ts';
import { keptLimits, receiverOutput } from './receiver-output.ts';
import { readTraceUiPort } from './trace-ui-port.ts';

// The trees' width: in the demo, after its 15-column prefix ("[receiver    ] "), they fit in 100.
const TREE_WIDTH = 85;

interface ReceiverCommandConfig {
  grpcPort: number;
  httpPort: number;
  uiPort: number;
  host: string;
  traceIdleMs: number;
  /** --ignore-sigint: SIGTERM alone stops it. */
  ignoreSigint: boolean;
}

function readReceiverCommandConfig(args: string[], env: Record<string, string | undefined>): ReceiverCommandConfig {
  const { values } = readCommandLine({
    command: 'receiver',
    summary: 'The embedded OTLP receiver: prints each trace as a tree, with its log records, and serves the trace UI; Ctrl-C stops it.',
    options: {
      'grpc-port': { type: 'string', default: String(TOOL_PORTS.otlpGrpc), value: 'N', help: 'the OTLP/gRPC port; 0 takes a free one' },
      'http-port': { type: 'string', default: String(TOOL_PORTS.otlpHttp), value: 'N', help: 'the OTLP/HTTP port (protobuf and JSON); 0 takes a free one' },
      'ui-port': { type: 'string', value: 'N', help: `the trace UI's port (default TRACE_UI_PORT, else ${TOOL_PORTS.traceUi})` },
      host: { type: 'string', default: 'localhost', value: 'HOST', help: 'the address to listen on' },
      // An app's batch leaves every 5 s by default (OTEL_BSP_SCHEDULE_DELAY), the client's at once.
      'trace-idle-ms': { type: 'string', default: '6000', value: 'MS', help: 'print a trace once none of its spans came for this long' },
      'ignore-sigint': { type: 'boolean', default: false, help: 'stop on SIGTERM only: the demo stops it once the apps have flushed (Ctrl-C reaches them all at once)' },
    },
  }, args, env);
  const traceIdleMs = Number(values['trace-idle-ms']);
  if (!Number.isSafeInteger(traceIdleMs) || traceIdleMs < 1) throw new Error(`--trace-idle-ms="${values['trace-idle-ms']}" is not a whole number of milliseconds above 0`);
  const ports = {
    grpcPort: parsePort(values['grpc-port'], '--grpc-port'),
    httpPort: parsePort(values['http-port'], '--http-port'),
    uiPort: values['ui-port'] === undefined ? readTraceUiPort(env) : parsePort(values['ui-port'], '--ui-port'),
  };
  // Two of its own on one port: said so, rather than blamed on "another collector" once the first listens.
  const named: [string, number, boolean][] = [
    ['--grpc-port', ports.grpcPort, values['grpc-port'] === String(TOOL_PORTS.otlpGrpc)],
    ['--http-port', ports.httpPort, values['http-port'] === String(TOOL_PORTS.otlpHttp)],
    [values['ui-port'] === undefined && env.TRACE_UI_PORT?.trim() ? 'TRACE_UI_PORT' : '--ui-port', ports.uiPort, values['ui-port'] === undefined && !env.TRACE_UI_PORT?.trim()],
  ];
  // The flag given named first, the one left at its default second.
  for (const [flag, port, byDefault] of named.toSorted(([, , a], [, , b]) => Number(a) - Number(b))) {
    const [other, , otherByDefault] = named.find(([otherFlag, otherPort]) => otherFlag !== flag && port !== 0 && otherPort === port) ?? [];
    if (other && !byDefault) throw new Error(`${flag}${flag.startsWith('--') ? ' ' : '='}${port} is also its ${other}${otherByDefault ? ` (default ${port})` : ''}: give each its own port`);
  }
  return { ...ports, host: values.host, traceIdleMs, ignoreSigint: values['ignore-sigint'] };
}

try {
  const config = readReceiverCommandConfig(process.argv.slice(2), process.env);
  const { grpcPort, httpPort, host } = config;
  // Each tree with its page in the UI, which starts before any trace is printed.
  let uiUrl: string | undefined;
  const output = receiverOutput((text) => console.log(text), config.traceIdleMs, { width: TREE_WIDTH, link: (traceId) => uiUrl && `${uiUrl}/trace/${traceId}` });
  // A port in use is said in one line of ours, not also in grpc-js's.
  leaveOutGrpcBindErrors();
  const receiver = await startReceiver({
    grpcPort,
    httpPort,
    host,
    // A trace's services export on their own schedules: it is printed once none of its spans came
    // for longer than the slowest's batch delay, and again if one comes later still.
    traceIdleMs: config.traceIdleMs,
    onTrace: output.onTrace,
    followTrace: output.followTrace,
    onLogs: output.onLogs,
    onMetrics: output.onMetrics,
  });
  const ui = await startTraceUi({ receiver, port: config.uiPort, host: config.host }).catch(async (error: Error) => {
    await receiver.close();
    throw error;
  });
  console.log(`OTLP receiver: gRPC on ${hostInUrl(config.host)}:${receiver.grpcPort}, HTTP (protobuf, JSON) on ${hostInUrl(config.host)}:${receiver.httpPort} (/v1/traces, /v1/metrics, /v1/logs); ${keptLimits(receiver.limits)}`);
  uiUrl = ui.url;
  console.log(`Trace UI: ${ui.url}`);

  let stopping = false;
  // Ctrl-C can come twice, from the terminal and from a parent such as concurrently.
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const { exports, spans, metricExports, metricPoints, logExports, logRecords, rejected } = receiver.stats();
    await ui.close();
    await receiver.close();
    output.close();
    const n = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
    console.log(`OTLP receiver stopped: ${n(spans, 'span')} in ${n(exports, 'export')}, ${n(metricPoints, 'metric point')} in ${n(metricExports, 'export')}, ` +
      `${n(logRecords, 'log record')} in ${n(logExports, 'export')}, ${rejected} rejected`);
  };
  process.on('SIGINT', config.ignoreSigint ? () => {} : stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(`receiver: ${(error as Error).message}`);
  process.exitCode = 1;
}
