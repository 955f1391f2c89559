/**
 * CORS for the configured origins (the plugin runs on the customer's site). Same answers as
 * hono's `cors`, but the headers of an actual request are added to the handler's response in
 * place: hono's re-creates the response to append `Vary`, which on @hono/node-server means
 * building a full web Response (and a body stream) for every upload.
 */
import type { MiddlewareHandler } from 'hono';

const ALLOW_METHODS = 'GET,PUT,POST,DELETE,OPTIONS';
const ALLOW_HEADERS = 'Authorization,Content-Type';
const EXPOSE_HEADERS = 'Retry-After';
const MAX_AGE_SEC = 600;

export function corsFor(origins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(origins);
  return async (c, next) => {
    const origin = c.req.header('origin');
    const ok = origin !== undefined && allowed.has(origin);
    if (c.req.method === 'OPTIONS') {
      const headers: Record<string, string> = { Vary: 'Origin, Access-Control-Request-Headers' };
      if (ok) {
        headers['Access-Control-Allow-Origin'] = origin;
        headers['Access-Control-Allow-Credentials'] = 'true';
        headers['Access-Control-Expose-Headers'] = EXPOSE_HEADERS;
        headers['Access-Control-Allow-Methods'] = ALLOW_METHODS;
        headers['Access-Control-Allow-Headers'] = ALLOW_HEADERS;
        headers['Access-Control-Max-Age'] = String(MAX_AGE_SEC);
      }
      return c.body(null, 204, headers);
    }
    await next();
    let headers: Headers;
    try {
      headers = c.res.headers;
      headers.append('Vary', 'Origin');
    } catch {
      // An immutable response (a proxied fetch): copy it once.
      c.res = new Response(c.res.body, c.res);
      headers = c.res.headers;
      headers.append('Vary', 'Origin');
    }
    if (ok) {
      headers.set('Access-Control-Allow-Origin', origin);
      headers.set('Access-Control-Allow-Credentials', 'true');
      headers.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
  };
}
