// Optional, preloaded before the SDK (`node --require @repo/telemetry/express-resource …`): adds
// which Express serves the app (webengine.name, webengine.version) to OTEL_RESOURCE_ATTRIBUTES,
// after the caller's own, where the SDK's env detector reads it. The version is that of the Express
// the main module resolves: how this project shows one build running on Express 4 and on 5.
import { createRequire } from 'node:module';

// Incubating in the semantic conventions, so written here rather than imported, as the
// semantic-conventions package advises for incubating names.
const ATTR_WEBENGINE_NAME = 'webengine.name';
const ATTR_WEBENGINE_VERSION = 'webengine.version';

try {
  const { version } = createRequire(process.argv[1])('express/package.json') as { version: string };
  const engine = `${ATTR_WEBENGINE_NAME}=express,${ATTR_WEBENGINE_VERSION}=${version}`;
  process.env.OTEL_RESOURCE_ATTRIBUTES = [process.env.OTEL_RESOURCE_ATTRIBUTES, engine].filter(Boolean).join(',');
} catch {
  // No Express beside the main module: nothing to add.
}
