/**
 * Completion rules (issue 10): "has this learner really watched enough of lesson 7?" is decided
 * from the merged set on the server, never from a client's flag. A rule holds when every part
 * of it holds: coverage at least `minCoverage`, every instant of `requiredRanges` watched, and
 * at least `minPlayedWallMs` of playing time.
 */
import { z } from 'zod';
import { IntervalSet, type Section } from '../sections/interval-set.js';
import { sectionListSchema } from '../sections/wire.js';

export const DEFAULT_MIN_COVERAGE = 0.9;

export const completionRuleSchema = z.strictObject({
  minCoverage: z
    .number({ error: 'minCoverage must be a number' })
    .min(0, 'minCoverage must be between 0 and 1')
    .max(1, 'minCoverage must be between 0 and 1')
    .default(DEFAULT_MIN_COVERAGE),
  requiredRanges: sectionListSchema.optional(),
  minPlayedWallMs: z.number().int().nonnegative('minPlayedWallMs must not be negative').optional(),
});
export type CompletionRule = z.infer<typeof completionRuleSchema>;

export interface CompletionInput {
  sections: readonly Section[];
  durationMs: number;
  playedWallMs?: number;
}

export interface CompletionVerdict {
  completed: boolean;
  coverage: number;
  /** Parts of the required ranges not yet watched (canonical). */
  missing: Section[];
  /** Which conditions fail, for people. */
  unmet: string[];
}

export function evaluateCompletion(rule: Partial<CompletionRule>, input: CompletionInput): CompletionVerdict {
  const set = IntervalSet.fromCanonical(input.sections);
  const coverage = set.coverage(input.durationMs);
  const minCoverage = rule.minCoverage ?? DEFAULT_MIN_COVERAGE;
  const unmet: string[] = [];
  // Compare in integer ms so 0.9 × duration is not lost to floating point.
  const watched = set.clamp(0, input.durationMs).totalMs;
  if (watched < Math.ceil(minCoverage * input.durationMs - 1e-9))
    unmet.push(`coverage ${(coverage * 100).toFixed(1)} % is below ${(minCoverage * 100).toFixed(1)} %`);
  const missing: Section[] = [];
  if (rule.requiredRanges && rule.requiredRanges.length > 0) {
    const required = new IntervalSet(rule.requiredRanges).clamp(0, input.durationMs);
    for (const [s, e] of required.toJSON()) {
      for (const [gs, ge] of set.clamp(s, e).gaps(e)) if (ge > s) missing.push([Math.max(gs, s), ge]);
    }
    if (missing.length > 0) unmet.push(`${missing.length} required part(s) not watched`);
  }
  if (rule.minPlayedWallMs !== undefined && (input.playedWallMs ?? 0) < rule.minPlayedWallMs)
    unmet.push(`played ${input.playedWallMs ?? 0} ms, less than ${rule.minPlayedWallMs} ms`);
  return { completed: unmet.length === 0, coverage, missing: mergeMissing(missing), unmet };
}

function mergeMissing(list: Section[]): Section[] {
  return list.length === 0 ? [] : new IntervalSet(list).toJSON();
}
