/**
 * Recorded boundaries are exact to tens of ms (a play from 0 may record `[3, …]`), so the
 * viewer-facing features read gaps shorter than `SKIP_GUARD_SLACK_MS` as watched: such a sliver
 * must not be "the next unwatched part" nor where a blocked skip sends the viewer back to.
 * The recorded set itself (and what the strip draws) stays exact.
 */
import { IntervalSet, type Section } from '@watchtime/core';

export const SKIP_GUARD_SLACK_MS = 250;

/** The watched set with its gaps shorter than `slackMs` filled (a new set). */
export function withoutSlivers(
  watched: IntervalSet | readonly Section[],
  durationMs: number,
  slackMs = SKIP_GUARD_SLACK_MS,
): IntervalSet {
  const set = watched instanceof IntervalSet ? watched.clone() : new IntervalSet(watched);
  for (const [s, e] of set.gaps(durationMs)) if (e - s < slackMs) set.add(s, e);
  return set;
}
