// The benchmark's tables, in Markdown: each variant's median run, with ratios to its baseline
// and, in the breakdown, what each stage adds to the row before it.
import type { summarizeProfile } from './cpu-profile.ts';
import type { Run } from './measure-variant.ts';
import type { Variant } from './variants.ts';

/** A variant's figures over its rounds, and how far apart the rounds were. */
export type MedianRun = Omit<Run, 'stage' | 'profile'> & { spread: Spread };

/** The spread of the headline figures over the rounds, (max - min) / median; none with one round. */
export type Spread = Partial<Record<(typeof SPREAD_FIGURES)[number], number>>;
const SPREAD_FIGURES = ['cpuPerRequestUs', 'p99AtLatencyLoadMs', 'requestsPerSecond'] as const;

// Counts, summed over the rounds rather than their median.
const SUMMED = ['responses', 'spans', 'answeredAtLatencyLoad', 'spansAtLatencyLoad', 'answeredAtRate', 'spansAtRate', 'answeredFlatOut', 'spansFlatOut'] as const;
type Figure = Exclude<keyof Run, (typeof SUMMED)[number] | 'stage' | 'perRequest' | 'profile'>;

/** The median of each figure over the rounds, and the spread of the headline ones; the counts are summed. */
export function medianRun(list: Run[]): MedianRun {
  const middle = (values: number[]) => values.sort((x, y) => x - y)[Math.floor(values.length / 2)];
  const median = (key: Figure) => middle(list.map((run) => run[key]));
  const spread = (key: Figure) => {
    const values = list.map((run) => run[key]);
    return list.length > 1 && median(key) ? (Math.max(...values) - Math.min(...values)) / median(key) : undefined;
  };
  const figures = (Object.keys(list[0]) as (keyof Run)[]).filter((key): key is Figure => typeof list[0][key] === 'number' && !(SUMMED as readonly string[]).includes(key));
  const perRequest = Object.fromEntries(Object.keys(list[0].perRequest).map((key) =>
    [key, middle(list.map((run) => run.perRequest[key as keyof Run['perRequest']]))])) as unknown as Run['perRequest'];
  return {
    ...(Object.fromEntries(figures.map((key) => [key, median(key)])) as Record<Figure, number>),
    perRequest,
    spread: Object.fromEntries(SPREAD_FIGURES.flatMap((key) => {
      const value = spread(key);
      return value === undefined ? [] : [[key, value]];
    })),
    ...(Object.fromEntries(SUMMED.map((key) => [key, list.reduce((sum, run) => sum + run[key], 0)])) as Record<(typeof SUMMED)[number], number>),
  };
}

