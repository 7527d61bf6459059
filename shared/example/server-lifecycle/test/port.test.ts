import { describe, expect, it } from 'vitest';
import { readPort } from '../src/index.ts';

describe('readPort', () => {
  it('uses the default when PORT is unset or empty', () => {
    expect(readPort(8081, {})).toBe(8081);
    expect(readPort(8081, { PORT: '' })).toBe(8081);
  });

  it('takes PORT, 0 included (any free port)', () => {
    expect(readPort(8081, { PORT: '9000' })).toBe(9000);
    expect(readPort(8081, { PORT: '0' })).toBe(0);
  });

  it.each(['http', '80.5', '-1', '70000'])('rejects PORT=%s with a message naming it', (value) => {
    expect(() => readPort(8081, { PORT: value })).toThrow(`PORT="${value}" is not a port number (0-65535)`);
  });
});
