/**
 * After the server answers with its merged list, the unsent sections it now holds whole are
 * done; a section it holds only in part stays unsent (re-sending is harmless: union is
 * idempotent). Both lists are canonical, so one linear pass decides.
 */
import type { Section } from '@watchtime/core';

/** The sections of `unsent` not wholly inside one section of `stored` (both canonical). */
export function notCoveredBy(unsent: readonly Section[], stored: readonly Section[]): Section[] {
  const out: Section[] = [];
  let j = 0;
  for (const s of unsent) {
    // Skip stored sections that end before this one starts; stored is sorted by start and end.
    while (j < stored.length && (stored[j] as Section)[1] < s[1]) j++;
    const c = stored[j];
    if (!(c && c[0] <= s[0] && c[1] >= s[1])) out.push([s[0], s[1]]);
  }
  return out;
}
