/**
 * Viewer and analyst tokens (SPEC §7): HS256 JWTs, `sub` = viewerId, `exp` required,
 * `role: 'analyst'` for analysts. A site's backend mints them with `mintToken`.
 */
import { sign, verify } from 'hono/jwt';

export type Role = 'viewer' | 'analyst';

export interface Principal {
  sub: string;
  role: Role;
  /** What the rate limit counts against. */
  key: string;
}

export interface MintOptions {
  sub: string;
  role?: Role;
  /** Lifetime in seconds (default 1 h). */
  ttlSec?: number;
}

export async function mintToken(options: MintOptions, secret: string): Promise<string> {
  if (!options.sub) throw new Error('mintToken: sub (the viewer id) is required');
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = { sub: options.sub, iat: now, exp: now + (options.ttlSec ?? 3600) };
  if (options.role === 'analyst') payload.role = 'analyst';
  return sign(payload, secret, 'HS256');
}

export class TokenError extends Error {
  override name = 'TokenError';
}

/** Verifies signature, algorithm and expiry; returns the principal or throws TokenError saying why. */
export async function verifyToken(token: string, secret: string): Promise<Principal> {
  let payload: Record<string, unknown>;
  try {
    payload = (await verify(token, secret, 'HS256')) as Record<string, unknown>;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'JwtTokenExpired') throw new TokenError('token expired');
    throw new TokenError('invalid token');
  }
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenError('token has no sub (viewer id)');
  if (typeof payload.exp !== 'number') throw new TokenError('token has no exp');
  return { sub: payload.sub, role: payload.role === 'analyst' ? 'analyst' : 'viewer', key: `t:${token}` };
}

/**
 * A verifier that remembers tokens it has verified: a device sends the same token with every
 * merge, and an HS256 check is deterministic for a given secret, so only the expiry needs
 * re-checking on later uses. Bounded; failures are never cached.
 */
export function createVerifier(
  secret: string,
  maxEntries = 50_000,
  now: () => number = Date.now,
): (token: string) => Promise<Principal> {
  const cache = new Map<string, { principal: Principal; expMs: number }>();
  return async (token) => {
    const hit = cache.get(token);
    if (hit) {
      if (now() < hit.expMs) return hit.principal;
      cache.delete(token);
      throw new TokenError('token expired');
    }
    const principal = await verifyToken(token, secret);
    const exp = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }).exp;
    if (cache.size >= maxEntries) cache.clear();
    cache.set(token, { principal, expMs: exp * 1000 });
    return principal;
  };
}

/** `1h`, `30m`, `7d`, `45s` or plain seconds → seconds. */
export function parseTtl(text: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!m) throw new Error(`--ttl ${text}: expected e.g. 3600, 30m, 1h or 7d`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
