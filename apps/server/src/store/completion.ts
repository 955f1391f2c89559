/**
 * Completion rules and verdicts (issue 10). The verdict is decided here, from the merged set the
 * merge just wrote, inside the merge's transaction: the sections row is locked by the upsert, so
 * `completed_at` is set exactly once — the first time the rule holds — and never un-set.
 */
import { type CompletionRule, completionRuleSchema, evaluateCompletion, type Section } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { TxHandle } from '../db/connect.js';
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

/**
 * Called inside the merge's transaction after the upsert (which holds the row lock). Evaluates
 * only while the viewer has not completed; the UPDATE's `completed_at IS NULL` keeps the first time.
 */
export async function settleCompletion(
  tx: TxHandle,
  videoId: string,
  viewerId: string,
  sections: Section[],
  durationMs: number,
): Promise<Settled> {
  const [row] = await tx.rows<{ completed_at: unknown; rule: unknown; default_rule: unknown; played: unknown }>(sql`
    SELECT (SELECT floor(extract(epoch FROM completed_at) * 1000)::int8 FROM sections
              WHERE video_id = ${videoId} AND viewer_id = ${viewerId}) AS completed_at,
           (SELECT rule::text FROM completion_rules WHERE scope = ${videoId}) AS rule,
           (SELECT rule::text FROM completion_rules WHERE scope = ${DEFAULT_SCOPE}) AS default_rule,
           (SELECT COALESCE(sum(played_wall_ms), 0) FROM playback_sessions
              WHERE video_id = ${videoId} AND viewer_id = ${viewerId}) AS played`);
  const already = numOrNull(row?.completed_at);
  if (already !== null) return { completed: true, completedAt: already, newly: false };
  const stored = row?.rule ?? row?.default_rule;
  const rule = completionRuleSchema.parse(stored ? parseJson(stored) : {});
  const verdict = evaluateCompletion(rule, { sections, durationMs, playedWallMs: num(row?.played) });
  if (!verdict.completed) return { completed: false, completedAt: null, newly: false };
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
