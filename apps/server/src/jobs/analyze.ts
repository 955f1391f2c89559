/**
 * The `analyze-recording` job: an uploaded video → `@watchtime/analyzer`'s freeze pass → the
 * recording row's payload. Job state and progress live in that payload (`payload.job`), so every
 * replica reads them from PostgreSQL; pg-boss only carries the work item.
 */
import { analyzeFreeze, probeVideo } from '@watchtime/analyzer';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import type { Storage } from '../storage/files.js';
import type { Job, JobQueue } from './queue.js';

export const ANALYZE_RECORDING = 'analyze-recording';

export type JobState = 'queued' | 'active' | 'completed' | 'failed';

export interface JobStatus {
  state: JobState;
  /** 0…1 of the frames decoded. */
  progress: number;
  jobId?: string | null;
  attempts?: number;
  error?: string;
  worker?: string;
  storageKey?: string;
  bytes?: number;
}

/** Merges `status` into `payload.job` of one recording. */
export async function setJobStatus(db: Database, recordingId: string, status: Partial<JobStatus>): Promise<void> {
  await db.rows(sql`
    UPDATE recordings
    SET payload = jsonb_set(payload, '{job}', COALESCE(payload->'job', '{}'::jsonb) || ${JSON.stringify(status)}::jsonb)
    WHERE id = ${recordingId}`);
}

export interface AnalyzeHandlerOptions {
  db: Database;
  storage: Storage;
  /** Shown in the job status (which worker ran the last attempt). */
  workerName?: string;
  /** Frames analysed per second of video (default: the video's own rate). */
  fps?: number;
}

/** The handler that workers (and the embedded server) register. */
export function analyzeRecordingHandler(options: AnalyzeHandlerOptions) {
  const { db, storage } = options;
  return async (job: Job): Promise<void> => {
    const recordingId = String(job.data.recordingId);
    const key = String(job.data.storageKey);
    const [row] = await db.rows<{ attempts: number | null }>(sql`
      SELECT (payload->'job'->>'attempts')::int AS attempts FROM recordings WHERE id = ${recordingId}`);
    if (!row) return; // deleted meanwhile: nothing to do
    const attempts = (row.attempts ?? 0) + 1;
    await setJobStatus(db, recordingId, {
      state: 'active',
      progress: 0,
      attempts,
      jobId: job.id,
      ...(options.workerName ? { worker: options.workerName } : {}),
    });
    try {
      const file = storage.path(key);
      const info = await probeVideo(file);
      let shown = 0;
      let pending: Promise<void> = Promise.resolve();
      const analysis = await analyzeFreeze(file, options.fps ? { fps: options.fps } : {}, (done, total) => {
        const progress = total > 0 ? Math.min(1, done / total) : 0;
        // A write per ~5 %: progress is for people, not a per-frame log.
        if (progress - shown >= 0.05) {
          shown = progress;
          pending = pending.then(() => setJobStatus(db, recordingId, { progress: Math.round(progress * 1000) / 1000 }));
        }
      });
      await pending;
      const { curves: _curves, ...freeze } = analysis.report as typeof analysis.report & { curves?: unknown };
      await db.rows(sql`
        UPDATE recordings
        SET fps = ${freeze.fps}, frames = ${freeze.frames},
            payload = payload || jsonb_build_object(
              'fps', ${freeze.fps}::float8, 'frames', ${freeze.frames}::int, 'durationMs', ${info.durationMs}::int,
              'freeze', ${JSON.stringify(freeze)}::jsonb,
              'job', COALESCE(payload->'job', '{}'::jsonb) || '{"state":"completed","progress":1}'::jsonb)
        WHERE id = ${recordingId}`);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      const last = job.retryLimit === undefined || (job.retryCount ?? 0) >= job.retryLimit;
      await setJobStatus(db, recordingId, { state: last ? 'failed' : 'queued', error: message });
      throw error;
    }
  };
}

export async function registerAnalysisHandlers(queue: JobQueue, options: AnalyzeHandlerOptions): Promise<void> {
  await queue.work(ANALYZE_RECORDING, analyzeRecordingHandler(options));
}
