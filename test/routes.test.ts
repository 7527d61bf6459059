// The one intended repeat in this project: each app carries its own copy of the routes, so that
// it reads alone like the original's three scripts. This keeps the copies from drifting apart.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const appsDir = path.join(import.meta.dirname, '..', 'apps');
const source = (app: string, file: string) => readFileSync(path.join(appsDir, app, 'src', file), 'utf8');

/** The manual app.ts without the lines that use its server-span module (the approach itself). */
function withoutManualTelemetry(text: string): string {
  const imported = /import \{([^}]+)\} from '\.\/server-span\.js';/.exec(text)?.[1].split(',').map((name) => name.trim()) ?? [];
  expect(imported.length, 'the manual app.ts imports its middlewares from ./server-span').toBeGreaterThan(0);
  return text
    .split('\n')
    .filter((line) => !line.includes("from './server-span.js'") && !imported.some((name) => line.includes(name)))
    .join('\n');
}

describe('the routes in createApp()', () => {
  it('are byte for byte the same in the automatic and programmatic apps', () => {
    expect(source('programmatic', 'app.ts')).toBe(source('automatic', 'app.ts'));
  });

  it('differ in the manual app only by the lines that use its telemetry', () => {
    expect(withoutManualTelemetry(source('manual', 'app.ts'))).toBe(source('automatic', 'app.ts'));
  });

  it('would be caught drifting: a changed route in the manual copy shows', () => {
    const drifted = source('manual', 'app.ts').replace("res.send('served')", "res.send('served!')");
    expect(withoutManualTelemetry(drifted)).not.toBe(source('automatic', 'app.ts'));
  });
});

describe('the automatic app', () => {
  it('has no OpenTelemetry import in its source: it is configured only by OTEL_* variables', () => {
    const files = readdirSync(path.join(appsDir, 'automatic', 'src'));
    for (const file of files) expect(source('automatic', file), file).not.toMatch(/opentelemetry|telemetry-config/);
  });
});
