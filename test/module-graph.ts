// What a set of modules loads when it runs, found in their code by the TypeScript parser rather than
// by a text search: every form of import, and through the relative files and the workspace's
// @repo/ packages they load, to the packages from outside (express, @opentelemetry/…) they reach.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/** A require() or import() of something other than a string: what it loads cannot be read. */
export const COMPUTED = '<computed>';

/**
 * The specifiers `source` loads at run time: `import … from`, a bare `import '…'`, `export … from`,
 * `import x = require()`, `require()`, `createRequire(…)()`, `module.require()` and `import()`.
 * Left out: `import type` and `export type`, which compile to nothing.
 */
export function runtimeImports(fileName: string, source: string): string[] {
  const found: string[] = [];
  const specifier = (node: ts.Node | undefined) => found.push(node && ts.isStringLiteralLike(node) ? node.text : COMPUTED);
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) specifier(node.moduleSpecifier);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) specifier(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) specifier(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && loads(node.expression)) specifier(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false));
  return found;
}

/** `import(…)`, `require(…)`, `module.require(…)`, `createRequire(…)(…)`, also as CommonJS builds call them (`(0, node_module_1.createRequire)(…)`). */
function loads(callee: ts.Expression): boolean {
  if (callee.kind === ts.SyntaxKind.ImportKeyword) return true;
  return nameOf(callee) === 'require' || (ts.isCallExpression(callee) && nameOf(callee.expression) === 'createRequire');
}

/** `f`, `a.f` and `(0, a.f)` all call f. */
function nameOf(expression: ts.Expression): string | undefined {
  if (ts.isParenthesizedExpression(expression)) return nameOf(expression.expression);
  if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.CommaToken) return nameOf(expression.right);
  if (ts.isIdentifier(expression)) return expression.text;
  return ts.isPropertyAccessExpression(expression) ? expression.name.text : undefined;
}

/**
 * The packages from outside the workspace that `entries` (files) load, directly or through the
 * files and @repo/ packages they load (each @repo/ package as Node resolves it: its built files),
 * and COMPUTED if any of them loads what cannot be read.
 */
export function externalImports(entries: string[]): Set<string> {
  const external = new Set<string>();
  const seen = new Set<string>();
  const follow = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of runtimeImports(file, readFileSync(file, 'utf8'))) {
      if (imported.startsWith('.')) follow(sourceOf(path.resolve(path.dirname(file), imported)));
      else if (imported.startsWith('@repo/')) follow(createRequire(file).resolve(imported));
      else if (!imported.startsWith('node:') && !builtinModules.includes(imported)) external.add(imported);
    }
  };
  entries.forEach(follow);
  return external;
}

/** A relative import as written in a TypeScript source (`./app.js`) names the `.ts` file beside it. */
function sourceOf(file: string): string {
  const typescript = file.replace(/\.js$/, '.ts');
  return existsSync(typescript) ? typescript : file;
}
