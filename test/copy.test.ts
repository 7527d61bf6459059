// What a user copies, read from the README's "Add it to your service" (test/readme-recipes.ts):
// its packages are the ones this repository runs, at the same versions, and its files stand alone
// and stay small. test/user-service.test.ts (`npm run test:services`) runs the same lines for real
// in a copy of a user's service and checks what each copy exports.
import { APP_NAMES, type Approach, APPS } from '@repo/app-catalogue';
import { repoRoot } from '@repo/app-process';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appEdits, readRecipes } from './readme-recipes.ts';

// The goals for what a user copies, in lines of configuration and code (comments and blank lines
// left out): configuration only, one file, or the approach written by hand.
const SIZE_GOALS: Record<Approach, number> = { 'configuration only': 25, 'instrumentations in code': 60, 'by hand': 250 };
const RECIPES = readRecipes();

/** Lines of code or configuration: not blank, not a comment. */
const codeLines = (text: string) => text.split('\n').filter((line) => line.trim() && !/^\s*(#|\/\/|\*|\/\*)/.test(line)).length;

describe.each(APP_NAMES)('the %s approach, as the README\'s lines copy it', (name) => {
  const { cjs, esm } = RECIPES[name];

  it('lists packages at the versions this repository pins, for CommonJS and ES modules, and copies no @repo/ import', () => {
    const { dependencies } = JSON.parse(readFileSync(path.join(repoRoot, APPS[name].directory, 'package.json'), 'utf8'));
    for (const spec of [...cjs.packages, ...esm.packages]) {
      const [, pkg, version] = /^(.+)@(.+)$/.exec(spec)!;
      expect(dependencies[pkg!], spec).toBe(version);
    }
    for (const { from } of [...cjs.files, ...esm.files]) for (const file of from) expect(readFileSync(path.join(repoRoot, file), 'utf8'), file).not.toContain('@repo/');
  });

  it(`is small: at most ${SIZE_GOALS[APPS[name].approach]} lines of configuration and code for CommonJS, comments left out`, () => {
    const startLine = 1;
    const lines = cjs.files.flatMap(({ from }) => from).reduce((n, file) => n + codeLines(readFileSync(path.join(repoRoot, file), 'utf8')), startLine);
    expect(lines).toBeLessThanOrEqual(SIZE_GOALS[APPS[name].approach]);
  });

  // The user's service (npm run test:services) builds with tsc --init's current settings (ES2023+
  // library); a service set up by an older tsc --init has ES2016's, and no Array.at() or findLast().
  it('its TypeScript files type-check under an older tsc --init\'s settings too: CommonJS, ES2016, strict, esModuleInterop', () => {
    const files = cjs.files.flatMap(({ to, from }) => (to.endsWith('.ts') ? from : []));
    if (APPS[name].approach === 'configuration only') return expect(files).toEqual([]);
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '--noEmit', '--target', 'es2016', '--module', 'commonjs',
      '--strict', '--esModuleInterop', '--skipLibCheck', '--types', 'node', ...files], { cwd: repoRoot, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(files.length).toBeGreaterThan(0);
  });

  it('starts an ES module build with --import where CommonJS has --require, and nothing else changed but the loader hook', () => {
    const withoutHook = esm.nodeArgs.join(' ').replace('--import ./register-loader-hook.mjs ', '');
    expect(withoutHook).toBe(cjs.nodeArgs.join(' ').replaceAll('--require', '--import'));
    expect(esm.files.map(({ to }) => to)).toEqual(esm.nodeArgs.includes('./register-loader-hook.mjs') ? ['register-loader-hook.mjs'] : []);
  });
});

describe('the README\'s lines, read as the copy tests read them', () => {
  it('the manual approach: three middlewares at the three places in createApp(), its logger from logger.ts', () => {
    expect(appEdits(RECIPES.manual)).toEqual([
      { statement: 'app.use(traceRequests);', where: 'before the routes' },
      { statement: 'app.use(forgetUnansweredRoute);', where: 'after the routes' },
      { statement: 'app.use(recordError);', where: 'before the error handler' },
    ]);
    expect(RECIPES.manual.cjs.files.map(({ to }) => to)).toContain('src/logger.ts');
  });

  it('a line the tests cannot run, a place they do not know, or no ES module start line: each fails naming it', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(() => readRecipes(readme.replace('cat shared/example/telemetry/otel.env apps/automatic/otel.env', 'curl https://example.com/otel.env'))).toThrow(/automatic: a line the copy tests cannot run: curl/);
    expect(() => appEdits(readRecipes(readme.replace('before your error handler', 'somewhere near the end')).manual)).toThrow(/somewhere near the end/);
    expect(() => readRecipes(readme.replace('# ES modules\nnode', 'node'))).toThrow(/manual: no "# ES modules" start line/);
  });
});
