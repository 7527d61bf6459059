export { compareTraces, type DifferenceRow } from './compare';
export { explainDifference, explainUntraced, UNEXPLAINED } from './explain';
export { diffTraces, formatDifferences, normalizeTrace, type Difference, type NormalizedSpan, type NormalizedTrace } from './normalize';
