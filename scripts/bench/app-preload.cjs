// Preloaded into every app the benchmark starts (NODE_OPTIONS=--require, before the app's own
// preload), baseline included, so that all variants carry the same small extra.
// On SIGUSR2 (the n-th ask, scripts/bench/app-probe.ts) it prints the event loop's utilisation
// since the previous ask and the garbage collector's pauses of the main thread meanwhile (count,
// total and longest, in ms), then flushes the spans still queued and says so (`bench-flushed 2`).
// With BENCH_CPU_PROFILE=file, it profiles the CPU from the 5th ask (once flushed) to the 6th and
// writes the profile there. With BENCH_STAGE, it loads bench-stages.cjs.
const { writeFileSync } = require('node:fs');
const { performance, PerformanceObserver } = require('node:perf_hooks');

let last = performance.eventLoopUtilization();
let asked = 0;
let gc = { count: 0, ms: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count += 1;
    gc.ms += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
}).observe({ type: 'gc' });

process.on('SIGUSR2', () => {
  const now = performance.eventLoopUtilization();
  const n = ++asked;
  process.stderr.write(`bench-probe ${n} elu=${performance.eventLoopUtilization(now, last).utilization} ` +
    `gc=${gc.count} gc_ms=${gc.ms.toFixed(1)} gc_max_ms=${gc.maxMs.toFixed(1)}\n`);
  last = now;
  gc = { count: 0, ms: 0, maxMs: 0 };
  flushSpans().then(() => {
    process.stderr.write(`bench-flushed ${n}\n`);
    const profile = process.env.BENCH_CPU_PROFILE;
    if (profile && n === 5) startProfile();
    if (profile && n === 6) stopProfile(profile);
  }, (error) => process.stderr.write(`bench-flushed ${n} failed: ${error}\n`));
});

/** The global tracer provider's forceFlush(), if the app has an SDK (the baseline has none). */
function flushSpans() {
  const provider = require('@opentelemetry/api').trace.getTracerProvider();
  const sdk = provider.getDelegate?.() ?? provider;
  return typeof sdk.forceFlush === 'function' ? sdk.forceFlush() : Promise.resolve();
}

let profiler;
function startProfile() {
  const { Session } = require('node:inspector');
  profiler = new Session();
  profiler.connect();
  profiler.post('Profiler.enable');
  profiler.post('Profiler.start', () => process.stderr.write('bench-profiling\n'));
}
function stopProfile(file) {
  profiler.post('Profiler.stop', (error, result) => {
    if (error) process.stderr.write(`bench-profile failed: ${error}\n`);
    else {
      writeFileSync(file, JSON.stringify(result.profile));
      process.stderr.write(`bench-profile ${file}\n`);
    }
    profiler.disconnect();
  });
}

if (process.env.BENCH_STAGE) require('./bench-stages.cjs');
