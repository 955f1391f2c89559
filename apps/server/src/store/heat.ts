/**
 * "Most replayed" (issue 11): the per-hundredth play counts of every stored session document of
 * a video, summed in SQL. The merged watched set counts a re-watch once, so replays are read from
 * the session documents' own `playCounts` (100 integers each) — no extra table.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { num } from '../db/values.js';

export const HEAT_BUCKETS = 100;
/** Below this many distinct contributing viewers nothing is shown, so no one viewer can be inferred. */
export const HEAT_MIN_VIEWERS = 20;

export interface Heat {
  /** 100 sums normalised to the largest (0..1); empty below HEAT_MIN_VIEWERS viewers. */
  buckets: number[];
  /** Distinct viewers with at least one session that played something of this video. */
  viewers: number;
}

export async function readHeat(db: Database, videoId: string): Promise<Heat> {
  return db.transaction(async (tx) => {
    // A session contributes when its document carries a 100-entry playCounts with a play in it.
    const contributing = sql`
      FROM playback_sessions p
      WHERE p.video_id = ${videoId}
        AND jsonb_typeof(p.doc -> 'playCounts') = 'array'
        AND jsonb_array_length(p.doc -> 'playCounts') = ${HEAT_BUCKETS}
        AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(p.doc -> 'playCounts') AS e(v) WHERE e.v::numeric > 0)`;
    const [count] = await tx.rows<{ viewers: unknown }>(
      sql`SELECT count(DISTINCT p.viewer_id) AS viewers ${contributing}`,
    );
    const viewers = num(count?.viewers);
    if (viewers < HEAT_MIN_VIEWERS) return { buckets: [], viewers };
    const rows = await tx.rows<{ b: unknown; total: unknown }>(sql`
      SELECT (o.idx - 1)::int AS b, sum(o.v::numeric)::text AS total
      FROM (SELECT p.doc ${contributing}) AS s,
           jsonb_array_elements_text(s.doc -> 'playCounts') WITH ORDINALITY AS o(v, idx)
      GROUP BY o.idx ORDER BY o.idx`);
    const sums = new Array<number>(HEAT_BUCKETS).fill(0);
    for (const r of rows) sums[num(r.b)] = num(r.total);
    const max = Math.max(...sums);
    return { buckets: sums.map((s) => (max > 0 ? s / max : 0)), viewers };
  });
}
