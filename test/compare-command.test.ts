// `npm run compare` (scripts/compare.ts) as a user runs it: one request to each app, side by side.
import { APP_NAMES, appsTracing, explainUntraced } from '@repo/app-catalogue';
import { startTool } from '@repo/app-process';
import { describe, expect, it, onTestFinished } from 'vitest';

describe('npm run compare', () => {
  it('-- /health: an app that leaves it untraced is shown "(not traced)", with the reason the catalogue gives', async () => {
    const untraced = APP_NAMES.filter((app) => !appsTracing('/health').includes(app));
    expect(untraced.length, 'the catalogue names an app that leaves /health untraced').toBeGreaterThan(0);
    const compare = startTool('compare.ts', ['/health'], { FORCE_COLOR: '0' });
    onTestFinished(async () => {
      await compare.stop('SIGKILL');
    });
    expect(await compare.exited, compare.output()).toBe(0);
    const output = compare.output().replace(/\n(?! *\n)/g, ' ').replace(/ +/g, ' ');
    for (const app of untraced) expect(output).toContain(`${app}, not traced: ${explainUntraced(app, '/health')}`);
  });
});
