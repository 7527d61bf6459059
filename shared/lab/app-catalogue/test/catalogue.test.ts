import { describe, expect, it } from 'vitest';
import { readTraceUiPort, startScript } from '../src/index.ts';

describe('readTraceUiPort', () => {
  it('reads TRACE_UI_PORT, 16686 without it, and names the variable in an error', () => {
    expect(readTraceUiPort({})).toBe(16686);
    expect(readTraceUiPort({ TRACE_UI_PORT: '9000' })).toBe(9000);
    expect(() => readTraceUiPort({ TRACE_UI_PORT: 'ui' })).toThrow('TRACE_UI_PORT="ui" is not a port number (0-65535)');
  });
});

describe('startScript', () => {
  it('names the package script for each build and variant', () => {
    expect([startScript('cjs'), startScript('esm'), startScript('cjs', 'untraced'), startScript('esm', 'untraced'), startScript('esm', 'without-loader-hook')])
      .toEqual(['start', 'start:esm', 'start:untraced', 'start:untraced:esm', 'start:esm:without-loader-hook']);
  });
});
