/** `GET /v1/videos/:videoId/heat` (any viewer token): the "most replayed" strip's data. */
import { Hono } from 'hono';
import type { AppEnv, Deps } from '../env.js';
import { requireCaller } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { parseId } from '../middleware/validate.js';
import { readHeat } from '../store/heat.js';

export function heatRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/videos/:videoId/heat', requireCaller(deps), rateLimit(deps.limiter), async (c) => {
    const videoId = parseId(c, 'videoId');
    if (!videoId.ok) return videoId.response;
    return c.json(await readHeat(deps.db, videoId.value));
  });
  return app;
}
