/**
 * 401 without a valid token; analysts by JWT role or by the dashboard's login cookie.
 * Ownership checks (403) sit in the routes, where the record's owner is known.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { loginSessionValid, SESSION_COOKIE } from '../auth/login.js';
import { type Principal, TokenError } from '../auth/tokens.js';
import type { AppEnv, Deps } from '../env.js';

function bearer(c: Context): string | null {
  const header = c.req.header('Authorization');
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? (m[1] as string) : '';
}

async function principalOf(c: Context, deps: Deps): Promise<Principal | string> {
  const token = bearer(c);
  if (token) {
    try {
      return await deps.verify(token);
    } catch (error) {
      if (error instanceof TokenError) return error.message;
      throw error;
    }
  }
  if (token === '') return 'Authorization must be "Bearer <token>"';
  const cookie = getCookie(c, SESSION_COOKIE);
  if (cookie && (await loginSessionValid(deps.db, cookie)))
    return { sub: 'analyst', role: 'analyst', key: `s:${cookie}` };
  return 'missing token: send Authorization: Bearer <JWT>';
}

/** Any valid caller: a viewer token, an analyst token or the login cookie. */
export function requireCaller(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = await principalOf(c, deps);
    if (typeof p === 'string') return c.json({ error: p }, 401);
    c.set('principal', p);
    await next();
  };
}

export function requireAnalyst(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = await principalOf(c, deps);
    if (typeof p === 'string') return c.json({ error: p }, 401);
    if (p.role !== 'analyst') return c.json({ error: 'analyst role required' }, 403);
    c.set('principal', p);
    await next();
  };
}
