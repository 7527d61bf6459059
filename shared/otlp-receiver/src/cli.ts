#!/usr/bin/env node
// The embedded receiver as a command: `otlp-receiver [--grpc-port 4317] [--http-port 4318]`.
// Prints each trace as a tree once it is complete; Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { formatTrace } from './format';
import { startReceiver } from './receiver';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'grpc-port': { type: 'string', default: '4317' },
      'http-port': { type: 'string', default: '4318' },
      host: { type: 'string', default: 'localhost' },
    },
  });
  const receiver = await startReceiver({
    grpcPort: port(values['grpc-port'], '--grpc-port'),
    httpPort: port(values['http-port'], '--http-port'),
    host: values.host,
    onTrace: (spans) => console.log(`${formatTrace(spans)}\n`),
  });
  console.log(
    `OTLP receiver: gRPC on ${values.host}:${receiver.grpcPort}, HTTP (protobuf, JSON) on ${values.host}:${receiver.httpPort}/v1/traces`,
  );
  let stopping = false;
  // Ctrl-C can come twice, from the terminal and from a parent such as concurrently.
  const stop = () => {
    if (stopping) return;
    stopping = true;
    const { exports, spans, rejected } = receiver.stats();
    void receiver.close().then(() => console.log(`OTLP receiver stopped: ${spans} spans in ${exports} exports, ${rejected} rejected`));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function port(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} ${value} is not a port number (0-65535)`);
  return n;
}

main().catch((error: Error) => {
  console.error(`otlp-receiver: ${error.message}`);
  process.exitCode = 1;
});
