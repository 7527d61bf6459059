// test/module-graph.ts, which test/catalogue.test.ts uses to tell an app with OpenTelemetry code
// from one without: each form of import found, and the graph followed past the app's own files.
import { repoRoot } from '@repo/app-process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPUTED, externalImports, runtimeImports } from './module-graph.ts';

describe('what a module loads at run time', () => {
  it.each([
    "import { trace } from '@opentelemetry/api';",
    "import '@opentelemetry/api';",
    "export { trace } from '@opentelemetry/api';",
    "export * from '@opentelemetry/api';",
    "import api = require('@opentelemetry/api');",
    "const api = require('@opentelemetry/api');",
    "void import('@opentelemetry/api');",
    "createRequire(__filename)('@opentelemetry/api');",
    "module.require('@opentelemetry/api');",
    // As a CommonJS build calls it.
    "(0, node_module_1.createRequire)(__filename)('@opentelemetry/api');",
  ])('%s: loads @opentelemetry/api', (source) => {
    expect(runtimeImports('a.ts', source)).toEqual(['@opentelemetry/api']);
  });

  it('an import type or export type loads nothing (it compiles to nothing); a require() of a name it cannot read is named as such', () => {
    expect(runtimeImports('a.ts', "import type { Span } from '@opentelemetry/api';\nexport type { Tracer } from '@opentelemetry/api';")).toEqual([]);
    expect(runtimeImports('a.ts', "const name = '@opentelemetry/api';\nrequire(name);")).toEqual([COMPUTED]);
  });

  it("follows relative files and @repo/ packages: the automatic app's main.ts reaches pino through ./app.js and ./logger.js, and express/package.json through @repo/server-lifecycle", () => {
    const external = externalImports([path.join(repoRoot, 'apps/automatic/src/main.ts')]);
    expect([...external].sort()).toEqual(['express', 'express/package.json', 'pino']);
  });
});
