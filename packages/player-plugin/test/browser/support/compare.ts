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

/**
 * Compares a recorded canonical list with the truth, boundary by boundary.
 *
 * `fillGapsUnderMs`: a gap shorter than this inside the recorded list (a section split where
 * the truth has none — e.g. the playhead stood still long enough to look like a jump) is closed
 * before comparing and counted as an error of its own length, so a 1 ms split costs 1 ms, not
 * a failed match. Larger gaps stay and fail the section count.
 */
export function compareBoundaries(
  recordedRaw: Section[],
  runs: ReadonlyArray<readonly [number, number]>,
  fillGapsUnderMs = 0,
): BoundaryReport {
  const truth = truthSections(runs);
  const recorded: Section[] = [];
  const gapErrors: number[] = [];
  for (const [s, e] of recordedRaw) {
    const last = recorded[recorded.length - 1];
    if (last && s - last[1] < fillGapsUnderMs && truth.some(([ts, te]) => ts <= last[1] && te >= s)) {
      gapErrors.push(s - last[1]);
      last[1] = e;
    } else recorded.push([s, e]);
  }
  const errors: number[] = [];
  const n = Math.min(truth.length, recorded.length);
  for (let i = 0; i < n; i++) {
    const t = truth[i] as Section;
    const r = recorded[i] as Section;
    errors.push(Math.abs(r[0] - t[0]), Math.abs(r[1] - t[1]));
  }
  errors.push(...gapErrors);
  return {
    truth,
    recorded: recordedRaw,
    sameCount: truth.length === recorded.length,
    errors,
    maxError: Math.max(0, ...errors),
  };
}
