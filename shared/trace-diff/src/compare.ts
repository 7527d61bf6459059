import { diffTraces, type NormalizedTrace } from './normalize';
import { explainDifference } from './explain';

/** One place where some of the traces differ: each trace's value there, and why they differ. */
export interface DifferenceRow<Name extends string = string> {
  path: string;
  /** Each compared trace's value; a name without a key has nothing there (absent). */
  values: Partial<Record<Name, unknown>>;
  explanation: string;
}

/**
 * The differences between several traces of the same request, one row per place, from
 * diffTraces on every pair. Traces that are undefined (not traced) take no part.
 */
export function compareTraces<Name extends string>(traces: Partial<Record<Name, NormalizedTrace>>): DifferenceRow<Name>[] {
  const names = (Object.keys(traces) as Name[]).filter((name) => traces[name]);
  const rows = new Map<string, Partial<Record<Name, unknown>>>();
  const differing = new Set<string>();
  names.forEach((left, i) => {
    for (const right of names.slice(i + 1)) {
      for (const difference of diffTraces(traces[left]!, traces[right]!)) {
        rows.set(difference.path, { ...rows.get(difference.path), [left]: difference.left, [right]: difference.right });
        differing.add(`${left} ${right} ${difference.path}`).add(`${right} ${left} ${difference.path}`);
      }
    }
  });
  // A trace that differs from no other here has the value of one it agrees with.
  return [...rows].map(([path, values]) => {
    for (const name of names) {
      const same = names.find((other) => other in values && !differing.has(`${name} ${other} ${path}`));
      if (!(name in values) && same) values[name] = values[same];
    }
    return { path, values, explanation: explainDifference(path) };
  });
}
