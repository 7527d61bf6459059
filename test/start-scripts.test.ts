// Each app's start scripts before its build is there: one line saying what to run, exit 1, rather
// than Node's stack trace for a missing file. Run on a copy of the app's package.json, so that the
// real builds, which other tests use, stay in place.
import { APP_NAMES } from '@repo/app-catalogue';
import { repoRoot } from '@repo/app-process';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

/** A copy of the app's folder as a fresh clone has it: package.json, and the `builds` given. */
function unbuiltCopy(app: string, builds: string[]): string {
  const root = mkdtempSync(path.join(tmpdir(), 'start-scripts-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'scripts'));
  copyFileSync(path.join(repoRoot, 'scripts/check-build.sh'), path.join(root, 'scripts/check-build.sh'));
  const dir = path.join(root, 'apps', app);
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(repoRoot, 'apps', app, 'package.json'), path.join(dir, 'package.json'));
  for (const build of builds) {
    mkdirSync(path.join(dir, 'dist', build), { recursive: true });
    writeFileSync(path.join(dir, 'dist', build, 'main.js'), '');
  }
  return dir;
}

const run = (dir: string, script: string) => spawnSync('npm', ['run', script, '--silent'], { cwd: dir, encoding: 'utf8' });

describe.each(APP_NAMES)('the %s app', (app) => {
  it('npm run start:esm with only the CommonJS build: says to run npm run build, exits 1', () => {
    const result = run(unbuiltCopy(app, ['cjs']), 'start:esm');
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 1,
      stderr: `apps/${app}: no ES module build (dist/esm/main.js is missing); run \`npm run build\` first, which builds both formats\n`,
    });
  });

  it('npm start before any build: says to run npm run build, exits 1', () => {
    const result = run(unbuiltCopy(app, []), 'start');
    expect({ status: result.status, stderr: result.stderr }).toEqual({
      status: 1,
      stderr: `apps/${app}: no CommonJS build (dist/cjs/main.js is missing); run \`npm run build\` first, which builds both formats\n`,
    });
  });
});
