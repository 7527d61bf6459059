// What the README's "Add it to your service" tells a user to do, read from the README itself:
// each approach's lines (CommonJS, then what an ES module build adds), and the manual approach's
// edits to createApp(). The copy tests run exactly these; a line they cannot run fails them.
import { APP_NAMES, type AppName } from '@repo/app-catalogue';
import { repoRoot } from '@repo/app-process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One module format's lines: packages to install, files to copy, the start command. */
export interface CopySteps {
  packages: string[];
  /** Where each file comes from, from the repository root: `cat` joins several into one. */
  files: { to: string; from: string[] }[];
  /** The start command's arguments after `node`. */
  nodeArgs: string[];
}

/** An approach's lines: the CommonJS ones, and those an ES module build runs after them (its own start). */
export interface CopyRecipe {
  cjs: CopySteps;
  esm: CopySteps;
  /** The prose before the lines, whitespace collapsed: what to edit by hand. */
  prose: string;
}

/** The comment line that starts an approach's ES module lines. */
const ES_MODULES = /^# ES modules\b/;

/** Each approach's lines: the bold line before each block names the app. */
export function readRecipes(readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')): Record<AppName, CopyRecipe> {
  const section = readme.split('\n## Add it to your service\n')[1]?.split('\n## ')[0] ?? '';
  const recipes: Partial<Record<AppName, CopyRecipe>> = {};
  for (const [, heading, prose, block] of section.matchAll(/\*\*(\w+)\*\*([^\n]*\n(?:[^\n]*\n)*?)```sh\n([\s\S]*?)```/g)) {
    const app = APP_NAMES.find((name) => heading!.toLowerCase() === name);
    if (!app) continue;
    const recipe: CopyRecipe = { cjs: { packages: [], files: [], nodeArgs: [] }, esm: { packages: [], files: [], nodeArgs: [] }, prose: prose!.replace(/\s+/g, ' ').trim() };
    let steps = recipe.cjs;
    for (const line of block!.trim().split('\n')) {
      const words = line.trim().split(/\s+/);
      const into = (target: string) => target.replace(/^your-service\/?/, '');
      if (ES_MODULES.test(line)) steps = recipe.esm;
      else if (words[0] === 'npm' && words[1] === 'install') steps.packages.push(...words.slice(2));
      else if (words[0] === 'cat' && words.at(-2) === '>') steps.files.push({ to: into(words.at(-1)!), from: words.slice(1, -2) });
      else if (words[0] === 'cp') steps.files.push(...words.slice(1, -1).map((from) => ({ to: `${into(words.at(-1)!)}${path.basename(from)}`, from: [from] })));
      else if (words[0] === 'node') steps.nodeArgs = words.slice(1);
      else throw new Error(`README, ${app}: a line the copy tests cannot run: ${line}`);
    }
    if (!recipe.esm.nodeArgs.length) throw new Error(`README, ${app}: no "# ES modules" start line`);
    recipes[app] = recipe;
  }
  const missing = APP_NAMES.filter((app) => !recipes[app]);
  if (missing.length) throw new Error(`README's "Add it to your service": no lines for ${missing.join(', ')}`);
  return recipes as Record<AppName, CopyRecipe>;
}

/** A statement the README says to add to createApp(), and where. */
export interface AppEdit {
  statement: string;
  where: 'before the routes' | 'after the routes' | 'before the error handler';
}

// The README's words for each place, as it writes them.
const PLACES: Record<string, AppEdit['where']> = {
  'before the routes': 'before the routes',
  'after them': 'after the routes',
  'after the routes': 'after the routes',
  'before your error handler': 'before the error handler',
};

/** The `app.use(…)` statements an approach's prose says to add, each with its place; an unknown place fails. */
export function appEdits(recipe: CopyRecipe): AppEdit[] {
  return [...recipe.prose.matchAll(/`(app\.use\(\w+\))` ([a-z ]+?)(?=,| and |\(|$)/g)].map(([, statement, words]) => {
    const where = PLACES[words!.trim()];
    if (!where) throw new Error(`README: "${statement} ${words}": a place in createApp() the copy tests do not know`);
    return { statement: `${statement!};`, where };
  });
}
