/** Dashboard login: `POST /v1/login {password}` → HttpOnly cookie; `POST /v1/logout`; `GET /v1/me`. */
import { Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { closeLoginSession, openLoginSession, passwordMatches, SESSION_COOKIE } from '../auth/login.js';
import type { AppEnv, Deps } from '../env.js';
import { requireAnalyst } from '../middleware/auth.js';
import { readBody } from '../middleware/validate.js';

const loginSchema = z.strictObject({ password: z.string({ error: 'password must be a string' }).min(1).max(1000) });

export function loginRoutes(deps: Deps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/login', async (c) => {
    // Password guessing is rate limited per client address like any token.
    const who = c.req.header('x-forwarded-for')?.split(',')[0]?.trim() || 'direct';
    const wait = deps.limiter.take(`login:${who}`);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return c.json({ error: `too many login attempts: retry in ${wait} s` }, 429);
    }
    const body = await readBody(c, loginSchema, 'login');
    if (!body.ok) return body.response;
    const expected = deps.config.analystPassword;
    if (!expected) return c.json({ error: 'login is disabled: WATCHTIME_ANALYST_PASSWORD is not set' }, 401);
    if (!passwordMatches(body.value.password, expected)) return c.json({ error: 'wrong password' }, 401);
    const id = await openLoginSession(deps.db, deps.config.loginTtlSec);
    setCookie(c, SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: deps.config.loginTtlSec,
    });
    return c.body(null, 204);
  });

  app.post('/logout', async (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    if (id) await closeLoginSession(deps.db, id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    return c.body(null, 204);
  });

  app.get('/me', requireAnalyst(deps), (c) => c.json({ role: 'analyst' }));
  return app;
}
