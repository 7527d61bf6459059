export {
  EXPORTERS, OTLP_PROTOCOLS, readTelemetryConfig, readTelemetryConfigOrExit, SIGNALS, TelemetryConfigError, webEngineAttributes,
  type BatchSettings, type ExporterName, type OtlpProtocol, type Signal, type TelemetryConfig,
} from './config';
export { useConciseDiagnostics } from './diagnostics';
export { OutageReportingExporter, ReportedExportError } from './outage-reporting-exporter';
export { createSpanProcessors, sdkOptions } from './sdk-options';
