import { describe, expect, it } from 'vitest';
import { formatLogRecord, severityName, type ReceivedLogRecord } from '../src/index.ts';

function record(fields: Partial<ReceivedLogRecord>): ReceivedLogRecord {
  return {
    timeUnixNano: 1n, observedTimeUnixNano: 2n, severityNumber: 9, body: 'server_request', attributes: {}, flags: 0,
    scope: { name: 'test' }, resource: { 'service.name': 'svc' }, ...fields,
  };
}

describe('severityName', () => {
  it.each([[1, 'TRACE'], [9, 'INFO'], [10, 'INFO2'], [16, 'WARN4'], [17, 'ERROR'], [24, 'FATAL4']])(
    'names severity number %i %s, whatever the library called it', (severityNumber, name) => {
      expect(severityName(record({ severityNumber, severityText: 'custom' }))).toBe(name);
    });

  it('falls back to the severity text, then to a dash, when the number is unspecified', () => {
    expect(severityName(record({ severityNumber: 0, severityText: 'notice' }))).toBe('notice');
    expect(severityName(record({ severityNumber: 0 }))).toBe('-');
  });
});

describe('formatLogRecord', () => {
  it('gives severity, event name, body and attributes on one line', () => {
    expect(formatLogRecord(record({ eventName: 'request', attributes: { param: 'x', n: 2 } }))).toBe('log INFO request server_request param=x n=2');
  });

  it('shows a structured body as JSON, line breaks as \\n, and leaves out an absent body', () => {
    expect(formatLogRecord(record({ body: { msg: 'hi', n: 1 } }))).toBe('log INFO {"msg":"hi","n":1}');
    expect(formatLogRecord(record({ body: 'first\nsecond' }))).toBe('log INFO first\\nsecond');
    expect(formatLogRecord(record({ body: null, attributes: { a: true } }))).toBe('log INFO a=true');
  });

  it('cuts a huge record at 300 characters', () => {
    const line = formatLogRecord(record({ body: 'x'.repeat(10_000) }));
    expect(line).toHaveLength(300);
    expect(line.endsWith('…')).toBe(true);
  });
});
