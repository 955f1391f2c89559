/**
 * The one converter between PostgreSQL `int8multirange` text and wire pairs.
 * PostgreSQL prints int8 ranges canonically as `[lo,hi)` and folds adjacent ones, so its
 * text is already the canonical wire form of SPEC §2.
 */
import type { Section } from '@watchtime/core';

/** `[[0,5000],[7000,9000]]` → `{[0,5000),[7000,9000)}`. Pairs must be valid sections. */
export function toMultirange(sections: ReadonlyArray<readonly [number, number]>): string {
  return `{${sections.map(([s, e]) => `[${s},${e})`).join(',')}}`;
}

const RANGE = /[[(](-?\d*),(-?\d*)[\])]/g;

/** `{[0,5000),[7000,9000)}` → `[[0,5000],[7000,9000]]`. */
export function fromMultirange(text: string | null | undefined): Section[] {
  if (!text || text === '{}') return [];
  const out: Section[] = [];
  for (const m of text.matchAll(RANGE)) {
    const open = m[0][0];
    const close = m[0][m[0].length - 1];
    // int8 ranges are always printed `[lo,hi)`; the adjustments only guard against other forms.
    const lo = Number(m[1]) + (open === '(' ? 1 : 0);
    const hi = Number(m[2]) + (close === ']' ? 1 : 0);
    if (m[1] === '' || m[2] === '') throw new Error(`unbounded range in ${text}`);
    out.push([lo, hi]);
  }
  return out;
}
