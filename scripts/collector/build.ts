// `node scripts/collector/build.ts` (run by `npm run test:collector` first): builds the
// OpenTelemetry Collector, telemetrygen and Jaeger from their pinned Go modules, or finds them in
// the cache, and says which. Without Go: one line naming what to install, and exit 1.
import { buildCollector, buildJaeger, buildTelemetrygen, GoBuildError, type Built } from './go-build.ts';

const say = (line: string) => console.log(`collector: ${line}`);
const show = (built: Built) => say(`${built.binary} (${built.builtInSeconds === undefined ? 'cached' : `built in ${Math.round(built.builtInSeconds)} s`})`);
try {
  show(await buildCollector(say));
  show(await buildTelemetrygen(say));
  show(await buildJaeger(say));
} catch (error) {
  if (!(error instanceof GoBuildError)) throw error;
  console.error(`collector: ${error.message}`);
  process.exit(1);
}
