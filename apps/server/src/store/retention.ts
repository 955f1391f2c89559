/**
 * Retention counts (SPEC §8): full computation in SQL from the stored multiranges, and the
 * per-video counts for the standard N (100, 1000) that merges keep current.
 *
 * Locking discipline (why the counts stay exact under concurrent merges):
 * - a merge advances a counts row only while its `bucket_ms` equals the one the merge computed,
 *   holding the row lock to commit (or takes a share lock when it adds nothing);
 * - when the row is missing or its `bucket_ms` differs (first viewer, duration grew), the merge
 *   rebuilds it in full under the row lock, re-reading the duration; merges still in flight
 *   then either find the same `bucket_ms` (their delta is exactly what the rebuild could not
 *   see) or a different one (and rebuild themselves).
 */
import { bucketMsFor, newlyCoveredBuckets, type Retention, type Section } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { TxHandle } from '../db/connect.js';

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

/** Rebuilds one standard counts row in full, under its row lock, with the current duration. */
async function rebuild(tx: TxHandle, videoId: string, n: number): Promise<void> {
  await tx.rows(sql`
    INSERT INTO retention_counts AS r (video_id, n, bucket_ms, counts) VALUES (${videoId}, ${n}, 0, '{}')
    ON CONFLICT (video_id, n) DO UPDATE SET bucket_ms = r.bucket_ms`);
  const [video] = await tx.rows<{ duration_ms: number | string }>(
    sql`SELECT duration_ms FROM videos WHERE video_id = ${videoId}`,
  );
  if (!video) return;
  const { bucketMs, viewers } = await computeRetention(tx, videoId, Number(video.duration_ms), n);
  await tx.rows(sql`
    UPDATE retention_counts SET bucket_ms = ${bucketMs}, counts = ${`{${viewers.join(',')}}`}::int4[]
    WHERE video_id = ${videoId} AND n = ${n}`);
}

/** Advances the standard counts by what one merge newly covered (`before` → `after`). */
export async function advanceCounts(
  tx: TxHandle,
  videoId: string,
  durationMs: number,
  before: readonly Section[],
  after: readonly Section[],
): Promise<void> {
  const plan = STANDARD_BUCKETS.map((n) => {
    const bucketMs = bucketMsFor(durationMs, n);
    const delta = new Array<number>(n).fill(0);
    let any = false;
    for (const [a, b] of newlyCoveredBuckets(before, after, bucketMs, n)) {
      for (let i = a; i <= b; i++) delta[i] = 1;
      any = true;
    }
    return { n, bucketMs, delta: `{${delta.join(',')}}`, any };
  });
  const [p100, p1000] = plan as [(typeof plan)[number], (typeof plan)[number]];
  const matched = plan.some((p) => p.any)
    ? await tx.rows<{ n: number }>(sql`
        UPDATE retention_counts SET counts = ARRAY(
          SELECT a + b FROM unnest(counts, CASE n WHEN 100 THEN ${p100.delta}::int4[] ELSE ${p1000.delta}::int4[] END)
            WITH ORDINALITY AS u(a, b, i) ORDER BY i)
        WHERE video_id = ${videoId}
          AND ((n = 100 AND bucket_ms = ${p100.bucketMs}) OR (n = 1000 AND bucket_ms = ${p1000.bucketMs}))
        RETURNING n`)
    : await tx.rows<{ n: number }>(sql`
        SELECT n FROM retention_counts
        WHERE video_id = ${videoId}
          AND ((n = 100 AND bucket_ms = ${p100.bucketMs}) OR (n = 1000 AND bucket_ms = ${p1000.bucketMs}))
        FOR SHARE`);
  const ok = new Set(matched.map((r) => Number(r.n)));
  for (const { n } of plan) if (!ok.has(n)) await rebuild(tx, videoId, n);
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
    const [row] = await tx.rows<{ counts: number[] }>(sql`
      SELECT counts FROM retention_counts WHERE video_id = ${videoId} AND n = ${buckets} AND bucket_ms = ${bucketMs}`);
    if (row && row.counts.length === buckets) return { bucketMs, viewers: row.counts.map(Number) };
  }
  return computeRetention(tx, videoId, durationMs, buckets);
}
