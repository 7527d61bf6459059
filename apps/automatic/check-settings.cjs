// Preloaded first by every traced start script, outside src/ because the app's own code has no
// telemetry. Two things the other apps do in code, here from the environment the register hook reads:
// - it stops the start on a value the hook would take without a word and fall back from
//   (OTEL_EXPORTER_OTLP_PROTOCOL=foo: no span leaves the app, no line says why), with the line the
//   other two apps print;
// - it adds which Express serves the app (webengine.name, webengine.version) to the resource
//   attributes the hook reads from OTEL_RESOURCE_ATTRIBUTES, after the caller's own.
const { readTelemetryConfigOrExit, webEngineAttributes } = require('@repo/telemetry/config');

readTelemetryConfigOrExit({ serviceName: 'auto-instrument-service' });
const engine = Object.entries(webEngineAttributes()).map(([key, value]) => `${key}=${value}`);
process.env.OTEL_RESOURCE_ATTRIBUTES = [process.env.OTEL_RESOURCE_ATTRIBUTES, ...engine].filter(Boolean).join(',');
