/** `PUT|GET /v1/videos/:videoId/viewers/:viewerId/sections` and `POST /v1/beacon` (SPEC §7–8). */
import { beaconPayloadSchema, sectionsPayloadSchema } from '@watchtime/core';
import { Hono } from 'hono';
import { type Principal, TokenError } from '../auth/tokens.js';
import type { AppEnv, Deps } from '../env.js';
import { requireCaller } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { parseId, readBody } from '../middleware/validate.js';
import { readViewerSections } from '../store/sections.js';

export function sectionsRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const path = '/videos/:videoId/viewers/:viewerId/sections';
  app.use(path, requireCaller(deps), rateLimit(deps.limiter));

  app.put(path, async (c) => {
    const videoId = parseId(c, 'videoId');
    if (!videoId.ok) return videoId.response;
    const viewerId = parseId(c, 'viewerId');
    if (!viewerId.ok) return viewerId.response;
    if (c.var.principal.sub !== viewerId.value)
      return c.json({ error: `this token may write only viewers/${c.var.principal.sub}` }, 403);
    const body = await readBody(c, sectionsPayloadSchema, 'sections payload');
    if (!body.ok) return body.response;
    return c.json(await deps.merges.merge({ videoId: videoId.value, viewerId: viewerId.value, ...body.value }));
  });

  app.get(path, async (c) => {
    const videoId = parseId(c, 'videoId');
    if (!videoId.ok) return videoId.response;
    const viewerId = parseId(c, 'viewerId');
    if (!viewerId.ok) return viewerId.response;
    const p = c.var.principal;
    if (p.role !== 'analyst' && p.sub !== viewerId.value)
      return c.json({ error: `this token may read only viewers/${p.sub}` }, 403);
    return c.json(await readViewerSections(deps.db, videoId.value, viewerId.value));
  });

  // sendBeacon cannot set headers: the token travels in the text/plain JSON body (SPEC §8).
  app.post('/beacon', async (c) => {
    const body = await readBody(c, beaconPayloadSchema, 'beacon payload');
    if (!body.ok) return body.response;
    let principal: Principal;
    try {
      principal = await deps.verify(body.value.token);
    } catch (error) {
      if (error instanceof TokenError) return c.json({ error: error.message }, 401);
      throw error;
    }
    const wait = deps.limiter.take(principal.key);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return c.json({ error: `rate limit exceeded: retry in ${wait} s` }, 429);
    }
    const { videoId, durationMs, sections } = body.value;
    await deps.merges.merge({ videoId, viewerId: principal.sub, durationMs, sections });
    return c.body(null, 204);
  });
  return app;
}
