// Each app's start scripts before its build is there, and its build before the packages it needs
// are: one line naming the command to run from the repository root, exit 1, rather than Node's
// stack trace or tsc's. Run on a copy of the app's folder, so that the real builds stay in place.
import { APP_NAMES } from '@repo/app-catalogue';
import { repoRoot } from '@repo/app-process';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

interface Copy {
  /** npm ci has run: node_modules holds express and the @repo/ packages' folders. */
  installed: boolean;
  /** The @repo/ packages the app imports have been built. */
  packagesBuilt: boolean;
  /** The app's own builds that are there. */
  builds: ('cjs' | 'esm')[];
}

/** A copy of the repository as far as the app's scripts see it, in the state `copy` describes. */
function copyOf(app: string, { installed, packagesBuilt, builds }: Copy): { root: string; dir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'start-scripts-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'scripts'));
  copyFileSync(path.join(repoRoot, 'scripts/app-build.sh'), path.join(root, 'scripts/app-build.sh'));
  const dir = path.join(root, 'apps', app);
  mkdirSync(dir, { recursive: true });
  const manifest = readFileSync(path.join(repoRoot, 'apps', app, 'package.json'), 'utf8');
  writeFileSync(path.join(dir, 'package.json'), manifest);
  if (installed) {
    mkdirSync(path.join(root, 'node_modules/express'), { recursive: true });
    for (const dep of Object.keys(JSON.parse(manifest).dependencies).filter((name) => name.startsWith('@repo/'))) {
      mkdirSync(path.join(root, 'node_modules', dep, 'dist'), { recursive: true });
      if (packagesBuilt) writeFileSync(path.join(root, 'node_modules', dep, 'dist/index.js'), '');
    }
  }
  for (const build of builds) {
    mkdirSync(path.join(dir, 'dist', build), { recursive: true });
    writeFileSync(path.join(dir, 'dist', build, 'main.js'), '');
  }
  return { root, dir };
}

const run = (dir: string, script: string) => spawnSync('npm', ['run', script, '--silent'], { cwd: dir, encoding: 'utf8' });

describe.each(APP_NAMES)('the %s app', (app) => {
  it.each([
    ['npm start on a fresh clone, before npm ci', 'start', { installed: false, packagesBuilt: false, builds: [] }, 'nothing is installed', 'npm ci'],
    ['npm start after npm ci, before any build', 'start', { installed: true, packagesBuilt: false, builds: [] }, 'no CommonJS build (dist/cjs/main.js is missing)', 'npm run build'],
    ['npm run start:esm with only the CommonJS build', 'start:esm', { installed: true, packagesBuilt: true, builds: ['cjs'] }, 'no ES module build (dist/esm/main.js is missing)', 'npm run build'],
    ['npm run build in the app\'s folder, before the packages it imports are built', 'build', { installed: true, packagesBuilt: false, builds: [] }, 'not built', 'npm run build'],
    ['npm start with the app built but not the packages it imports', 'start', { installed: true, packagesBuilt: false, builds: ['cjs'] }, 'not built', 'npm run build'],
  ] satisfies [string, string, Copy, string, string][])('%s: one line naming the command to run at the root, exit 1', (_what, script, state, problem, command) => {
    const { root, dir } = copyOf(app, state);
    const result = run(dir, script);
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toContain(`apps/${app}: `);
    expect(result.stderr).toContain(problem);
    expect(result.stderr.trim().endsWith(`from the repository root (${root}) run: ${command}`)).toBe(true);
  });
});
