// Preloaded first by every traced start script. The register hook takes a value it cannot use
// without a word and falls back (OTEL_EXPORTER_OTLP_PROTOCOL=foo: no span leaves the app, no line
// says why), so the start stops here instead, with the line the other two apps print. It only
// reads the settings; it sets nothing up. Outside src/, because the app's own code has no telemetry.
require('@repo/telemetry/config').readTelemetryConfigOrExit({ serviceName: 'auto-instrument-service' });
