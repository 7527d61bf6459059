// The tools that start the apps (demo, compare, bench) check the settings the apps will read
// before starting anything: an unusable one is one line naming it and exit 1, as in each app.
import { readTelemetryConfig } from '@repo/telemetry';

export function exitOnUnusableAppSettings(tool: string, env: Record<string, string | undefined>): void {
  try {
    readTelemetryConfig({ serviceName: tool }, env);
  } catch (error) {
    console.error(`${tool}: cannot start: ${(error as Error).message}`);
    process.exit(1);
  }
}
