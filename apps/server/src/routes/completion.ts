/**
 * Completion rules (issue 10, analyst): `PUT|GET /v1/videos/:videoId/completion-rule` and the
 * site-wide default `PUT|GET /v1/completion-rule`. Body: core's `completionRuleSchema`.
 * GET answers `{scope, rule, source}` where `source` says where the effective rule comes from.
 */
import { completionRuleSchema } from '@watchtime/core';
import { Hono } from 'hono';
import type { AppEnv, Deps } from '../env.js';
import { requireAnalyst } from '../middleware/auth.js';
import { parseId, readBody } from '../middleware/validate.js';
import { DEFAULT_SCOPE, getRule, putRule } from '../store/completion.js';

export function completionRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const one = '/videos/:videoId/completion-rule';
  app.use(one, requireAnalyst(deps));
  app.use('/completion-rule', requireAnalyst(deps));

  app.put(one, async (c) => {
    const videoId = parseId(c, 'videoId');
    if (!videoId.ok) return videoId.response;
    const body = await readBody(c, completionRuleSchema, 'completion rule');
    if (!body.ok) return body.response;
    await putRule(deps.db, videoId.value, body.value);
    return c.json({ videoId: videoId.value, rule: body.value, source: 'video' });
  });

  app.get(one, async (c) => {
    const videoId = parseId(c, 'videoId');
    if (!videoId.ok) return videoId.response;
    const own = await getRule(deps.db, videoId.value);
    if (own) return c.json({ videoId: videoId.value, rule: own, source: 'video' });
    const site = await getRule(deps.db, DEFAULT_SCOPE);
    if (site) return c.json({ videoId: videoId.value, rule: site, source: 'site' });
    return c.json({ videoId: videoId.value, rule: completionRuleSchema.parse({}), source: 'builtin' });
  });

  app.put('/completion-rule', async (c) => {
    const body = await readBody(c, completionRuleSchema, 'completion rule');
    if (!body.ok) return body.response;
    await putRule(deps.db, DEFAULT_SCOPE, body.value);
    return c.json({ rule: body.value, source: 'site' });
  });

  app.get('/completion-rule', async (c) => {
    const site = await getRule(deps.db, DEFAULT_SCOPE);
    return c.json(site ? { rule: site, source: 'site' } : { rule: completionRuleSchema.parse({}), source: 'builtin' });
  });
  return app;
}
