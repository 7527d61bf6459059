// The trace UI's port as the demo and the receiver command read it: TRACE_UI_PORT, else 16686.
import { TOOL_PORTS } from '@repo/app-catalogue';
import { parsePort } from '@repo/server-lifecycle';

export function readTraceUiPort(env: Record<string, string | undefined> = process.env): number {
  const value = env.TRACE_UI_PORT?.trim();
  return value ? parsePort(value, 'TRACE_UI_PORT') : TOOL_PORTS.traceUi;
}
