import { describeLocation, diffTraces, type DifferenceLocation, type NormalizedTrace } from './normalize';

/** One place where some of the traces differ: each trace's value there, and why they differ. */
export interface DifferenceRow<Name extends string = string> {
  location: DifferenceLocation;
  /** The location as people read it (describeLocation). */
  where: string;
  /** Each compared trace's value; a name without a key has nothing there (absent). */
  values: Partial<Record<Name, unknown>>;
  /** What `explain` said of this difference. */
  explanation: string;
}

/**
 * The differences between several traces of the same request, one row per place, from
 * diffTraces on every pair, each with the line `explain` gives it. Traces that are undefined (not
 * traced) take no part.
 */
export function compareTraces<Name extends string>(
  traces: Partial<Record<Name, NormalizedTrace>>,
  explain: (difference: { location: DifferenceLocation; values: Partial<Record<Name, unknown>> }) => string,
): DifferenceRow<Name>[] {
  const names = (Object.keys(traces) as Name[]).filter((name) => traces[name]);
  const rows = new Map<string, { location: DifferenceLocation; values: Partial<Record<Name, unknown>> }>();
  const differing = new Set<string>();
  names.forEach((left, i) => {
    for (const right of names.slice(i + 1)) {
      for (const { location, left: l, right: r } of diffTraces(traces[left]!, traces[right]!)) {
        const where = describeLocation(location);
        rows.set(where, { location, values: { ...rows.get(where)?.values, [left]: l, [right]: r } });
        differing.add(`${left} ${right} ${where}`).add(`${right} ${left} ${where}`);
      }
    }
  });
  // A trace that differs from no other here has the value of one it agrees with.
  return [...rows].map(([where, { location, values }]) => {
    for (const name of names) {
      const same = names.find((other) => other in values && !differing.has(`${name} ${other} ${where}`));
      if (!(name in values) && same) values[name] = values[same];
    }
    return { location, where, values, explanation: explain({ location, values }) };
  });
}
