// The root's npm commands as a newcomer meets them: npm's own errors shown and its warnings not
// (the project's .npmrc), and, on a fresh clone before `npm ci`, every command naming `npm ci` in
// one line rather than the shell's "turbo: not found". Run on a copy of what those commands read
// before anything is installed (package.json, .npmrc, scripts/*.sh), so that the real install
// stays in place.
import { repoRoot } from '@repo/app-process';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';

const SCRIPTS = Object.keys(JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).scripts as Record<string, string>);
// What npm run finds on PATH here comes from this checkout's node_modules/.bin: a fresh clone has none.
const PATH_WITHOUT_INSTALL = process.env.PATH!.split(':').filter((dir) => !dir.includes('node_modules')).join(':');

let clone: string;
beforeAll(() => {
  clone = mkdtempSync(path.join(tmpdir(), 'fresh-clone-'));
  mkdirSync(path.join(clone, 'scripts'));
  for (const file of ['package.json', '.npmrc']) copyFileSync(path.join(repoRoot, file), path.join(clone, file));
  for (const file of readdirSync(path.join(repoRoot, 'scripts')).filter((name) => name.endsWith('.sh'))) {
    copyFileSync(path.join(repoRoot, 'scripts', file), path.join(clone, 'scripts', file));
  }
  return () => rmSync(clone, { recursive: true, force: true });
});

// Without the npm_config_* variables npm passes its scripts (as under `npm test`): the folder's own .npmrc decides.
const npmEnv = { ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name))), PATH: PATH_WITHOUT_INSTALL };
const npm = (cwd: string, args: string[]) => spawnSync('npm', args, { cwd, encoding: 'utf8', env: npmEnv, timeout: 30_000 });

describe('on a fresh clone, before npm ci', () => {
  // `screenshots` runs `npm run test:browser`, which says it.
  it.each(SCRIPTS.filter((script) => script !== 'screenshots'))('npm run %s: one line naming npm ci, exit 1', (script) => {
    const run = npm(clone, ['run', script]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`${script}: nothing is installed here (no node_modules/.bin/turbo): run npm ci first\n`);
  });
});

describe("the project's .npmrc (loglevel=error): npm's errors shown, its warnings not", () => {
  it('npm run demoo --unknown-flag=1: npm names the missing script, and says nothing of the flag it does not know, which it warns of without the .npmrc', () => {
    const run = npm(clone, ['run', 'demoo', '--unknown-flag=1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('npm error Missing script: "demoo"');
    expect(run.stderr).not.toContain('npm warn');
    // The same command where no .npmrc is: npm's warning, which the project's .npmrc keeps back.
    const bare = mkdtempSync(path.join(tmpdir(), 'no-npmrc-'));
    try {
      copyFileSync(path.join(repoRoot, 'package.json'), path.join(bare, 'package.json'));
      expect(npm(bare, ['run', 'demoo', '--unknown-flag=1']).stderr).toContain('npm warn Unknown cli config "--unknown-flag"');
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

describe('the build before each command, installed', () => {
  // A turbo of the test's own first on PATH, which only notes that it ran.
  function withFakeTurbo(): { env: NodeJS.ProcessEnv; ran: () => boolean } {
    const bin = mkdtempSync(path.join(tmpdir(), 'fake-turbo-'));
    onTestFinished(() => rmSync(bin, { recursive: true, force: true }));
    writeFileSync(path.join(bin, 'turbo'), `#!/bin/sh\ntouch '${bin}/ran'\n`, { mode: 0o755 });
    return { env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, npm_lifecycle_event: 'demo' }, ran: () => existsSync(path.join(bin, 'ran')) };
  }

  it('answers a command\'s --help without building: turbo does not run, the command does', () => {
    const turbo = withFakeTurbo();
    const run = spawnSync('scripts/build-quietly.sh', [process.execPath, 'scripts/demo.ts', '--help'], { cwd: repoRoot, encoding: 'utf8', env: turbo.env });
    expect([run.status, run.stderr, turbo.ran()]).toEqual([0, '', false]);
    expect(run.stdout).toMatch(/^npm run demo -- /);
  });

  it('(the negative control: without --help, or with it after --, it builds first)', () => {
    for (const args of [['-e', ''], ['-e', '', '--', '--help']]) {
      const turbo = withFakeTurbo();
      const run = spawnSync('scripts/build-quietly.sh', [process.execPath, ...args], { cwd: repoRoot, encoding: 'utf8', env: turbo.env });
      expect(turbo.ran(), args.join(' ')).toBe(true);
      expect(run.stdout).toMatch(/^demo: building the workspace first/);
    }
  });

  it('says what it does in a line while it builds, quiet otherwise', () => {
    const run = spawnSync('scripts/build-quietly.sh', [], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, npm_lifecycle_event: 'demo' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('demo: building the workspace first (turbo run build; its log only if it fails)\n');
    expect(run.stderr).toBe('');
  });
});
