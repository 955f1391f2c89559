import { describe, expect, it } from 'vitest';
import { clock, duration, percent, raw } from '../src/format.js';

describe('format', () => {
  it('reads durations the way people say them', () => {
    expect(duration(830)).toBe('830 ms');
    expect(duration(12_345)).toBe('12.3 s');
    expect(duration(245_000)).toBe('4 min 05 s');
    expect(duration(3 * 3_600_000 + 12 * 60_000)).toBe('3 h 12 min');
    expect(duration(null)).toBe('—');
  });
  it('formats media positions and ratios', () => {
    expect(clock(65_000)).toBe('1:05');
    expect(clock(3_723_000)).toBe('1:02:03');
    expect(percent(0.6342)).toBe('63.4 %');
    expect(percent(null)).toBe('—');
    expect(raw(Number.NaN)).toBe('');
    expect(raw(0)).toBe('0');
  });
});
