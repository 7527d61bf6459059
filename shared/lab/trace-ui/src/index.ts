export { compareRequest, type CompareColumn, type CompareView } from './compare-view';
export { hostInUrl, startTraceUi, type TraceUi, type TraceUiOptions } from './server';
export type { SpanView, TraceDetail, TraceList, TraceSummary } from './views';
