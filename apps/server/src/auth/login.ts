/**
 * Dashboard login sessions (SPEC §7): the password opens a session stored in the database
 * (hashed), so any replica accepts the cookie; logout deletes it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';

export const SESSION_COOKIE = 'wt_session';

const hash = (value: string) => createHash('sha256').update(value).digest('hex');

export function passwordMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export async function openLoginSession(db: Database, ttlSec: number): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await db.rows(sql`
    INSERT INTO login_sessions (id_hash, expires_at) VALUES (${hash(id)}, now() + make_interval(secs => ${ttlSec}))`);
  // Expired sessions are swept here, where it costs nothing noticeable.
  await db.rows(sql`DELETE FROM login_sessions WHERE expires_at < now()`);
  return id;
}

export async function loginSessionValid(db: Database, id: string): Promise<boolean> {
  const rows = await db.rows(sql`
    SELECT 1 FROM login_sessions WHERE id_hash = ${hash(id)} AND expires_at > now()`);
  return rows.length > 0;
}

export async function closeLoginSession(db: Database, id: string): Promise<void> {
  await db.rows(sql`DELETE FROM login_sessions WHERE id_hash = ${hash(id)}`);
}
