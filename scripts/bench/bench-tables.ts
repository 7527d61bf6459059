// The benchmark's tables, in Markdown: each variant's median run, with ratios to its baseline
// and, in the breakdown, what each stage adds to the row before it.
import type { Run } from './measure-variant.ts';
import type { Variant } from './variants.ts';

/** A variant's figures over its rounds, and how far apart the rounds were. */
export type MedianRun = Omit<Run, 'stage'> & { spread: Spread };

/** The spread of the headline figures over the rounds, (max - min) / median; none with one round. */
export type Spread = Partial<Record<'cpuPerRequestUs' | 'p99AtRateMs' | 'requestsPerSecond', number>>;

type Figure = Exclude<keyof Run, 'responses' | 'spans' | 'stage'>;

/** The median of each figure over the rounds, and the spread of the headline ones; responses and spans are summed. */
export function medianRun(list: Run[]): MedianRun {
  const median = (key: Figure) => {
    const sorted = list.map((run) => run[key]).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };
  const spread = (key: Figure) => {
    const values = list.map((run) => run[key]);
    return list.length > 1 && median(key) ? (Math.max(...values) - Math.min(...values)) / median(key) : undefined;
  };
  return {
    spread: Object.fromEntries((['cpuPerRequestUs', 'p99AtRateMs', 'requestsPerSecond'] as const).flatMap((key) => {
      const value = spread(key);
      return value === undefined ? [] : [[key, value]];
    })),
    cpuPerRequestUs: median('cpuPerRequestUs'),
    eventLoopUtilization: median('eventLoopUtilization'),
    p99AtRateMs: median('p99AtRateMs'),
    requestsPerSecond: median('requestsPerSecond'),
    p50Ms: median('p50Ms'),
    p99Ms: median('p99Ms'),
    peakRssMb: median('peakRssMb'),
    startupMs: median('startupMs'),
    responses: list.reduce((sum, r) => sum + r.responses, 0),
    spans: list.reduce((sum, r) => sum + r.spans, 0),
  };
}

/** The main table, or with `breakdown` the stage-by-stage one, from each variant's median run. */
export function printVariantsTable(variants: Variant[], medians: Map<Variant, MedianRun>, { rate, breakdown }: { rate: number; breakdown: boolean }): void {
  // Rows refer to one another by reference: one that was not measured in this run is a bug, not a blank cell.
  const medianOf = (variant: Variant) => {
    const median = medians.get(variant);
    if (!median) throw new Error(`"${variant.name}" is referred to but was not measured`);
    return median;
  };
  const baseOf = (variant: Variant) => medianOf(variant.base ?? variant);
  const ratio = (value: number, of: number) => (of ? (value / of).toFixed(2) : '-');
  const spansCell = (variant: Variant, m: MedianRun) => (variant.baseline ? '-' : `${m.spans}/${m.responses}`);
  if (breakdown) {
    // Each stage's row against the one it adds to: what that stage costs per request.
    printTable(['variant', `CPU µs/request @ ${rate}/s`, 'x base', 'µs added', 'to', 'ELU', `p99 ms @ ${rate}/s`, 'spans/answered'],
      variants.map((variant) => {
        const m = medianOf(variant);
        const against = variant.against && medianOf(variant.against);
        return [variant.name, m.cpuPerRequestUs.toFixed(1), ratio(m.cpuPerRequestUs, baseOf(variant).cpuPerRequestUs),
          against ? (m.cpuPerRequestUs - against.cpuPerRequestUs).toFixed(1) : '-', variant.against?.name.replace(`${variant.app}: `, '') ?? '',
          m.eventLoopUtilization.toFixed(2), m.p99AtRateMs, spansCell(variant, m)];
      }));
  } else {
    // How far apart the rounds were, for the CPU time, p99 and requests/s: what a ratio can be trusted to.
    const spread = ({ spread: s }: MedianRun) => (s.cpuPerRequestUs === undefined ? '-'
      : [s.cpuPerRequestUs, s.p99AtRateMs, s.requestsPerSecond].map((value) => `${Math.round(100 * (value ?? 0))}%`).join(' / '));
    printTable(['variant', `CPU µs/request @ ${rate}/s`, 'x base', 'ELU', `p99 ms @ ${rate}/s`, 'req/s flat out', 'x base', 'peak RSS MB', 'start-up ms', 'spans/answered', 'spread: CPU / p99 / req/s'],
      variants.map((variant) => {
        const [m, base] = [medianOf(variant), baseOf(variant)];
        return [variant.name, m.cpuPerRequestUs.toFixed(1), ratio(m.cpuPerRequestUs, base.cpuPerRequestUs), m.eventLoopUtilization.toFixed(2),
          m.p99AtRateMs, Math.round(m.requestsPerSecond), ratio(m.requestsPerSecond, base.requestsPerSecond), m.peakRssMb.toFixed(0),
          `${Math.round(m.startupMs)} (${ratio(m.startupMs, base.startupMs)})`, spansCell(variant, m), spread(m)];
      }));
  }
}

export function printTable(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(cells[0]));
  console.log(`|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of cells.slice(1)) console.log(line(row));
}
