/**
 * Jittered exponential backoff: after the n-th consecutive failure wait
 * min(cap, base × 2^(n−1)) scaled by a random factor in [0.5, 1) — many clients that lost the
 * server at the same moment do not all come back at the same moment.
 */
export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
}

export function backoffDelay(failures: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 1000;
  const cap = options.capMs ?? 60_000;
  const random = options.random ?? Math.random;
  const n = Math.max(1, Math.floor(failures));
  const raw = Math.min(cap, base * 2 ** Math.min(n - 1, 30));
  return Math.round(raw * (0.5 + 0.5 * random()));
}
