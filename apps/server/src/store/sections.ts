/**
 * The merge (SPEC §2, §7): stored := stored ∪ incoming in ONE upsert on an int8multirange,
 * the video's largest duration kept, and the standard retention counts advanced — all in one
 * transaction, so devices writing at once never lose each other's sections.
 */
import { type Section, type SectionsAnswer, watchMetrics } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { Database, TxHandle } from '../db/connect.js';
import { isRetryable } from '../db/errors.js';
import { fromMultirange, toMultirange } from '../db/multirange.js';
import { advanceCounts } from './retention.js';

export interface MergeInput {
  videoId: string;
  viewerId: string;
  durationMs: number;
  sections: ReadonlyArray<readonly [number, number]>;
}

/** Records the video (first sight) and raises its duration when this one is larger; returns the stored duration. */
export async function touchVideo(tx: TxHandle, videoId: string, durationMs: number): Promise<number> {
  for (;;) {
    // Insert-or-grow without locking the video row when nothing changes (a hot row otherwise).
    const [row] = await tx.rows<{ inserted: number | string; stored: number | string | null }>(sql`
      WITH ins AS (
        INSERT INTO videos (video_id, duration_ms) VALUES (${videoId}, ${durationMs})
        ON CONFLICT (video_id) DO NOTHING RETURNING 1
      ), upd AS (
        UPDATE videos SET duration_ms = ${durationMs}, updated_at = now()
        WHERE video_id = ${videoId} AND duration_ms < ${durationMs} RETURNING 1
      )
      SELECT (SELECT count(*) FROM ins) AS inserted,
             (SELECT duration_ms FROM videos WHERE video_id = ${videoId}) AS stored`);
    if (!row) throw new Error('video upsert returned nothing');
    if (Number(row.inserted) > 0) return durationMs;
    // A concurrent first insert committed after this statement's snapshot: look again.
    if (row.stored === null) continue;
    return Math.max(Number(row.stored), durationMs);
  }
}

async function withRetry<T>(db: Database, work: (tx: TxHandle) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (attempt >= 8 || !isRetryable(error)) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}

function answer(sections: Section[], durationMs: number): SectionsAnswer {
  return { sections, ...watchMetrics(sections, durationMs) };
}

export async function mergeViewerSections(db: Database, input: MergeInput): Promise<SectionsAnswer> {
  const incoming = toMultirange(input.sections);
  return withRetry(db, async (tx) => {
    const durationMs = await touchVideo(tx, input.videoId, input.durationMs);
    if (input.sections.length === 0) {
      // Nothing to add, but the duration may have grown: let the counts notice (and rebuild).
      const stored = await readIn(tx, input.videoId, input.viewerId);
      await advanceCounts(tx, input.videoId, durationMs, stored, stored);
      return answer(stored, durationMs);
    }
    const [row] = await tx.rows<{ after: string; before: string }>(sql`
      INSERT INTO sections AS t (video_id, viewer_id, sections, last_added)
      VALUES (${input.videoId}, ${input.viewerId}, ${incoming}::int8multirange, ${incoming}::int8multirange)
      ON CONFLICT (video_id, viewer_id) DO UPDATE
        SET sections = t.sections + excluded.sections,
            last_added = excluded.sections - t.sections,
            updated_at = now()
      RETURNING sections::text AS after, (sections - last_added)::text AS before`);
    if (!row) throw new Error('sections upsert returned nothing');
    const after = fromMultirange(row.after);
    await advanceCounts(tx, input.videoId, durationMs, fromMultirange(row.before), after);
    return answer(after, durationMs);
  });
}

async function readIn(tx: TxHandle, videoId: string, viewerId: string): Promise<Section[]> {
  const [row] = await tx.rows<{ sections: string }>(sql`
    SELECT sections::text AS sections FROM sections WHERE video_id = ${videoId} AND viewer_id = ${viewerId}`);
  return fromMultirange(row?.sections);
}

export async function readViewerSections(db: Database, videoId: string, viewerId: string): Promise<SectionsAnswer> {
  const [row] = await db.rows<{ sections: string | null; duration_ms: number | string | null }>(sql`
    SELECT (SELECT sections::text FROM sections WHERE video_id = ${videoId} AND viewer_id = ${viewerId}) AS sections,
           (SELECT duration_ms FROM videos WHERE video_id = ${videoId}) AS duration_ms`);
  const sections = fromMultirange(row?.sections);
  return answer(sections, Number(row?.duration_ms ?? 0));
}
