export { compareTraces, type DifferenceRow } from './compare';
export {
  describeLocation,
  diffTraces,
  formatDifferences,
  normalizeTrace,
  type Difference,
  type DifferenceLocation,
  type NormalizedSpan,
  type NormalizedTrace,
} from './normalize';
