export {
  OTLP_PROTOCOLS, readTelemetryConfig, readTelemetryConfigOrExit, TelemetryConfigError, TRACES_EXPORTERS, webEngineAttributes, type OtlpProtocol, type TelemetryConfig, type TracesExporter,
} from './config';
export { useConciseDiagnostics } from './diagnostics';
export { OutageReportingExporter, ReportedExportError } from './outage-reporting-exporter';
export { createSpanProcessors, tracesOnlySdkOptions } from './sdk-options';
