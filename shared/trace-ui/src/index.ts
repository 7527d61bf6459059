export { DEFAULT_UI_PORT, readTraceUiPort, startTraceUi, type TraceUi, type TraceUiOptions } from './server';
export type { CompareColumn, CompareView, SpanView, TraceDetail, TraceList, TraceSummary } from './views';
