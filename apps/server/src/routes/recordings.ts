/**
 * Recordings (analyzer JSON) and the correlation endpoint. `watchtime-analyze correlate` posts the
 * correlation inside the recording; the session's correlation is the newest one stored.
 */
import { recordingPayloadSchema } from '@watchtime/core';
import { Hono } from 'hono';
import type { AppEnv, Deps } from '../env.js';
import { requireAnalyst } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { parseId, readBody } from '../middleware/validate.js';
import { addRecording, getCorrelation, getRecording, listRecordings } from '../store/recordings.js';
import { isVideoUpload, uploadRecording } from './upload.js';

export function recordingsRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const analyst = [requireAnalyst(deps), rateLimit(deps.limiter)] as const;

  app.post('/recordings', ...analyst, async (c) => {
    if (isVideoUpload(c.req.header('content-type'))) return uploadRecording(c, deps);
    const body = await readBody(c, recordingPayloadSchema, 'recording');
    if (!body.ok) return body.response;
    return c.json({ id: await addRecording(deps.db, body.value) }, 201);
  });

  app.get('/recordings', ...analyst, async (c) => c.json({ recordings: await listRecordings(deps.db) }));

  app.get('/recordings/:id', ...analyst, async (c) => {
    const id = parseId(c, 'id');
    if (!id.ok) return id.response;
    const recording = await getRecording(deps.db, id.value);
    return recording ? c.json(recording) : c.json({ error: `no recording ${id.value}` }, 404);
  });

  app.get('/sessions/:sessionId/correlation', ...analyst, async (c) => {
    const sessionId = parseId(c, 'sessionId');
    if (!sessionId.ok) return sessionId.response;
    const found = await getCorrelation(deps.db, sessionId.value);
    return found ? c.json(found) : c.json({ error: `no correlation yet for session ${sessionId.value}` }, 404);
  });
  return app;
}
