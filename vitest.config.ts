import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      // Fast tests of one package each, against its source.
      { test: { name: 'unit', include: ['shared/*/test/**/*.test.ts'] } },
      // The real apps as child processes, exporting over OTLP/gRPC to a real receiver.
      { test: { name: 'e2e', include: ['test/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 } },
      // The demo's processes and the trace UI in a real Chromium: `npm run test:browser`.
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 120_000 } },
    ],
  },
});
