// Optional, preloaded before the SDK (`node --require @repo/telemetry/check-settings …`): a
// setting the SDK would warn about and fall back from stops the app before it starts, in one line
// naming it, exit 1. Without this file the app starts and the SDK falls back (or sends nowhere).
import { checkOtelSettings, SettingsError } from './settings';

try {
  checkOtelSettings(process.env);
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(`cannot start: ${error.message}`);
  process.exit(1);
}
