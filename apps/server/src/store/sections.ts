/**
 * The merge (SPEC §2, §7): stored := stored ∪ incoming in ONE atomic statement — the video row
 * (first sight, largest duration), the upsert on the int8multirange, and the standard retention
 * counts advanced by the buckets this merge newly covered — so devices writing at once never
 * lose each other's sections, and a merge costs one round trip.
 */
import { type Section, type SectionsAnswer, watchMetrics } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { Database, TxHandle } from '../db/connect.js';
import { retryOnConflict } from '../db/errors.js';
import { fromMultirange, toMultirange } from '../db/multirange.js';
import { num } from '../db/values.js';
import {
  type CompletionState,
  completionLookup,
  readCompletion,
  type Settled,
  settleCompletion,
} from './completion.js';
import { ensureCountsCurrent, rebuildCounts, STANDARD_BUCKETS } from './retention.js';

/** The PUT answer: the merged whole plus the server's completion verdict (issue 10). */
export type MergeAnswer = SectionsAnswer & CompletionState;

/** Runs inside the merge's transaction when a viewer completes a video for the first time. */
export type OnFirstCompletion = (
  tx: TxHandle,
  event: { videoId: string; viewerId: string; completedAt: number },
) => Promise<void>;

export interface MergeInput {
  videoId: string;
  viewerId: string;
  durationMs: number;
  sections: ReadonlyArray<readonly [number, number]>;
}

/**
 * Insert-or-grow of the video row as CTEs, without locking the row when nothing changes
 * (it would be the hottest row of all). `stored` is null only when a concurrent first insert
 * committed after this statement's snapshot.
 */
const videoCtes = (videoId: string, durationMs: number) => sql`
  ins AS (
    INSERT INTO videos (video_id, duration_ms) VALUES (${videoId}, ${durationMs})
    ON CONFLICT (video_id) DO NOTHING RETURNING 1
  ), upd AS (
    UPDATE videos SET duration_ms = ${durationMs}, updated_at = now()
    WHERE video_id = ${videoId} AND duration_ms < ${durationMs} RETURNING 1
  ), dur AS (
    SELECT (SELECT count(*) FROM ins) AS inserted,
           (SELECT duration_ms FROM videos WHERE video_id = ${videoId}) AS stored,
           GREATEST(${durationMs}::int8, COALESCE((SELECT duration_ms FROM videos WHERE video_id = ${videoId}), 0)) AS d
  )`;

async function durationOf(db: TxHandle, videoId: string, row: { inserted: unknown; stored: unknown; d: unknown }) {
  if (num(row.inserted) > 0 || row.stored !== null) return num(row.d);
  const [again] = await db.rows<{ d: unknown }>(sql`SELECT duration_ms AS d FROM videos WHERE video_id = ${videoId}`);
  return Math.max(num(row.d), num(again?.d));
}

/** Records the video and raises its duration when this one is larger; returns the stored duration. */
export async function touchVideo(tx: TxHandle, videoId: string, durationMs: number): Promise<number> {
  const [row] = await tx.rows<{ inserted: unknown; stored: unknown; d: unknown }>(
    sql`WITH ${videoCtes(videoId, durationMs)} SELECT inserted, stored, d FROM dur`,
  );
  if (!row) throw new Error('video upsert returned nothing');
  return durationOf(tx, videoId, row);
}

function answer(sections: Section[], durationMs: number): SectionsAnswer {
  return { sections, ...watchMetrics(sections, durationMs) };
}

/**
 * The counts advance inside the statement: the candidate buckets are those the added part
 * (incoming − stored) touches; one is newly covered when the set before the merge does not
 * overlap it. A counts row advances only while its `bucket_ms` is current (see retention.ts).
 */
