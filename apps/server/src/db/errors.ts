/**
 * Which failures mean "the database is unavailable" (→ 503 with Retry-After) rather than a bug.
 * Walks the cause chain because drizzle wraps driver errors.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 6; depth++) {
    const err = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    const code = typeof err.code === 'string' ? err.code : '';
    if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
    const message = typeof err.message === 'string' ? err.message : '';
    if (/PGlite is closed|connection (terminated|ended)|ECONNREFUSED|terminating connection/i.test(message))
      return true;
    if (Array.isArray(err.errors) && err.errors.some(isDatabaseUnavailable)) return true;
    e = err.cause;
  }
  return false;
}

/** Deadlocks and serialization failures: the transaction is safe to run again. */
export function isRetryable(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; e && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === '40P01' || code === '40001') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Runs `work` again after a deadlock or serialization failure (it must be atomic: one statement
 * or one transaction), with a short random back-off; other errors pass through.
 */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 8): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
    }
  }
}
