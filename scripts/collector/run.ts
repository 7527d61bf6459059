// `npm run collector [-- <otelcol flags>]`: the OpenTelemetry Collector of otelcol-manifest.yaml
// (built the first time, then from the cache) with the configuration otelcol.yaml, the one
// `npm run test:collector` sends the demo through. OTELCOL_GRPC_ENDPOINT, OTELCOL_HTTP_ENDPOINT,
// OTELCOL_FILE and OTELCOL_FORWARD_ENDPOINT move it (otelcol.yaml says how).
import path from 'node:path';
import { wrap } from '../command-line.ts';
import { buildCollector, cacheRoot, GoBuildError } from './go-build.ts';

// Its own --help, before anything is built; any other argument is the collector's.
if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
  console.log(['npm run collector -- [<otelcol flags>]', ...wrap(
    'The OpenTelemetry Collector of scripts/collector/otelcol-manifest.yaml, built from its Go modules the first time ' +
    `(minutes; into ${cacheRoot()}), then run with scripts/collector/otelcol.yaml: OTLP in on 127.0.0.1:4317 (gRPC) ` +
    'and 127.0.0.1:4318 (HTTP), each signal written to otelcol-output.jsonl and passed on over OTLP/gRPC to 127.0.0.1:14317. ' +
    'OTELCOL_GRPC_ENDPOINT, OTELCOL_HTTP_ENDPOINT, OTELCOL_FILE and OTELCOL_FORWARD_ENDPOINT move them. Every other ' +
    'argument goes to the collector as it is; Ctrl-C stops it.', 100)].join('\n'));
  process.exit(0);
}

let binary: string;
try {
  ({ binary } = await buildCollector((line) => console.log(`collector: ${line}`)));
} catch (error) {
  if (!(error instanceof GoBuildError)) throw error;
  console.error(`collector: ${error.message}`);
  process.exit(1);
}
// The collector takes this process's place: Ctrl-C and SIGTERM reach it, and its exit code is ours.
process.execve!(binary, [binary, '--config', path.join(import.meta.dirname, 'otelcol.yaml'), ...process.argv.slice(2)], process.env);
