/**
 * Webhooks (issue 10, analyst): `POST /v1/webhooks {url, secret, events}`, `GET /v1/webhooks`,
 * `DELETE /v1/webhooks/:id`, `GET /v1/webhooks/:id/deliveries?limit=N`. The secret is write-only.
 * URLs must be HTTPS, or plain HTTP on a loopback host (tests, a receiver on the same machine).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, Deps } from '../env.js';
import { requireAnalyst } from '../middleware/auth.js';
import { parseWith, readBody } from '../middleware/validate.js';
import { createWebhook, deleteWebhook, listDeliveries, listWebhooks, WEBHOOK_EVENTS } from '../store/webhooks.js';
import { startWebhookDelivery } from '../webhooks/deliver.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const webhookSchema = z.strictObject({
  url: z
    .string()
    .max(2048)
    .refine((u) => {
      try {
        const url = new URL(u);
        return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
      } catch {
        return false;
      }
    }, 'url must be an https:// URL (or http:// on 127.0.0.1, localhost or [::1])'),
  secret: z.string().min(16, 'secret must be at least 16 characters').max(512),
  events: z
    .array(z.enum(WEBHOOK_EVENTS, { error: `events may be ${WEBHOOK_EVENTS.join(', ')}` }))
    .min(1, 'events must name at least one event')
    .transform((list) => [...new Set(list)]),
});

const limitSchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export function webhooksRoutes(deps: Deps): Hono<AppEnv> {
  // Every app works the delivery queue: with pg-boss, replicas share the jobs.
  startWebhookDelivery(deps.queue, deps.db).catch((error) =>
    console.error('watchtime-server: webhook delivery could not start:', (error as Error).message),
  );
  const app = new Hono<AppEnv>();
  app.use('/webhooks', requireAnalyst(deps));
  app.use('/webhooks/*', requireAnalyst(deps));

  app.post('/webhooks', async (c) => {
    const body = await readBody(c, webhookSchema, 'webhook');
    if (!body.ok) return body.response;
    return c.json(await createWebhook(deps.db, body.value), 201);
  });

  app.get('/webhooks', async (c) => c.json({ webhooks: await listWebhooks(deps.db) }));

  app.delete('/webhooks/:id', async (c) => {
    const id = c.req.param('id');
    return (await deleteWebhook(deps.db, id)) ? c.body(null, 204) : c.json({ error: `no webhook ${id}` }, 404);
  });

  app.get('/webhooks/:id/deliveries', async (c) => {
    const id = c.req.param('id');
    const q = parseWith(c, limitSchema, c.req.query(), 'query');
    if (!q.ok) return q.response;
    if (!(await listWebhooks(deps.db)).some((w) => w.id === id)) return c.json({ error: `no webhook ${id}` }, 404);
    return c.json({ deliveries: await listDeliveries(deps.db, id, q.value.limit) });
  });
  return app;
}
