// How `npm run receiver` keeps a flood readable: so many lines a second, and one line a second
// counting the rest (receiver-output.ts).

// Trees and lone log records printed a second, at most.
export const MAX_PRINTED_PER_SECOND = 100;

/**
 * Lets MAX_PRINTED_PER_SECOND things be printed in each second; counts the rest, and says how many
 * in one line when that second is over (or at close).
 */
export function printThrottle(print: (text: string) => void) {
  let windowStart = -Infinity;
  let printed = 0;
  const skipped = { trace: 0, 'log record': 0 };
  let summary: NodeJS.Timeout | undefined;
  const report = () => {
    clearTimeout(summary);
    summary = undefined;
    const counts = Object.entries(skipped).filter(([, n]) => n > 0).map(([what, n]) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`);
    if (counts.length) print(`receiver: ${counts.join(' and ')} not printed in that second (it prints ${MAX_PRINTED_PER_SECOND} a second at most; the trace UI has what it keeps)`);
    skipped.trace = skipped['log record'] = 0;
  };
  const skip = (what: keyof typeof skipped, n = 1) => {
    if (n <= 0) return;
    skipped[what] += n;
    summary ??= setTimeout(report, Math.max(0, windowStart + 1000 - performance.now()));
  };
  return {
    allows(what: keyof typeof skipped): boolean {
      const now = performance.now();
      if (now - windowStart >= 1000) {
        if (summary) report();
        windowStart = now;
        printed = 0;
      }
      if (printed < MAX_PRINTED_PER_SECOND) {
        printed += 1;
        return true;
      }
      skip(what);
      return false;
    },
    skip,
    close: report,
  };
}
