import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';
import { chunkSections } from './chunks.js';

describe('backoffDelay', () => {
  it('doubles per failure up to the cap, jittered into [half, full)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, r) => {
        const full = Math.min(60_000, 1000 * 2 ** (n - 1));
        const d = backoffDelay(n, { random: () => r });
        expect(d).toBeGreaterThanOrEqual(Math.floor(full / 2));
        expect(d).toBeLessThanOrEqual(full);
      }),
    );
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, { random: () => 0.999999 }))).toEqual([1000, 2000, 4000, 8000]);
  });
});

describe('chunkSections', () => {
  it('splits into runs of at most the size that concatenate to the input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 50 }), (n, size) => {
        const list = Array.from({ length: n }, (_, i) => [i * 3, i * 3 + 1] as [number, number]);
        const chunks = chunkSections(list, size);
        expect(chunks.every((c) => c.length >= 1 && c.length <= size)).toBe(true);
        expect(chunks.flat()).toEqual(list);
      }),
    );
  });
  it('refuses a size below 1 with a clear error', () => {
    expect(() => chunkSections([[0, 1]], 0)).toThrow(/at least 1/);
  });
});
