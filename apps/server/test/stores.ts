/** The two stores every route test runs against: PGlite (in memory) and the run's PostgreSQL. */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { createApp } from '../src/app.js';
import { mintToken } from '../src/auth/tokens.js';
import type { ConfigInput } from '../src/config.js';
import { type Database, openDatabase } from '../src/db/connect.js';

export const STORES = ['pglite', 'postgres'] as const;
export type StoreKind = (typeof STORES)[number];

export const SECRET = 'test-secret-0123456789abcdef';

/** The URL of a new, empty (not yet migrated) database in the run's PostgreSQL cluster. */
export async function emptyPostgresUrl(): Promise<string> {
  const adminUrl = inject('pgUrl');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

/** A fresh, migrated, empty store. */
export async function openStore(kind: StoreKind): Promise<Database> {
  if (kind === 'pglite') return openDatabase({ memory: true });
  return openDatabase({ databaseUrl: await emptyPostgresUrl() });
}

export function testApp(db: Database, config: Partial<ConfigInput> = {}) {
  return createApp({ db, config: { jwtSecret: SECRET, analystPassword: 'open sesame', ...config } });
}

export const viewerToken = (sub: string, ttlSec?: number) => mintToken({ sub, ttlSec }, SECRET);
export const analystToken = () => mintToken({ sub: 'analyst-1', role: 'analyst' }, SECRET);

export const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
export const json = (token: string, body: unknown, method = 'PUT'): RequestInit => ({
  method,
  headers: { ...auth(token), 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});
