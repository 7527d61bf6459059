// How the project's commands refuse what they cannot use: one line, `<command>: <why>`, then exit
// (2 for a command line, 1 for a setting), never a stack trace.
import { EXPRESS_MAJORS, type ExpressMajor, type ModuleFormat } from '@repo/app-catalogue';
import { readOtelSettings, withSharedEnv } from '@repo/telemetry/settings';

/** `read()`'s value, or its error's message in one line and the process gone with `code`. */
export function orExit<T>(command: string, code: 1 | 2, read: () => T): T {
  try {
    return read();
  } catch (error) {
    console.error(`${command}: ${(error as Error).message}`);
    process.exit(code);
  }
}

/** `--express 4|5`: the Express major to start the apps on; Express 4 runs their CommonJS builds only. */
export function expressMajor(value: string, format: ModuleFormat = 'cjs'): ExpressMajor {
  const major = EXPRESS_MAJORS.find((candidate) => String(candidate) === value);
  if (major === undefined) throw new Error(`--express "${value}" is not one of ${EXPRESS_MAJORS.join(', ')}`);
  if (major === 4 && format === 'esm') throw new Error('--express 4 runs the CommonJS builds, not --esm');
  return major;
}

/** The settings the apps will read, checked before a command starts them, as each app checks them. */
export function checkAppSettings(command: string, env: Record<string, string | undefined>): void {
  orExit(command, 1, () => {
    try {
      readOtelSettings(withSharedEnv(env));
    } catch (error) {
      throw new Error(`cannot start: ${(error as Error).message}`);
    }
  });
}
