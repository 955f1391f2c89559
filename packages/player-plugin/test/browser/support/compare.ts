import { mergeSections, type Section } from '@watchtime/core';

/** The script's ground truth as a canonical list (integer ms). */
export function truthSections(runs: ReadonlyArray<readonly [number, number]>): Section[] {
  const pairs = runs.map(([s, e]) => [Math.round(s), Math.round(e)] as [number, number]).filter(([s, e]) => e > s);
  return mergeSections(pairs);
}

export interface BoundaryReport {
  truth: Section[];
  recorded: Section[];
  sameCount: boolean;
  /** |recorded − truth| per boundary (start and end of every section), ms. */
  errors: number[];
  maxError: number;
}

/** Compares a recorded canonical list with the truth, boundary by boundary. */
export function compareBoundaries(recorded: Section[], runs: ReadonlyArray<readonly [number, number]>): BoundaryReport {
  const truth = truthSections(runs);
  const errors: number[] = [];
  const n = Math.min(truth.length, recorded.length);
  for (let i = 0; i < n; i++) {
    const t = truth[i] as Section;
    const r = recorded[i] as Section;
    errors.push(Math.abs(r[0] - t[0]), Math.abs(r[1] - t[1]));
  }
  return { truth, recorded, sameCount: truth.length === recorded.length, errors, maxError: Math.max(0, ...errors) };
}
