import type { Attributes, InstrumentationScope, ReceivedLogRecord } from '@repo/trace-model';
import { otlpCodec } from './otlp-codec';
import { anyValue, attributes, scopedItems, enumNumber, int64, nanos, optionalId, OtlpDecodeError, type Message } from './otlp-common';

// SeverityNumber's names by number, as JSON may give them: SEVERITY_NUMBER_UNSPECIFIED, _TRACE, _TRACE2 ... _FATAL4.
const SEVERITY_NAMES = ['SEVERITY_NUMBER_UNSPECIFIED', ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
  ['', '2', '3', '4'].map((step) => `SEVERITY_NUMBER_${level}${step}`))];

/** ExportLogsServiceRequest: LogsService/Export over gRPC, POST /v1/logs over HTTP. */
export const logCodec = otlpCodec('opentelemetry.proto.collector.logs.v1.LogsService', 'ExportLogsServiceRequest',
  (request): ReceivedLogRecord[] => scopedItems(request, ['resourceLogs', 'scopeLogs', 'logRecords', 'logRecord'], toLogRecord));

function toLogRecord(record: Message, resource: Attributes, scope: InstrumentationScope): ReceivedLogRecord {
  const traceId = optionalId(record.traceId, 'log record traceId', 32);
  const spanId = optionalId(record.spanId, 'log record spanId', 16);
  const flags = record.flags === undefined || record.flags === null ? 0 : int64(record.flags, 'log record flags');
  if (typeof flags !== 'number' || flags < 0 || flags > 0xffffffff) throw new OtlpDecodeError(`log record flags must be a 32-bit unsigned number, got ${JSON.stringify(record.flags)}`);
  return {
    timeUnixNano: nanos(record.timeUnixNano),
    observedTimeUnixNano: nanos(record.observedTimeUnixNano),
    severityNumber: enumNumber(record.severityNumber, 'severityNumber', SEVERITY_NAMES),
    ...(record.severityText ? { severityText: String(record.severityText) } : {}),
    ...(record.eventName ? { eventName: String(record.eventName) } : {}),
    body: anyValue(record.body),
    attributes: attributes(record.attributes),
    ...(traceId ? { traceId } : {}),
    ...(spanId ? { spanId } : {}),
    flags,
    scope,
    resource,
  };
}
