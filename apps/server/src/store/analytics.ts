/**
 * Analytics computed in SQL (SPEC §7–8): per-video viewers, coverage (mean, median, deciles),
 * watched and played totals, QoE from the sessions (Mux's definitions: watch time = startup +
 * rebuffering + playing), the video list, the per-viewer drill-down.
 */
import { type Section, watchMetrics } from '@watchtime/core';
import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { fromMultirange } from '../db/multirange.js';
import { epochMs, num, numOrNull } from '../db/values.js';

export interface VideoRow {
  videoId: string;
  title: string | null;
  posterUrl: string | null;
  durationMs: number;
  viewers: number;
  meanCoverage: number;
  medianCoverage: number;
  totalWatchedMs: number;
  playedWallMs: number;
  sessions: number;
  startupMedianMs: number | null;
  rebufferRatio: number;
  firstSeenAt: number;
  updatedAt: number;
}

export interface VideoSummary extends VideoRow {
  startupP95Ms: number | null;
  stallCount: number;
  stallMs: number;
  stallsPerMinute: number;
  seekLatencyMedianMs: number | null;
  coverageHistogram: number[];
}

/** One row per watched record with its watched ms and coverage (clamped to 1). */
const coverageRows = (where: SQL) => sql`
  SELECT s.video_id, s.updated_at,
         w.watched,
         LEAST(1.0, w.watched / v.duration_ms::float8) AS cov
  FROM sections s
  JOIN videos v ON v.video_id = s.video_id
  CROSS JOIN LATERAL (SELECT COALESCE(sum(upper(x) - lower(x)), 0)::float8 AS watched FROM unnest(s.sections) x) w
  WHERE NOT isempty(s.sections) AND ${where}`;

const videoRowsQuery = (videoId: string | null) => sql`
  WITH c AS (${coverageRows(videoId === null ? sql`true` : sql`s.video_id = ${videoId}`)}),
  cv AS (
    SELECT video_id, count(*) AS viewers, avg(cov) AS mean_cov,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY cov) AS median_cov,
           sum(watched) AS watched, max(updated_at) AS last_merge
    FROM c GROUP BY video_id
  ),
  q AS (
    SELECT video_id, count(*) AS sessions,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY startup_ms) AS startup_median,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY startup_ms) AS startup_p95,
           sum(stall_count) AS stall_count, sum(stall_ms) AS stall_ms,
           sum(played_wall_ms) AS played, sum(COALESCE(startup_ms, 0)) AS startup_total
    FROM playback_sessions p WHERE ${videoId === null ? sql`true` : sql`p.video_id = ${videoId}`}
    GROUP BY video_id
  )
  SELECT v.video_id, v.title, v.poster_url, v.duration_ms,
         COALESCE(cv.viewers, 0) AS viewers, COALESCE(cv.mean_cov, 0) AS mean_cov,
         COALESCE(cv.median_cov, 0) AS median_cov, COALESCE(cv.watched, 0) AS watched,
         COALESCE(q.sessions, 0) AS sessions, q.startup_median, q.startup_p95,
         COALESCE(q.stall_count, 0) AS stall_count, COALESCE(q.stall_ms, 0) AS stall_ms,
         COALESCE(q.played, 0) AS played, COALESCE(q.startup_total, 0) AS startup_total,
         ${epochMs(sql`v.first_seen_at`)} AS first_seen_at,
         ${epochMs(sql`GREATEST(v.updated_at, cv.last_merge)`)} AS updated_at
  FROM videos v
  LEFT JOIN cv ON cv.video_id = v.video_id
  LEFT JOIN q ON q.video_id = v.video_id
  WHERE ${videoId === null ? sql`true` : sql`v.video_id = ${videoId}`}
  ORDER BY v.video_id`;

type Raw = Record<string, unknown>;

function toSummary(r: Raw): VideoSummary {
  const stallMs = num(r.stall_ms);
  const stallCount = num(r.stall_count);
  const watchTimeMs = num(r.startup_total) + stallMs + num(r.played);
  return {
    videoId: String(r.video_id),
    title: (r.title as string | null) ?? null,
    posterUrl: (r.poster_url as string | null) ?? null,
    durationMs: num(r.duration_ms),
    viewers: num(r.viewers),
    meanCoverage: num(r.mean_cov),
    medianCoverage: num(r.median_cov),
    totalWatchedMs: num(r.watched),
    playedWallMs: num(r.played),
    sessions: num(r.sessions),
    startupMedianMs: numOrNull(r.startup_median),
    startupP95Ms: numOrNull(r.startup_p95),
    stallCount,
    stallMs,
    stallsPerMinute: watchTimeMs > 0 ? stallCount / (watchTimeMs / 60_000) : 0,
    rebufferRatio: watchTimeMs > 0 ? stallMs / watchTimeMs : 0,
    seekLatencyMedianMs: null,
    coverageHistogram: [],
    firstSeenAt: num(r.first_seen_at),
    updatedAt: num(r.updated_at),
  };
}

