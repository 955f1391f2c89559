/**
 * The xAPI Video Profile's `played-segments` form: "0.000[.]5.000[,]10.000[.]15.000", seconds
 * with exactly three decimals so integer ms round-trip exactly (SPEC §8).
 */
import { mergeSections, type Section, SectionError } from '../sections/interval-set.js';

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function toPlayedSegments(sections: readonly Section[]): string {
  return sections.map(([s, e]) => `${seconds(s)}[.]${seconds(e)}`).join('[,]');
}

const NUMBER = /^\d+(\.\d{1,3})?$/;

/** Parses and merges; throws SectionError naming the segment and the fault. */
export function parsePlayedSegments(text: string): Section[] {
  if (text.trim() === '') return [];
  const pairs: Array<[number, number]> = text.split('[,]').map((part, i) => {
    const ends = part.split('[.]');
    if (ends.length !== 2) throw new SectionError(`segment ${i}: expected "start[.]end", got "${part}"`);
    const [a, b] = ends.map((x) => x.trim()) as [string, string];
    if (!NUMBER.test(a) || !NUMBER.test(b))
      throw new SectionError(`segment ${i}: "${part}" is not two non-negative numbers of seconds (at most 3 decimals)`);
    return [Math.round(Number(a) * 1000), Math.round(Number(b) * 1000)];
  });
  // Players emit zero-length segments (a play immediately paused): they carry nothing.
  return mergeSections(
    pairs.filter(([s, e], i) => {
      if (s > e) throw new SectionError(`segment ${i}: start ${s / 1000} s is after end ${e / 1000} s`);
      return s < e;
    }),
  );
}
