/** Analyzer results posted by the CLI (SPEC §8 `POST /v1/recordings`), stored as given. */
import { randomUUID } from 'node:crypto';
import type { RecordingPayload } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { epochMs, num, parseJson } from '../db/values.js';

export async function addRecording(db: Database, payload: RecordingPayload): Promise<string> {
  const id = randomUUID();
  await db.rows(sql`
    INSERT INTO recordings (id, name, session_id, fps, frames, payload)
    VALUES (${id}, ${payload.name}, ${payload.sessionId ?? null}, ${payload.fps}, ${payload.frames},
            ${JSON.stringify(payload)}::jsonb)`);
  return id;
}

export async function listRecordings(db: Database) {
  const rows = await db.rows<Record<string, unknown>>(sql`
    SELECT id, name, session_id, fps, frames,
           jsonb_array_length(payload->'freeze'->'frozen') AS frozen_count,
           payload->'freeze'->>'stutterMs' AS stutter_ms,
           payload->'job'->>'state' AS job_state, payload->'job'->>'progress' AS job_progress,
           ${epochMs(sql`created_at`)} AS created_at
    FROM recordings ORDER BY created_at DESC, id`);
  return rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    sessionId: (r.session_id as string | null) ?? null,
    fps: num(r.fps),
    frames: num(r.frames),
    frozenCount: num(r.frozen_count),
    stutterMs: num(r.stutter_ms),
    createdAt: num(r.created_at),
    // Uploads carry their analysis job's state; results posted as JSON are complete as stored.
    state: (r.job_state as string | null) ?? 'completed',
    progress: r.job_state == null ? 1 : num(r.job_progress),
  }));
}

export async function getRecording(db: Database, id: string) {
  const [r] = await db.rows<Record<string, unknown>>(sql`
    SELECT id, ${epochMs(sql`created_at`)} AS created_at, payload::text AS payload FROM recordings WHERE id = ${id}`);
  if (!r) return null;
  const payload = parseJson(r.payload) as RecordingPayload & { job?: { state?: string; progress?: number } };
  return {
    ...payload,
    id: String(r.id),
    sessionId: payload.sessionId ?? null,
    createdAt: num(r.created_at),
    state: payload.job?.state ?? 'completed',
    progress: payload.job ? (payload.job.progress ?? 0) : 1,
  };
}

/** The newest correlation stored for a session (the analyzer's `correlate` posts it with the recording). */
export async function getCorrelation(db: Database, sessionId: string) {
  const [r] = await db.rows<Record<string, unknown>>(sql`
    SELECT id, name, ${epochMs(sql`created_at`)} AS created_at, (payload->'correlation')::text AS correlation
    FROM recordings
    WHERE session_id = ${sessionId} AND payload ? 'correlation'
    ORDER BY created_at DESC, id DESC LIMIT 1`);
  if (!r) return null;
  return {
    sessionId,
    recordingId: String(r.id),
    recordingName: String(r.name),
    createdAt: num(r.created_at),
    ...(parseJson(r.correlation) as Record<string, unknown>),
  };
}
