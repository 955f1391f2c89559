/**
 * Playback sessions (SPEC §8): `PUT` replaces the whole document, idempotently; only the viewer
 * who created it may write it again (one atomic upsert whose WHERE enforces the owner).
 */
import type { SessionDoc } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { num, parseJson } from '../db/values.js';
import { touchVideo } from './sections.js';

export type PutSessionResult = 'ok' | 'forbidden';

export async function putSession(
  db: Database,
  sessionId: string,
  viewerId: string,
  doc: SessionDoc,
): Promise<PutSessionResult> {
  const stallMs = doc.stalls.reduce((t, s) => t + s.durationMs, 0);
  return db.transaction(async (tx) => {
    const rows = await tx.rows(sql`
      INSERT INTO playback_sessions AS p
        (session_id, viewer_id, video_id, started_at, startup_ms, played_wall_ms, stall_count, stall_ms, doc)
      VALUES (${sessionId}, ${viewerId}, ${doc.videoId}, ${doc.startedAt}, ${doc.startupMs ?? null},
              ${doc.playedWallMs}, ${doc.stalls.length}, ${stallMs}, ${JSON.stringify(doc)}::jsonb)
      ON CONFLICT (session_id) DO UPDATE SET
        video_id = excluded.video_id, started_at = excluded.started_at, startup_ms = excluded.startup_ms,
        played_wall_ms = excluded.played_wall_ms, stall_count = excluded.stall_count,
        stall_ms = excluded.stall_ms, doc = excluded.doc, updated_at = now()
      WHERE p.viewer_id = excluded.viewer_id
      RETURNING session_id`);
    if (rows.length === 0) return 'forbidden';
    if (doc.durationMs !== undefined) await touchVideo(tx, doc.videoId, doc.durationMs);
    return 'ok';
  });
}

export interface StoredSession extends Record<string, unknown> {
  sessionId: string;
  viewerId: string;
}

interface SessionRow {
  session_id: string;
  viewer_id: string;
  doc: string;
}

const toStored = (r: SessionRow): StoredSession => ({
  sessionId: r.session_id,
  viewerId: r.viewer_id,
  ...(parseJson(r.doc) as object),
});

export async function getSession(db: Database, sessionId: string): Promise<StoredSession | null> {
  const [row] = await db.rows<SessionRow>(sql`
    SELECT session_id, viewer_id, doc::text AS doc FROM playback_sessions WHERE session_id = ${sessionId}`);
  return row ? toStored(row) : null;
}

export async function listSessions(
  db: Database,
  videoId: string,
  limit: number,
  offset: number,
): Promise<{ total: number; sessions: StoredSession[] }> {
  const [count] = await db.rows<{ total: unknown }>(
    sql`SELECT count(*) AS total FROM playback_sessions WHERE video_id = ${videoId}`,
  );
  const rows = await db.rows<SessionRow>(sql`
    SELECT session_id, viewer_id, doc::text AS doc FROM playback_sessions WHERE video_id = ${videoId}
    ORDER BY started_at DESC, session_id LIMIT ${limit} OFFSET ${offset}`);
  return { total: num(count?.total), sessions: rows.map(toStored) };
}
