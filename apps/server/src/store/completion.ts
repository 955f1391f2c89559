/**
 * Completion rules and verdicts (issue 10). The merge statement returns what a verdict needs;
 * when the rule holds and the viewer has not completed, the verdict is settled here in a
 * transaction holding the record's row lock, so `completed_at` is set exactly once — at the
 * first merge after which the rule holds — and never un-set (sets and played time only grow).
 */
import { type CompletionRule, completionRuleSchema, evaluateCompletion, type Section } from '@watchtime/core';
import { type SQL, sql } from 'drizzle-orm';
import type { Database, TxHandle } from '../db/connect.js';
import { retryOnConflict } from '../db/errors.js';
import { fromMultirange } from '../db/multirange.js';
import { num, numOrNull, parseJson } from '../db/values.js';

/** The scope of the site-wide default rule. */
export const DEFAULT_SCOPE = '*';

export interface CompletionState {
  completed: boolean;
  /** Epoch ms of the first merge after which the rule held; null while it never has. */
  completedAt: number | null;
}

export interface Settled extends CompletionState {
  /** True only for the merge that set `completedAt` (drives the completion webhook). */
  newly: boolean;
}

export async function getRule(db: TxHandle, scope: string): Promise<CompletionRule | null> {
  const [row] = await db.rows<{ rule: unknown }>(
    sql`SELECT rule::text AS rule FROM completion_rules WHERE scope = ${scope}`,
  );
  return row ? completionRuleSchema.parse(parseJson(row.rule)) : null;
}

export async function putRule(db: TxHandle, scope: string, rule: CompletionRule): Promise<void> {
  await db.rows(sql`
    INSERT INTO completion_rules (scope, rule) VALUES (${scope}, ${JSON.stringify(rule)}::jsonb)
    ON CONFLICT (scope) DO UPDATE SET rule = excluded.rule, updated_at = now()`);
}

/** The video's rule, else the site default, else core's default (`coverage ≥ 0.9`). */
export async function effectiveRule(db: TxHandle, videoId: string): Promise<CompletionRule> {
  return (await getRule(db, videoId)) ?? (await getRule(db, DEFAULT_SCOPE)) ?? completionRuleSchema.parse({});
}

/** What a verdict needs, as columns of one SELECT (the merge statement embeds it: no extra round trip). */
export const completionLookup = (videoId: string, viewerId: string, completedAt: SQL) => sql`
  floor(extract(epoch FROM ${completedAt}) * 1000)::int8 AS completed_at,
  (SELECT rule::text FROM completion_rules WHERE scope = ${videoId}) AS rule,
  (SELECT rule::text FROM completion_rules WHERE scope = ${DEFAULT_SCOPE}) AS default_rule,
  (SELECT COALESCE(sum(played_wall_ms), 0) FROM playback_sessions
     WHERE video_id = ${videoId} AND viewer_id = ${viewerId}) AS played`;

export interface CompletionLookup {
  completed_at: unknown;
  rule: unknown;
  default_rule: unknown;
  played: unknown;
}

/** Whether the rule the lookup carries (the video's, else the site's, else core's) holds for this set. */
export function ruleHolds(row: CompletionLookup, sections: Section[], durationMs: number): boolean {
  const stored = row.rule ?? row.default_rule;
  const rule = completionRuleSchema.parse(stored ? parseJson(stored) : {});
  return evaluateCompletion(rule, { sections, durationMs, playedWallMs: num(row.played) }).completed;
}

/**
 * Called inside a transaction that holds the record's row lock, with the lookup read under it.
 * Evaluates only while the viewer has not completed; the UPDATE's `completed_at IS NULL` keeps
 * the first time.
 */
export async function settleCompletion(
  tx: TxHandle,
  videoId: string,
  viewerId: string,
  sections: Section[],
  durationMs: number,
  row: CompletionLookup,
): Promise<Settled> {
  const already = numOrNull(row.completed_at);
  if (already !== null) return { completed: true, completedAt: already, newly: false };
  if (!ruleHolds(row, sections, durationMs)) return { completed: false, completedAt: null, newly: false };
  const [set] = await tx.rows<{ at: unknown }>(sql`
    UPDATE sections SET completed_at = now()
    WHERE video_id = ${videoId} AND viewer_id = ${viewerId} AND completed_at IS NULL
    RETURNING floor(extract(epoch FROM completed_at) * 1000)::int8 AS at`);
  return { completed: true, completedAt: num(set?.at), newly: set !== undefined };
}

export async function readCompletion(db: TxHandle, videoId: string, viewerId: string): Promise<CompletionState> {
  const [row] = await db.rows<{ at: unknown }>(sql`
    SELECT floor(extract(epoch FROM completed_at) * 1000)::int8 AS at FROM sections
    WHERE video_id = ${videoId} AND viewer_id = ${viewerId}`);
  const at = numOrNull(row?.at);
  return { completed: at !== null, completedAt: at };
}

/**
 * Re-evaluates one viewer's completion without a merge — after a session PUT, whose played time
 * may satisfy `minPlayedWallMs` on its own. Same rules: row locked, first time kept.
 */
export async function settleViewer(
  db: Database,
  videoId: string,
  viewerId: string,
  onFirstCompletion?: (
    tx: TxHandle,
    event: { videoId: string; viewerId: string; completedAt: number },
  ) => Promise<void>,
): Promise<Settled | null> {
  return retryOnConflict(() =>
    db.transaction(async (tx) => {
      const [row] = await tx.rows<CompletionLookup & { sections: string; duration_ms: unknown }>(sql`
        SELECT s.sections::text AS sections, v.duration_ms, ${completionLookup(videoId, viewerId, sql`s.completed_at`)}
        FROM sections s JOIN videos v ON v.video_id = s.video_id
        WHERE s.video_id = ${videoId} AND s.viewer_id = ${viewerId}
        FOR UPDATE OF s`);
      if (!row) return null;
      const settled = await settleCompletion(
        tx,
        videoId,
        viewerId,
        fromMultirange(row.sections),
        num(row.duration_ms),
        row,
      );
      if (settled.newly && settled.completedAt !== null && onFirstCompletion)
        await onFirstCompletion(tx, { videoId, viewerId, completedAt: settled.completedAt });
      return settled;
    }),
  );
}
