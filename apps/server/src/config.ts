/** Server configuration: what `createApp` needs, with the defaults of SPEC §8. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS } from '@watchtime/core';

export interface RateLimitConfig {
  /** Bucket size: requests allowed at once. */
  burst: number;
  /** Tokens added per second. */
  refillPerSec: number;
}

export interface ServerConfig {
  /** HS256 secret for viewer and analyst JWTs. */
  jwtSecret: string;
  /** Dashboard login password; login is refused when unset. */
  analystPassword?: string;
  /** Origins allowed cross-origin (credentials included). */
  corsOrigins: string[];
  rateLimit: RateLimitConfig;
  bodyLimitBytes: number;
  /** Login cookie lifetime. */
  loginTtlSec: number;
  /** Built dashboard (`apps/dashboard/dist`). */
  dashboardDir: string;
  /** The plugin's script-tag bundle. */
  pluginBundlePath: string;
  /** Seconds a client should wait after a 503. */
  retryAfterSec: number;
}

/** `apps/server`, whether running from `src/` or `dist/`. */
export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const DEFAULT_CONFIG: Omit<ServerConfig, 'jwtSecret'> = {
  corsOrigins: [],
  rateLimit: { burst: 300, refillPerSec: 5 },
  bodyLimitBytes: LIMITS.maxBodyBytes,
  loginTtlSec: 7 * 24 * 3600,
  dashboardDir: resolve(PACKAGE_DIR, '../dashboard/dist'),
  pluginBundlePath: resolve(PACKAGE_DIR, '../../packages/player-plugin/dist/watchtime.global.js'),
  retryAfterSec: 5,
};

export type ConfigInput = Partial<ServerConfig> & { jwtSecret: string };

export function resolveConfig(input: ConfigInput): ServerConfig {
  if (!input.jwtSecret || input.jwtSecret.length < 16)
    throw new Error('jwtSecret must be at least 16 characters (set WATCHTIME_JWT_SECRET)');
  return { ...DEFAULT_CONFIG, ...input, rateLimit: { ...DEFAULT_CONFIG.rateLimit, ...input.rateLimit } };
}

export function parseOrigins(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/+$/, ''))
    .filter(Boolean);
}
