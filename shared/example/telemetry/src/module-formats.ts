// A dual package's exports as require() loads them and as import loads them: two copies, each with
// its own classes. A CommonJS app uses the first, an ES module app (or the register hook's ES module
// SDK) the second, so a preload that changes a class changes both. Node 22.12+ loads the ES module
// copy synchronously with require(), the same copy a later import gets.
import { existsSync } from 'node:fs';

export function bothModuleFormats<T>(pkg: string): T[] {
  const commonJs = require.resolve(pkg);
  const esModule = commonJs.replace(/\.cjs$/, '.mjs');
  return [require(commonJs) as T, ...(esModule !== commonJs && existsSync(esModule) ? [require(esModule) as T] : [])];
}
