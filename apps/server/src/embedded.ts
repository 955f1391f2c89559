/**
 * The embedded default's secrets (SPEC §7): with no `WATCHTIME_JWT_SECRET` (or no analyst
 * password) configured, one is generated at first start and kept in the data directory, so
 * tokens and logins survive restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_DATA_DIR = '.watchtime';

export interface Secrets {
  jwtSecret: string;
  analystPassword: string;
  /** Where generated values are kept (null when both came from the environment). */
  file: string | null;
  generated: Array<'jwtSecret' | 'analystPassword'>;
}

export function loadOrCreateSecrets(dataDir: string, env: NodeJS.ProcessEnv = process.env): Secrets {
  const envSecret = env.WATCHTIME_JWT_SECRET?.trim();
  const envPassword = env.WATCHTIME_ANALYST_PASSWORD?.trim();
  if (envSecret && envPassword)
    return { jwtSecret: envSecret, analystPassword: envPassword, file: null, generated: [] };
  const file = join(resolve(dataDir), 'secrets.json');
  let stored: Partial<Record<'jwtSecret' | 'analystPassword', string>> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file} is not valid JSON (${(error as Error).message}): fix or delete it`);
    }
  }
  const generated: Secrets['generated'] = [];
  if (!envSecret && !stored.jwtSecret) {
    stored.jwtSecret = randomBytes(32).toString('base64url');
    generated.push('jwtSecret');
  }
  if (!envPassword && !stored.analystPassword) {
    stored.analystPassword = randomBytes(9).toString('base64url');
    generated.push('analystPassword');
  }
  if (generated.length > 0) {
    mkdirSync(resolve(dataDir), { recursive: true });
    writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    jwtSecret: envSecret || (stored.jwtSecret as string),
    analystPassword: envPassword || (stored.analystPassword as string),
    file,
    generated,
  };
}
