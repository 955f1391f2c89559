/**
 * `POST /v1/recordings` with a video body (`video/*` or `application/octet-stream`,
 * `?name=&sessionId=`): stream to storage (size-capped → 413), check with ffprobe (→ 400), store
 * a queued recording, enqueue `analyze-recording`, answer `202 {id, state}`.
 */
import { randomUUID } from 'node:crypto';
import { probeVideo, type VideoInfo } from '@watchtime/analyzer';
import { idSchema } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { Deps } from '../env.js';
import { ANALYZE_RECORDING, type JobStatus, setJobStatus } from '../jobs/analyze.js';
import { badRequest } from '../middleware/validate.js';
import { TooLargeError } from '../storage/files.js';

/** Upload retries cover a worker dying mid-job (pg-boss expiry) and transient ffmpeg failures. */
export const ANALYZE_RETRY_LIMIT = 2;

export function isVideoUpload(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type.startsWith('video/') || type === 'application/octet-stream';
}

export async function uploadRecording(c: Context, deps: Deps): Promise<Response> {
  const name = c.req.query('name')?.trim() ?? '';
  if (name.length < 1 || name.length > 500) return badRequest(c, 'query parameter name is required (1–500 characters)');
  const sessionRaw = c.req.query('sessionId');
  const session = sessionRaw === undefined ? undefined : idSchema.safeParse(sessionRaw);
  if (session && !session.success) return badRequest(c, `sessionId ${JSON.stringify(sessionRaw)} is not a valid id`);
  const declared = Number(c.req.header('content-length'));
  const limit = deps.storage.maxBytes;
  if (Number.isFinite(declared) && declared > limit) {
    return c.json({ error: `upload is larger than ${limit} bytes` }, 413);
  }
  const body = c.req.raw.body;
  if (!body) return badRequest(c, 'request body is empty: expected a video file');

  const id = randomUUID();
  const storageKey = `${id}.video`;
  let bytes: number;
  try {
    ({ bytes } = await deps.storage.put(storageKey, body));
  } catch (error) {
    if (error instanceof TooLargeError) return c.json({ error: error.message }, 413);
    throw error;
  }
  let info: VideoInfo;
  try {
    info = await probeVideo(deps.storage.path(storageKey));
  } catch (error) {
    await deps.storage.delete(storageKey);
    return badRequest(
      c,
      `the upload is not a video: ${(error as Error).message.replace(deps.storage.path(storageKey), 'upload')}`,
    );
  }
  const job: JobStatus = { state: 'queued', progress: 0, storageKey, bytes };
  const frames = Math.round((info.durationMs * info.fps) / 1000);
  const payload = {
    name,
    ...(session?.success ? { sessionId: session.data } : {}),
    fps: info.fps,
    frames,
    durationMs: info.durationMs,
    job,
  };
  await deps.db.rows(sql`
    INSERT INTO recordings (id, name, session_id, fps, frames, payload)
    VALUES (${id}, ${name}, ${session?.success ? session.data : null}, ${info.fps}, ${frames}, ${JSON.stringify(payload)}::jsonb)`);
  const jobId = await deps.queue.send(
    ANALYZE_RECORDING,
    { recordingId: id, storageKey },
    { retryLimit: ANALYZE_RETRY_LIMIT, retryDelaySec: 1 },
  );
  await setJobStatus(deps.db, id, { jobId });
  return c.json({ id, state: 'queued' as const, jobId }, 202);
}
