/**
 * Exports (issue 10): per-viewer metrics and retention for a video, as CSV or JSON, STREAMED —
 * keyset pagination over the sections primary key (video_id, viewer_id), one batch in memory at
 * a time, so a video with a million viewers exports without loading them.
 */
import { watchMetrics } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { fromMultirange } from '../db/multirange.js';
import { num, numOrNull } from '../db/values.js';

export interface ViewerExportRow {
  viewerId: string;
  watchedMs: number;
  coverage: number;
  completed: boolean;
  completedAt: number | null;
  /** Sum over the viewer's sessions of this video. */
  playedWallMs: number;
  /** Median startup over the viewer’s sessions that reported one (ms, halves rounded up); null when none. */
  startupMs: number | null;
  /** Stall count and stalled time over the viewer's sessions. */
  stalls: number;
  stallMs: number;
  sessions: number;
}

export const VIEWER_COLUMNS = [
  'viewerId',
  'watchedMs',
  'coverage',
  'completed',
  'completedAt',
  'playedWallMs',
  'startupMs',
  'stalls',
  'stallMs',
  'sessions',
] as const satisfies ReadonlyArray<keyof ViewerExportRow>;

export const EXPORT_BATCH = 500;

/** One batch of viewers after `afterViewer` (keyset), with their session aggregates. */
export async function viewerBatch(
  db: Database,
  videoId: string,
  durationMs: number,
  afterViewer: string | null,
  limit = EXPORT_BATCH,
): Promise<ViewerExportRow[]> {
  const rows = await db.rows<Record<string, unknown>>(sql`
    WITH b AS (
      SELECT viewer_id, sections::text AS sections,
             floor(extract(epoch FROM completed_at) * 1000)::int8 AS completed_at
      FROM sections
      WHERE video_id = ${videoId} ${afterViewer === null ? sql`` : sql`AND viewer_id > ${afterViewer}`}
      ORDER BY viewer_id LIMIT ${limit}
    )
    SELECT b.viewer_id, b.sections, b.completed_at, s.played, s.startup, s.stalls, s.stall_ms, s.sessions
    FROM b LEFT JOIN LATERAL (
      SELECT COALESCE(sum(p.played_wall_ms), 0) AS played,
             floor(percentile_cont(0.5) WITHIN GROUP (ORDER BY p.startup_ms) + 0.5)::int8 AS startup,
             COALESCE(sum(p.stall_count), 0) AS stalls, COALESCE(sum(p.stall_ms), 0) AS stall_ms,
             count(*) AS sessions
      FROM playback_sessions p WHERE p.video_id = ${videoId} AND p.viewer_id = b.viewer_id
    ) s ON true
    ORDER BY b.viewer_id`);
  return rows.map((r) => {
    const completedAt = numOrNull(r.completed_at);
    return {
      viewerId: String(r.viewer_id),
      ...watchMetrics(fromMultirange(r.sections as string), durationMs),
      completed: completedAt !== null,
      completedAt,
      playedWallMs: num(r.played),
      startupMs: numOrNull(r.startup),
      stalls: num(r.stalls),
      stallMs: num(r.stall_ms),
      sessions: num(r.sessions),
    };
  });
}

/** Every viewer of a video, batch by batch. */
export async function* viewerRows(db: Database, videoId: string, durationMs: number, batch = EXPORT_BATCH) {
  let after: string | null = null;
  for (;;) {
    const rows = await viewerBatch(db, videoId, durationMs, after, batch);
    if (rows.length > 0) yield rows;
    if (rows.length < batch) return;
    after = (rows[rows.length - 1] as ViewerExportRow).viewerId;
  }
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (values: readonly unknown[]) => `${values.map(csvField).join(',')}\r\n`;

/**
 * A byte stream that pulls one page of rows per read: CSV (header, then lines) or a JSON array.
 * Backpressure comes for free: the next batch is fetched only when the consumer reads.
 */
export function exportStream<T>(
  pages: AsyncGenerator<T[]>,
  format: 'csv' | 'json',
  columns: readonly (keyof T & string)[],
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let first = true;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(format === 'csv' ? csvLine(columns) : '['));
        return;
      }
      try {
        const next = await pages.next();
        if (next.done) {
          if (format === 'json') controller.enqueue(encoder.encode(']\n'));
          controller.close();
          return;
        }
        let chunk = '';
        for (const row of next.value) {
          if (format === 'csv') chunk += csvLine(columns.map((c) => row[c]));
          else {
            chunk += `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
            first = false;
          }
        }
        controller.enqueue(encoder.encode(chunk));
      } catch (error) {
        // Mid-stream the status is already sent: abort, so the client sees a broken download, not a short file.
        controller.error(error);
      }
    },
    async cancel() {
      await pages.return(undefined);
    },
  });
}
