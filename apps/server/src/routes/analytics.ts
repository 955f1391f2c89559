/** Analyst endpoints over videos: list, metadata, summary, retention, viewers, sessions. */
import { retentionQuerySchema, videoMetaSchema } from '@watchtime/core';
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, Deps } from '../env.js';
import { requireAnalyst } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { parseId, parseWith, readBody } from '../middleware/validate.js';
import { listVideos, listViewers, putVideo, videoDuration, videoSummary } from '../store/analytics.js';
import { readRetention } from '../store/retention.js';
import { listSessions } from '../store/sessions.js';

const pageSchema = z.object({
  limit: z.coerce.number().int('limit must be an integer').min(1).max(1000, 'limit must be at most 1000').default(100),
  offset: z.coerce.number().int('offset must be an integer').min(0, 'offset must not be negative').default(0),
});

export function analyticsRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const analyst = [requireAnalyst(deps), rateLimit(deps.limiter)] as const;

  app.get('/videos', ...analyst, async (c) => c.json({ videos: await listVideos(deps.db) }));

  app.put('/videos/:videoId', ...analyst, async (c) => {
    const videoId = parseId(c, 'videoId');
    if (!videoId.ok) return videoId.response;
    const body = await readBody(c, videoMetaSchema, 'video metadata');
    if (!body.ok) return body.response;
    const result = await putVideo(deps.db, videoId.value, body.value);
    if (!result.ok)
      return c.json({ error: result.error, issues: [{ path: 'durationMs', message: result.error }] }, 400);
    const summary = await videoSummary(deps.db, videoId.value);
    if (!summary) return c.json({ error: `no video ${videoId.value}` }, 404);
    const { videoId: id, title, posterUrl, durationMs, firstSeenAt, updatedAt } = summary;
    return c.json({ videoId: id, title, posterUrl, durationMs, firstSeenAt, updatedAt });
  });

  app.get('/videos/:videoId/summary', ...analyst, async (c) => {
    const videoId = parseId(c, 'videoId');
    if (!videoId.ok) return videoId.response;
    const summary = await videoSummary(deps.db, videoId.value);
    return summary ? c.json(summary) : c.json({ error: `no video ${videoId.value}` }, 404);
  });

  app.get('/videos/:videoId/retention', ...analyst, async (c) => {
    const videoId = parseId(c, 'videoId');
    if (!videoId.ok) return videoId.response;
    const query = parseWith(c, retentionQuerySchema, c.req.query(), 'query');
    if (!query.ok) return query.response;
    const durationMs = await videoDuration(deps.db, videoId.value);
    if (durationMs === null || durationMs <= 0) return c.json({ error: `no video ${videoId.value}` }, 404);
    const retention = await deps.db.transaction((tx) =>
      readRetention(tx, videoId.value, durationMs, query.value.buckets),
    );
    return c.json(retention);
  });

  app.get('/videos/:videoId/viewers', ...analyst, async (c) => {
    const videoId = parseId(c, 'videoId');
    if (!videoId.ok) return videoId.response;
    const page = parseWith(c, pageSchema, c.req.query(), 'query');
    if (!page.ok) return page.response;
    return c.json(await listViewers(deps.db, videoId.value, page.value.limit, page.value.offset));
  });

  app.get('/videos/:videoId/sessions', ...analyst, async (c) => {
    const videoId = parseId(c, 'videoId');
    if (!videoId.ok) return videoId.response;
    const page = parseWith(c, pageSchema, c.req.query(), 'query');
    if (!page.ok) return page.response;
    return c.json(await listSessions(deps.db, videoId.value, page.value.limit, page.value.offset));
  });
  return app;
}
