// `npm run collector [-- <otelcol flags>]`: the OpenTelemetry Collector of otelcol-manifest.yaml
// (built the first time, then from the cache) with the configuration otelcol.yaml, the one
// `npm run test:collector` sends the demo through. OTELCOL_GRPC_ENDPOINT, OTELCOL_HTTP_ENDPOINT,
// OTELCOL_FILE and OTELCOL_FORWARD_ENDPOINT move it (otelcol.yaml says how).
import path from 'node:path';
import { buildCollector, GoBuildError } from './go-build.ts';

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
