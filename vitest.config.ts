import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Fails the run if any process a test started is still there at the end.
    globalSetup: ['test/leftover-processes.ts'],
    projects: [
      // Fast tests of one package each, against its source.
      { test: { name: 'unit', include: ['shared/*/*/test/**/*.test.ts'] } },
      // The real apps as child processes, exporting over OTLP/gRPC to a real receiver.
      { test: { name: 'e2e', include: ['test/*.test.ts'], exclude: ['test/bench*.test.ts', 'test/reliability.test.ts', 'test/user-service.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      // Collectors that are missing, go away or never answer, floods and signals under load, in
      // each app (`npm run test:reliability`): a minute of its own, so that npm test stays short.
      { test: { name: 'reliability', include: ['test/reliability.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      // A user's service with each approach added as the README says, installed from the registry,
      // built by tsc, on both majors and both module formats (`npm run test:services`): about a minute
      // here with npm's cache warm, more where npm fetches from the registry.
      { test: { name: 'services', include: ['test/user-service.test.ts'], testTimeout: 60_000, hookTimeout: 600_000 } },
      // Short runs of the benchmark, alone (`npm run test:bench`): that it runs and counts right,
      // never what its figures are.
      { test: { name: 'bench', include: ['test/bench*.test.ts'], testTimeout: 120_000 } },
      // A real OpenTelemetry Collector and telemetrygen, built from their Go modules
      // (scripts/collector/) before the tests: `npm run test:collector`. A first build takes minutes.
      { test: { name: 'collector', include: ['test/collector/**/*.test.ts'], globalSetup: ['test/collector/go-tools.ts'], testTimeout: 60_000, hookTimeout: 180_000 } },
      // The demo's processes and the trace UI in a real Chromium: `npm run test:browser`. In a
      // random order, which proves them independent; in file order when taking the screenshots.
      {
        test: {
          name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000,
          sequence: { shuffle: !process.env.UPDATE_SCREENSHOTS },
        },
      },
    ],
  },
});
