/** A fresh PostgreSQL database in the run's cluster, with its URL (pg-boss and child processes need it). */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/db/connect.js';

export async function freshPostgres(): Promise<{ url: string; db: Database }> {
  const adminUrl = inject('pgUrl');
  const name = `s_${randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  return { url, db: await openDatabase({ databaseUrl: url }) };
}
