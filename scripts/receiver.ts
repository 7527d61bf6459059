// `npm run receiver [-- --grpc-port 4317 --http-port 4318 --ui-port 16686 --host localhost
//                       --trace-idle-ms 6000]`: the embedded OTLP receiver, printing each trace as
// a tree once none of its spans came for --trace-idle-ms (again, whole, if a span of it comes
// later), with the log records made in its spans under them; log records outside any span as
// they come; a line per request-duration series when its count changed (receiver-output.ts);
// and its web UI (TRACE_UI_PORT also sets the UI's port). Ctrl-C stops it.
import { TOOL_PORTS } from '@repo/app-catalogue';
import { parsePort } from '@repo/server-lifecycle';
import { startReceiver } from '@repo/otlp-receiver';
import { startTraceUi } from '@repo/trace-ui';
import { parseArgs } from 'node:util';
import { keptLimits, receiverOutput } from './receiver-output.ts';
import { readTraceUiPort } from './trace-ui-port.ts';

interface ReceiverCommandConfig {
  grpcPort: number;
  httpPort: number;
  uiPort: number;
  host: string;
  traceIdleMs: number;
}

function readReceiverCommandConfig(args: string[], env: Record<string, string | undefined>): ReceiverCommandConfig {
  const { values } = parseArgs({
    args,
    options: {
      'grpc-port': { type: 'string', default: String(TOOL_PORTS.otlpGrpc) },
      'http-port': { type: 'string', default: String(TOOL_PORTS.otlpHttp) },
      'ui-port': { type: 'string' },
      host: { type: 'string', default: 'localhost' },
      // An app's batch leaves every 5 s by default (OTEL_BSP_SCHEDULE_DELAY), the client's at once.
      'trace-idle-ms': { type: 'string', default: '6000' },
    },
  });
  const traceIdleMs = Number(values['trace-idle-ms']);
  if (!Number.isSafeInteger(traceIdleMs) || traceIdleMs < 1) throw new Error(`--trace-idle-ms="${values['trace-idle-ms']}" is not a whole number of milliseconds above 0`);
  return {
    grpcPort: parsePort(values['grpc-port'], '--grpc-port'),
    httpPort: parsePort(values['http-port'], '--http-port'),
    uiPort: values['ui-port'] === undefined ? readTraceUiPort(env) : parsePort(values['ui-port'], '--ui-port'),
    host: values.host,
    traceIdleMs,
  };
}

try {
  const config = readReceiverCommandConfig(process.argv.slice(2), process.env);
  const { grpcPort, httpPort, host } = config;
  const output = receiverOutput((text) => console.log(text), config.traceIdleMs);
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
  console.log(`OTLP receiver: gRPC on ${config.host}:${receiver.grpcPort}, HTTP (protobuf, JSON) on ${config.host}:${receiver.httpPort} (/v1/traces, /v1/metrics, /v1/logs); ${keptLimits(receiver.limits)}`);
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
    console.log(`OTLP receiver stopped: ${spans} spans in ${exports} exports, ${metricPoints} metric points in ${metricExports} exports, ${logRecords} log records in ${logExports} exports, ${rejected} rejected`);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  console.error(`receiver: ${(error as Error).message}`);
  process.exitCode = 1;
}
