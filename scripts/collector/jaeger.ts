// `npm run jaeger [-- <jaeger flags>]`: Jaeger v2 (built from its Go module the first time, then
// from the cache) with the configuration jaeger.yaml, the one `npm run test:collector` sends the
// demo to. JAEGER_OTLP_GRPC_ENDPOINT, JAEGER_OTLP_HTTP_ENDPOINT, JAEGER_QUERY_HTTP_ENDPOINT and
// JAEGER_QUERY_GRPC_ENDPOINT move it. Needs no workspace build: --help answers before any build.
import path from 'node:path';
import { buildJaeger, GoBuildError, JAEGER } from './go-build.ts';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`usage: npm run jaeger [-- <jaeger flags>]: Jaeger ${JAEGER.version} (built with Go the first time, minutes) on 127.0.0.1: OTLP on 4317 (gRPC) and 4318 (HTTP), traces kept in memory, its query API on http://127.0.0.1:16686 (no UI in a Go build; scripts/collector/jaeger.yaml)`);
  process.exit(0);
}
let binary: string;
try {
  ({ binary } = await buildJaeger((line) => console.log(`jaeger: ${line}`)));
} catch (error) {
  if (!(error instanceof GoBuildError)) throw error;
  console.error(`jaeger: ${error.message}`);
  process.exit(1);
}
// Jaeger takes this process's place: Ctrl-C and SIGTERM reach it, and its exit code is ours.
process.execve!(binary, [binary, '--config', path.join(import.meta.dirname, 'jaeger.yaml'), ...args], process.env);
