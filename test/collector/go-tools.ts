// The collector project's global setup: the OpenTelemetry Collector, telemetrygen and Jaeger built
// from their pinned Go modules, or found in the cache (scripts/collector/go-build.ts), before any test.
import { buildCollector, buildJaeger, buildTelemetrygen } from '../../scripts/collector/go-build.ts';

export async function setup(): Promise<void> {
  await buildCollector();
  await buildTelemetrygen();
  await buildJaeger();
}
