import { describe, expect, it } from 'vitest';
import { nanosToMillis } from '../src/index.ts';

describe('nanosToMillis', () => {
  it('gives a time since 1970 its exact milliseconds, and a duration its fraction of one', () => {
    expect(nanosToMillis(1_767_225_600_010_000_000n)).toBe(1_767_225_600_010);
    expect(nanosToMillis(1_767_225_600_010_500_000n)).toBe(1_767_225_600_010.5);
    expect(nanosToMillis(1_500n)).toBe(0.0015);
    expect(nanosToMillis(2_000_000n)).toBe(2);
  });
});
