/**
 * xAPI (issue 10, analyst):
 * - `GET /v1/xapi/statements?videoId=&since=&until=` → a JSON array of Video Profile statements,
 *   streamed page by page, every statement checked before it leaves (library + profile rules);
 * - `POST /v1/xapi/statements` (a statement or an array) → its `played-segments` merged into the
 *   stored sets through the normal merge; nothing is stored when any statement is invalid;
 * - `POST /v1/xapi/forward {videoId?, since?, until?}` → the same statements sent to the LRS in
 *   `WATCHTIME_LRS_URL` with `@xapi/xapi` (auth: `WATCHTIME_LRS_AUTH`, or
 *   `WATCHTIME_LRS_USERNAME` + `WATCHTIME_LRS_PASSWORD` as Basic).
 */

import { mergeSections } from '@watchtime/core';
import XAPIModule from '@xapi/xapi';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv, Deps } from '../env.js';
import { requireAnalyst } from '../middleware/auth.js';
import { badRequest, parseWith, readJson } from '../middleware/validate.js';
import { exportStream } from '../store/exports.js';
import {
  checkStatement,
  type ExportFilter,
  importItems,
  type Statement,
  statementPages,
  xapiIdentity,
} from '../store/xapi.js';

/** Epoch ms or an ISO date. */
const instant = z.union([
  z.coerce.number().int().nonnegative(),
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be epoch ms or an ISO date')
    .transform((s) => Date.parse(s)),
]);
const filterSchema = z.strictObject({
  videoId: z
    .string()
    .regex(/^[A-Za-z0-9._:@-]{1,200}$/, 'videoId may contain only letters, digits and . _ : @ -')
    .optional(),
  since: instant.optional(),
  until: instant.optional(),
});

/** Pages that are checked on the way out: a statement failing the checks is a bug, not data to ship. */
async function* checked(pages: AsyncGenerator<Statement[]>): AsyncGenerator<Statement[]> {
  for await (const page of pages) {
    for (const s of page) {
      const problems = checkStatement(s);
      if (problems.length > 0) throw new Error(`built an invalid xAPI statement ${s.id}: ${problems.join('; ')}`);
    }
    yield page;
  }
}

// A CommonJS module: its class is also its own `default`, which is what the typings describe.
const XAPI = XAPIModule.default;

export interface LrsConfig {
  endpoint: string;
  auth?: string;
}

export function lrsConfig(env: NodeJS.ProcessEnv = process.env): LrsConfig | null {
  const endpoint = env.WATCHTIME_LRS_URL;
  if (!endpoint) return null;
  if (env.WATCHTIME_LRS_AUTH) return { endpoint, auth: env.WATCHTIME_LRS_AUTH };
  if (env.WATCHTIME_LRS_USERNAME)
    return { endpoint, auth: XAPI.toBasicAuth(env.WATCHTIME_LRS_USERNAME, env.WATCHTIME_LRS_PASSWORD ?? '') };
  return { endpoint };
}

/** Sends every page to the LRS (one POST /statements per page); answers how many were sent. */
export async function forwardToLrs(lrs: LrsConfig, pages: AsyncGenerator<Statement[]>): Promise<number> {
  const client = new XAPI({ endpoint: lrs.endpoint, ...(lrs.auth ? { auth: lrs.auth } : {}), adapter: 'fetch' });
  let sent = 0;
  for await (const page of pages) {
    await client.sendStatements({ statements: page as never });
    sent += page.length;
  }
  return sent;
}

export function xapiRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('/xapi/*', requireAnalyst(deps));

  app.get('/xapi/statements', async (c) => {
    const f = parseWith(c, filterSchema, c.req.query(), 'query');
    if (!f.ok) return f.response;
    const name = f.value.videoId ? `${f.value.videoId}-xapi` : 'watchtime-xapi';
    return c.body(exportStream(checked(statementPages(deps.db, xapiIdentity(), f.value)), 'json', []), 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="${name}.json"`,
      'Cache-Control': 'no-store',
    });
  });

  app.post('/xapi/statements', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const list = (Array.isArray(body.value) ? body.value : [body.value]) as Statement[];
    const { items, errors } = importItems(xapiIdentity(), list);
    if (errors.length > 0)
      return badRequest(
        c,
        `${errors.length} problem(s) in the statements; nothing was imported: ${errors[0]}`,
        errors.map((message) => ({ path: message.split(':')[0] ?? '', message })),
      );
    // Imported history completes viewers like live uploads do, webhooks included.
    await Promise.all(items.map((item) => deps.merges.merge({ ...item, sections: mergeSections(item.sections) })));
    return c.json({ statements: list.length, merged: items.length });
  });

  app.post('/xapi/forward', async (c: Context<AppEnv>) => {
    const lrs = lrsConfig();
    if (!lrs) return c.json({ error: 'no LRS configured: set WATCHTIME_LRS_URL (and its auth)' }, 409);
    const text = await c.req.text();
    let input: unknown = {};
    try {
      input = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      return badRequest(c, `request body is not valid JSON: ${(error as Error).message}`);
    }
    const f = parseWith(c, filterSchema, input, 'forward request');
    if (!f.ok) return f.response;
    try {
      const sent = await forwardToLrs(lrs, checked(statementPages(deps.db, xapiIdentity(), f.value as ExportFilter)));
      return c.json({ sent, lrs: lrs.endpoint });
    } catch (error) {
      const e = error as { message?: string; status?: number; response?: { status?: number } };
      return c.json({ error: `the LRS refused or failed: ${e.message ?? String(error)}` }, 502);
    }
  });
  return app;
}
