/** `PUT /v1/sessions/:sessionId` (viewer, owner only) and `GET /v1/sessions/:sessionId` (analyst or owner). */
import { sessionSchema } from '@watchtime/core';
import { Hono } from 'hono';
import type { AppEnv, Deps } from '../env.js';
import { requireCaller } from '../middleware/auth.js';
import { rateLimit } from '../middleware/rate-limit.js';
import { parseId, readBody } from '../middleware/validate.js';
import { getSession, putSession } from '../store/sessions.js';
import { sessionEnded, sessionSettled } from '../webhooks/events.js';

export function sessionsRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/sessions/:sessionId', requireCaller(deps), rateLimit(deps.limiter));

  app.put('/sessions/:sessionId', async (c) => {
    const sessionId = parseId(c, 'sessionId');
    if (!sessionId.ok) return sessionId.response;
    const body = await readBody(c, sessionSchema, 'session document');
    if (!body.ok) return body.response;
    const result = await putSession(deps.db, sessionId.value, c.var.principal.sub, body.value);
    if (result === 'forbidden') return c.json({ error: `session ${sessionId.value} belongs to another viewer` }, 403);
    await sessionSettled(deps, body.value.videoId, c.var.principal.sub);
    await sessionEnded(deps, sessionId.value, c.var.principal.sub, body.value);
    return c.json({ sessionId: sessionId.value, ok: true });
  });

  app.get('/sessions/:sessionId', async (c) => {
    const sessionId = parseId(c, 'sessionId');
    if (!sessionId.ok) return sessionId.response;
    const session = await getSession(deps.db, sessionId.value);
    const p = c.var.principal;
    if (session && p.role !== 'analyst' && session.viewerId !== p.sub)
      return c.json({ error: 'analyst role required to read another viewer’s session' }, 403);
    if (!session) return c.json({ error: `no session ${sessionId.value}` }, 404);
    return c.json(session);
  });
  return app;
}
