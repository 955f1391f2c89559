/** A fresh PostgreSQL database in the run's cluster, with its URL (pg-boss and child processes need it). */
import { type Database, openDatabase } from '../../src/db/connect.js';
import { emptyPostgresUrl } from '../stores.js';

export async function freshPostgres(): Promise<{ url: string; db: Database }> {
  const url = await emptyPostgresUrl();
  return { url, db: await openDatabase({ databaseUrl: url }) };
}
