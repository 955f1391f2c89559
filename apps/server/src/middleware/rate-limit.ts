/**
 * Per-token rate limit (SPEC §8): a token bucket per key, burst 300, refill 5/s by default.
 * In memory per process; the keys are tokens (or login sessions), so one noisy client cannot
 * starve the others.
 */
import type { MiddlewareHandler } from 'hono';
import type { RateLimitConfig } from '../config.js';
import type { AppEnv } from '../env.js';

interface Bucket {
  tokens: number;
  at: number;
}

export class TokenBucket {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`; returns 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    const now = this.now();
    const { burst, refillPerSec } = this.config;
    const b = this.buckets.get(key) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * refillPerSec);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.buckets.set(key, b);
      if (this.buckets.size > 100_000) this.sweep(now);
      return 0;
    }
    this.buckets.set(key, b);
    return refillPerSec > 0 ? Math.max(1, Math.ceil((1 - b.tokens) / refillPerSec)) : 3600;
  }

  /** Drops buckets that have refilled completely: they behave exactly like absent ones. */
  private sweep(now: number): void {
    const { burst, refillPerSec } = this.config;
    for (const [key, b] of this.buckets)
      if (b.tokens + ((now - b.at) / 1000) * refillPerSec >= burst) this.buckets.delete(key);
  }
}

/** Limits the authenticated caller; put it after the auth middleware. */
export function rateLimit(limiter: TokenBucket): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const wait = limiter.take(c.var.principal.key);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      return c.json({ error: `rate limit exceeded: retry in ${wait} s` }, 429);
    }
    await next();
  };
}
