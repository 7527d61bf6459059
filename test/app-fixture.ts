// startApp for use inside a test: whatever the test does with the app, it is killed (its whole
// process group) when the test ends, however it ends: passed, failed or timed out.
import type { AppName } from '@repo/app-catalogue';
import { startApp, type AppProcess, type StartAppOptions } from '@repo/app-process';
import { onTestFinished } from 'vitest';

export async function startAppForTest(name: AppName, options: StartAppOptions = {}): Promise<AppProcess> {
  const app = await startApp(name, options);
  onTestFinished(async () => {
    await app.stop('SIGKILL');
  });
  return app;
}
