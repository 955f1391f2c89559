import type { Section } from '@watchtime/core';

/** SPEC §8: at most 10 000 sections per payload. */
export const MAX_SECTIONS_PER_PAYLOAD = 10_000;

/** Splits a canonical list into payload-sized runs (each still canonical). */
export function chunkSections(sections: readonly Section[], size = MAX_SECTIONS_PER_PAYLOAD): Section[][] {
  if (!(size >= 1)) throw new RangeError(`chunk size must be at least 1, got ${size}`);
  if (sections.length === 0) return [];
  const out: Section[][] = [];
  for (let i = 0; i < sections.length; i += size) out.push(sections.slice(i, i + size));
  return out;
}