export async function mergeViewerSections(
  db: Database,
  input: MergeInput,
  onFirstCompletion?: OnFirstCompletion,
): Promise<MergeAnswer> {
  const { videoId, viewerId } = input;
  if (input.sections.length === 0) {
    // Nothing to add, but the duration may have grown: the counts must notice.
    await touchVideo(db, videoId, input.durationMs);
    await ensureCountsCurrent(db, videoId);
    const answer = await readViewerSections(db, videoId, viewerId);
    return { ...answer, ...(await readCompletion(db, videoId, viewerId)) };
  }
  const incoming = toMultirange(input.sections);
  // Atomic (one transaction: the upsert, then the completion verdict on the row it locked), so a
  // deadlock (two merges newly covering the same buckets in another order) just reruns it.
  const { row, settled } = await retryOnConflict(() =>
    db.transaction(async (tx) => {
      const [row] = await tx.rows<{
        after: string;
        completed_at: unknown;
        rule: unknown;
        default_rule: unknown;
        played: unknown;
        matched: unknown;
        inserted: unknown;
        stored: unknown;
        d: unknown;
      }>(sql`
    WITH ${videoCtes(videoId, input.durationMs)},
    m AS (
      INSERT INTO sections AS t (video_id, viewer_id, sections, last_added)
      VALUES (${videoId}, ${viewerId}, ${incoming}::int8multirange, ${incoming}::int8multirange)
      ON CONFLICT (video_id, viewer_id) DO UPDATE
        SET sections = t.sections + excluded.sections,
            last_added = excluded.sections - t.sections,
            updated_at = now()
      RETURNING sections AS after, last_added AS added, sections - last_added AS before, completed_at
    ),
    plan AS (
      SELECT k.n, ((dur.d + k.n - 1) / k.n)::int8 AS bms FROM dur, (VALUES (100), (1000)) AS k(n)
    ),
    newly AS (
      SELECT DISTINCT p.n, b FROM plan p, m
        CROSS JOIN LATERAL unnest(m.added) AS r
        CROSS JOIN LATERAL generate_series(lower(r) / p.bms, LEAST(p.n - 1, (upper(r) - 1) / p.bms)) AS b
      WHERE NOT (m.before && int8range(b * p.bms, (b + 1) * p.bms))
    ),
    chk AS (
      SELECT rc.n FROM retention_counts rc JOIN plan p ON p.n = rc.n AND p.bms = rc.bucket_ms
      WHERE rc.video_id = ${videoId}
      FOR SHARE OF rc
    ),
    -- One UPDATE per standard N with uncorrelated subqueries: they run once, so the few newly
    -- covered buckets become index lookups (a join would scan all N bucket rows).
    adv100 AS (
      UPDATE retention_buckets rb SET viewers = rb.viewers + 1
      WHERE rb.video_id = ${videoId} AND rb.n = 100
        AND rb.bucket = ANY (ARRAY(SELECT w.b::int FROM newly w WHERE w.n = 100))
        AND EXISTS (SELECT 1 FROM chk WHERE chk.n = 100)
      RETURNING 1
    ),
    adv1000 AS (
      UPDATE retention_buckets rb SET viewers = rb.viewers + 1
      WHERE rb.video_id = ${videoId} AND rb.n = 1000
        AND rb.bucket = ANY (ARRAY(SELECT w.b::int FROM newly w WHERE w.n = 1000))
        AND EXISTS (SELECT 1 FROM chk WHERE chk.n = 1000)
      RETURNING 1
    )
    SELECT m.after::text AS after,
           ARRAY(SELECT n FROM chk) AS matched, (SELECT count(*) FROM adv100) + (SELECT count(*) FROM adv1000) AS advanced,
           dur.inserted, dur.stored, dur.d,
           ${completionLookup(videoId, viewerId, sql`m.completed_at`)}
    FROM m, dur`);
      if (!row) throw new Error('sections upsert returned nothing');
      const durationMs = await durationOf(tx, videoId, row);
      const settled: Settled = await settleCompletion(
        tx,
        videoId,
        viewerId,
        fromMultirange(row.after),
        durationMs,
        row,
      );
      if (settled.newly && settled.completedAt !== null && onFirstCompletion)
        await onFirstCompletion(tx, { videoId, viewerId, completedAt: settled.completedAt });
      return { row, settled };
    }),
  );
  const after = fromMultirange(row.after);
  const durationMs = await durationOf(db, videoId, row);
  // A counts row that is missing or keyed by another bucket size (first viewer, duration grew)
  // is rebuilt in full, after this merge committed, so the rebuild sees it.
  const matched = new Set((row.matched as unknown[]).map(Number));
  for (const n of STANDARD_BUCKETS) if (!matched.has(n)) await rebuildCounts(db, videoId, n);
  return { ...answer(after, durationMs), completed: settled.completed, completedAt: settled.completedAt };
}

export async function readViewerSections(db: TxHandle, videoId: string, viewerId: string): Promise<SectionsAnswer> {
  const [row] = await db.rows<{ sections: string | null; duration_ms: unknown }>(sql`
    SELECT (SELECT sections::text FROM sections WHERE video_id = ${videoId} AND viewer_id = ${viewerId}) AS sections,
           (SELECT duration_ms FROM videos WHERE video_id = ${videoId}) AS duration_ms`);
  return answer(fromMultirange(row?.sections), num(row?.duration_ms));
}
