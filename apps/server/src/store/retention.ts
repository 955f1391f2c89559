/**
 * Retention counts (SPEC §8): full computation in SQL from the stored multiranges, and the
 * per-video counts for the standard N (100, 1000) that merges keep current.
 *
 * Locking discipline (why the counts stay exact under concurrent merges):
 * - a merge statement advances a counts row only while its `bucket_ms` equals the one the merge
 *   computed, holding the row lock to commit (or a share lock when it adds nothing);
 * - when the row is missing or its `bucket_ms` differs (first viewer, duration grew), the merge,
 *   once committed, rebuilds it in full under the row lock, re-reading the duration; merges still
 *   in flight then either find the same `bucket_ms` (their delta is exactly what the rebuild
 *   could not see) or a different one (and rebuild themselves). Until then readers see the
 *   mismatch and compute in full, so an answer is never stale.
 */
import { bucketMsFor, type Retention } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { Database, TxHandle } from '../db/connect.js';
import { retryOnConflict } from '../db/errors.js';

export const STANDARD_BUCKETS = [100, 1000] as const;

/** Full retention in SQL: a +1/−1 sweep over the bucket ranges each viewer covers (once each). */
export async function computeRetention(
  tx: TxHandle,
  videoId: string,
  durationMs: number,
  buckets: number,
): Promise<Retention> {
  const bucketMs = bucketMsFor(durationMs, buckets);
  const rows = await tx.rows<{ at: number | string; delta: number | string }>(sql`
    WITH r AS (
      SELECT s.viewer_id, lower(x) AS lo, lower(x) / ${bucketMs}::int8 AS first,
             LEAST(${buckets - 1}::int8, (upper(x) - 1) / ${bucketMs}::int8) AS last
      FROM sections s CROSS JOIN LATERAL unnest(s.sections) AS x
      WHERE s.video_id = ${videoId}
    ), d AS (
      SELECT GREATEST(first, COALESCE(lag(last) OVER (PARTITION BY viewer_id ORDER BY lo), -1) + 1) AS first, last
      FROM r
    ), ev AS (
      SELECT first AS at, 1 AS delta FROM d WHERE first <= last
      UNION ALL
      SELECT last + 1 AS at, -1 AS delta FROM d WHERE first <= last
    )
    SELECT at, sum(delta)::int8 AS delta FROM ev GROUP BY at`);
  const diff = new Array<number>(buckets + 1).fill(0);
  for (const row of rows) diff[Number(row.at)] = (diff[Number(row.at)] ?? 0) + Number(row.delta);
  const viewers = new Array<number>(buckets);
  let run = 0;
  for (let b = 0; b < buckets; b++) {
    run += diff[b] ?? 0;
    viewers[b] = run;
  }
  return { bucketMs, viewers };
}

/** Rebuilds one standard counts row in full, in its own transaction, under its row lock. */
export async function rebuildCounts(db: Database, videoId: string, n: number): Promise<void> {
  await retryOnConflict(() =>
    db.transaction(async (tx) => {
      await tx.rows(sql`
      INSERT INTO retention_counts AS r (video_id, n, bucket_ms) VALUES (${videoId}, ${n}, 0)
      ON CONFLICT (video_id, n) DO UPDATE SET bucket_ms = r.bucket_ms`);
      // Read after the lock is held: this statement's snapshot includes every merge committed before.
      const [video] = await tx.rows<{ duration_ms: unknown }>(
        sql`SELECT duration_ms FROM videos WHERE video_id = ${videoId}`,
      );
      if (!video) return;
      const { bucketMs, viewers } = await computeRetention(tx, videoId, Number(video.duration_ms), n);
      await tx.rows(sql`DELETE FROM retention_buckets WHERE video_id = ${videoId} AND n = ${n}`);
      await tx.rows(sql`
      INSERT INTO retention_buckets (video_id, n, bucket, viewers)
      SELECT ${videoId}, ${n}, (i - 1)::int, c FROM unnest(${`{${viewers.join(',')}}`}::int4[]) WITH ORDINALITY AS u(c, i)`);
      await tx.rows(sql`UPDATE retention_counts SET bucket_ms = ${bucketMs} WHERE video_id = ${videoId} AND n = ${n}`);
    }),
  );
}

/** Rebuilds the standard rows whose bucket size no longer matches the video's duration. */
export async function ensureCountsCurrent(db: Database, videoId: string): Promise<void> {
  const [video] = await db.rows<{ d: unknown }>(sql`SELECT duration_ms AS d FROM videos WHERE video_id = ${videoId}`);
  if (!video) return;
  const rows = await db.rows<{ n: unknown; bucket_ms: unknown }>(
    sql`SELECT n, bucket_ms FROM retention_counts WHERE video_id = ${videoId}`,
  );
  for (const n of STANDARD_BUCKETS) {
    const row = rows.find((r) => Number(r.n) === n);
    if (!row || Number(row.bucket_ms) !== bucketMsFor(Number(video.d), n)) await rebuildCounts(db, videoId, n);
  }
}

/** Retention for a video: the kept counts when they are current, else the full computation. */
export async function readRetention(
  tx: TxHandle,
  videoId: string,
  durationMs: number,
  buckets: number,
): Promise<Retention> {
  const bucketMs = bucketMsFor(durationMs, buckets);
  if ((STANDARD_BUCKETS as readonly number[]).includes(buckets)) {
    const rows = await tx.rows<{ viewers: unknown }>(sql`
      SELECT b.viewers FROM retention_counts h
      JOIN retention_buckets b ON b.video_id = h.video_id AND b.n = h.n
      WHERE h.video_id = ${videoId} AND h.n = ${buckets} AND h.bucket_ms = ${bucketMs}
      ORDER BY b.bucket`);
    if (rows.length === buckets) return { bucketMs, viewers: rows.map((r) => Number(r.viewers)) };
  }
  return computeRetention(tx, videoId, durationMs, buckets);
}