/** The main table, or with `breakdown` the stage-by-stage one, from each variant's median run. */
export function printVariantsTable(variants: Variant[], medians: Map<Variant, MedianRun>, { rate, latencyRate, breakdown }: { rate: number; latencyRate?: number; breakdown: boolean }): void {
  // Rows refer to one another by reference: one that was not measured in this run is a bug, not a blank cell.
  const medianOf = (variant: Variant) => {
    const median = medians.get(variant);
    if (!median) throw new Error(`"${variant.name}" is referred to but was not measured`);
    return median;
  };
  const baseOf = (variant: Variant) => medianOf(variant.base ?? variant);
  const ratio = (value: number, of: number) => (of ? (value / of).toFixed(2) : '-');
  // Spans against answered requests: in all, or run by run (each run flushed and counted alone).
  const spans = (variant: Variant, arrived: number, answered: number) => (variant.baseline ? '-' : `${arrived}/${answered}`);
  const spansCell = (variant: Variant, m: MedianRun) => spans(variant, m.spans, m.responses);
  if (breakdown) {
    // Each stage's row against the one it adds to: what that stage costs per request.
    printTable(['variant', `CPU µs/request @ ${rate}/s`, 'x base', 'µs added', 'to', 'ELU', 'spans/answered'],
      variants.map((variant) => {
        const m = medianOf(variant);
        const against = variant.against && medianOf(variant.against);
        return [variant.name, m.cpuPerRequestUs.toFixed(1), ratio(m.cpuPerRequestUs, baseOf(variant).cpuPerRequestUs),
          against ? (m.cpuPerRequestUs - against.cpuPerRequestUs).toFixed(1) : '-', variant.against?.name.replace(`${variant.app}: `, '') ?? '',
          m.eventLoopUtilization.toFixed(2), spansCell(variant, m)];
      }));
  } else {
    // How far apart the rounds were, for the CPU time, p99 and requests/s: what a ratio can be trusted to.
    const spread = ({ spread: s }: MedianRun) => (s.cpuPerRequestUs === undefined ? '-'
      : SPREAD_FIGURES.map((key) => `${Math.round(100 * (s[key] ?? 0))}%`).join(' / '));
    const at = `@ ${latencyRate}/s`;
    printTable(['variant', `CPU µs/request @ ${rate}/s`, 'x base', 'ELU', `spans/answered @ ${rate}/s`, `p99 ms ${at}`, 'x base', `ELU ${at}`, 'longest GC pause ms', `spans/answered ${at}`,
      'req/s flat out', 'x base', 'spans/answered flat out', 'peak RSS MB', 'start-up ms', 'spans/answered', 'spread: CPU / p99 / req/s'],
    variants.map((variant) => {
      const [m, base] = [medianOf(variant), baseOf(variant)];
      return [variant.name, m.cpuPerRequestUs.toFixed(1), ratio(m.cpuPerRequestUs, base.cpuPerRequestUs), m.eventLoopUtilization.toFixed(2), spans(variant, m.spansAtRate, m.answeredAtRate),
        m.p99AtLatencyLoadMs.toFixed(1), ratio(m.p99AtLatencyLoadMs, base.p99AtLatencyLoadMs), m.eluAtLatencyLoad.toFixed(2), m.longestGcPauseMs.toFixed(1),
        spans(variant, m.spansAtLatencyLoad, m.answeredAtLatencyLoad),
        Math.round(m.requestsPerSecond), ratio(m.requestsPerSecond, base.requestsPerSecond), spans(variant, m.spansFlatOut, m.answeredFlatOut), m.peakRssMb.toFixed(0),
        `${Math.round(m.startupMs)} (${ratio(m.startupMs, base.startupMs)})`, spansCell(variant, m), spread(m)];
    }));
  }
}

/**
 * Where each variant's CPU time per request went at the fixed rate: its main thread's user and
 * system time, V8's worker threads (GC helpers, compilation), libuv's and the others; the main
 * thread's GC pauses; minor page faults.
 */
export function printCpuSplitTable(variants: Variant[], medians: Map<Variant, MedianRun>, rate: number): void {
  printTable(['variant', `µs/request @ ${rate}/s: main thread user`, 'main system', 'V8 workers', 'other threads', 'of which GC pauses', 'GC pauses', 'page faults/request'],
    variants.map((variant) => {
      const m = medians.get(variant)!;
      const p = m.perRequest;
      return [variant.name, p.mainUser.toFixed(1), p.mainSystem.toFixed(1), p.v8Workers.toFixed(1), p.otherThreads.toFixed(1),
        m.gcPauseUsPerRequest.toFixed(1), m.gcPauses, p.minorFaults.toFixed(2)];
    }));
}

/** A variant's CPU profile in a few lines: its busiest functions, and its longest stretches without a pause. */
export function printProfileSummary(name: string, { busyMs, top, longest }: ReturnType<typeof summarizeProfile>): void {
  console.log(`\n${name}: busy ${busyMs.toFixed(0)} ms; most self time:`);
  for (const { frame, ms, share } of top) console.log(`  ${(100 * share).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(6)} ms  ${frame}`);
  console.log('  longest stretches without a pause:');
  for (const stretch of longest) console.log(`  ${stretch.ms.toFixed(1).padStart(6)} ms: ${stretch.top.map(({ frame, share }) => `${frame} ${(100 * share).toFixed(0)}%`).join(', ')}`);
}

export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(cells[0]));
  console.log(`|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of cells.slice(1)) console.log(line(row));
}