export async function listVideos(db: Database): Promise<VideoRow[]> {
  const rows = await db.rows<Raw>(videoRowsQuery(null));
  return rows.map((r) => {
    const { startupP95Ms, stallCount, stallMs, stallsPerMinute, seekLatencyMedianMs, coverageHistogram, ...row } =
      toSummary(r);
    return row;
  });
}

export async function videoSummary(db: Database, videoId: string): Promise<VideoSummary | null> {
  const [row] = await db.rows<Raw>(videoRowsQuery(videoId));
  if (!row) return null;
  const summary = toSummary(row);
  const hist = await db.rows<{ d: unknown; n: unknown }>(sql`
    SELECT LEAST(9, floor(cov * 10))::int AS d, count(*) AS n FROM (${coverageRows(sql`s.video_id = ${videoId}`)}) c
    GROUP BY 1`);
  summary.coverageHistogram = new Array<number>(10).fill(0);
  for (const h of hist) summary.coverageHistogram[num(h.d)] = num(h.n);
  const [seek] = await db.rows<{ m: unknown }>(sql`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY (k->>'latencyMs')::float8) AS m
    FROM playback_sessions p CROSS JOIN LATERAL jsonb_array_elements(p.doc->'seeks') k
    WHERE p.video_id = ${videoId}`);
  summary.seekLatencyMedianMs = numOrNull(seek?.m);
  return summary;
}

export async function videoDuration(db: Database, videoId: string): Promise<number | null> {
  const [row] = await db.rows<{ d: unknown }>(sql`SELECT duration_ms AS d FROM videos WHERE video_id = ${videoId}`);
  return row ? num(row.d) : null;
}

export interface ViewerRecord {
  viewerId: string;
  sections: Section[];
  watchedMs: number;
  coverage: number;
  updatedAt: number;
}

export async function listViewers(
  db: Database,
  videoId: string,
  limit: number,
  offset: number,
): Promise<{ total: number; viewers: ViewerRecord[] }> {
  const durationMs = (await videoDuration(db, videoId)) ?? 0;
  const [count] = await db.rows<{ total: unknown }>(
    sql`SELECT count(*) AS total FROM sections WHERE video_id = ${videoId}`,
  );
  const rows = await db.rows<Raw>(sql`
    SELECT viewer_id, sections::text AS sections, ${epochMs(sql`updated_at`)} AS updated_at
    FROM sections WHERE video_id = ${videoId} ORDER BY viewer_id LIMIT ${limit} OFFSET ${offset}`);
  return {
    total: num(count?.total),
    viewers: rows.map((r) => {
      const sections = fromMultirange(r.sections as string);
      return {
        viewerId: String(r.viewer_id),
        sections,
        ...watchMetrics(sections, durationMs),
        updatedAt: num(r.updated_at),
      };
    }),
  };
}

/** Analyst edit of a video's metadata; creates the row when the video was never seen. */
export async function putVideo(
  db: Database,
  videoId: string,
  meta: { title?: string; durationMs?: number; posterUrl?: string },
): Promise<{ ok: true } | { ok: false; error: string }> {
  const existing = await videoDuration(db, videoId);
  if (existing === null && meta.durationMs === undefined)
    return { ok: false, error: `video ${videoId} is unknown: give durationMs to create it` };
  await db.rows(sql`
    INSERT INTO videos AS v (video_id, duration_ms, title, poster_url)
    VALUES (${videoId}, ${meta.durationMs ?? existing ?? 0}, ${meta.title ?? null}, ${meta.posterUrl ?? null})
    ON CONFLICT (video_id) DO UPDATE SET
      duration_ms = ${meta.durationMs === undefined ? sql`v.duration_ms` : sql`excluded.duration_ms`},
      title = ${meta.title === undefined ? sql`v.title` : sql`excluded.title`},
      poster_url = ${meta.posterUrl === undefined ? sql`v.poster_url` : sql`excluded.poster_url`},
      updated_at = now()`);
  return { ok: true };
}
