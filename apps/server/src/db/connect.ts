/**
 * Opens the store: PGlite in `<dataDir>/pglite` (embedded default) or PostgreSQL from a URL,
 * applies the drizzle-kit migrations of `apps/server/drizzle/`, and hides the two drivers'
 * differences behind `Database` (rows come back as plain objects either way).
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

/** Either driver's transaction or database: both can `execute` a drizzle `sql` template. */
export interface Executor {
  execute(query: SQL): Promise<unknown>;
}

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data lives (directory for PGlite, URL without password for PostgreSQL). */
  readonly location: string;
  /** Rows of one statement outside any transaction. */
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  /**
   * Rows of one fixed SQL text with `$n` parameters, outside any transaction. PostgreSQL keeps it
   * as a named prepared statement per connection, parsed and planned once (a generic plan: write
   * such statements so their plan suits any parameters).
   */
  query<T = Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]>;
  /** Runs `work` in one transaction; `rows` on the given handle runs inside it. */
  transaction<T>(work: (tx: TxHandle) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Raw SQL for pg-boss's `db` adapter (PGlite only): `$n` parameters, or several statements
   * when there are none. PostgreSQL gives pg-boss its own pool instead.
   */
  executeSql?(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface TxHandle {
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
}

export type OpenOptions = { dataDir: string } | { databaseUrl: string } | { memory: true };

/** The advisory lock key that serialises migrations across processes (any fixed int8). */
const MIGRATION_LOCK = '7320451009';

export const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle');

function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

function wrap(exec: Executor): TxHandle {
  return { rows: async <T>(q: SQL) => rowsOf<T>(await exec.execute(q)) };
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if ('databaseUrl' in options) return openPostgres(options.databaseUrl);
  let client: PGlite;
  let location: string;
  if ('memory' in options) {
    client = new PGlite();
    location = 'memory://';
  } else {
    location = join(resolve(options.dataDir), 'pglite');
    mkdirSync(dirname(location), { recursive: true });
    client = new PGlite(location);
  }
  const db = drizzlePglite({ client });
  await migratePglite(db, { migrationsFolder: MIGRATIONS_DIR });
  return {
    kind: 'pglite',
    location,
    rows: async (q) => rowsOf(await db.execute(q)),
    query: async <T>(text: string, params: unknown[]) => (await client.query<T>(text, params)).rows,
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    executeSql: async (text, values = []) =>
      values.length > 0 ? client.query(text, values) : { rows: (await client.exec(text)).at(-1)?.rows ?? [] },
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const client = postgres(url, {
    max: 10,
    connect_timeout: 5,
    onnotice: () => {},
  });
  // The hot path's fixed statements (`query`) get their own small pool whose plans are made once
  // and kept: planning the merge cost more than running it, and with array parameters PostgreSQL
  // would otherwise keep choosing a fresh custom plan per call.
  const planned = postgres(url, {
    max: 4,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { plan_cache_mode: 'force_generic_plan' },
  });
  const db = drizzlePostgres({ client });
  // Replicas started together would run the migrations at once and deadlock on the catalog:
  // one migrates while the others wait on a session advisory lock, then find nothing to do.
  const lock = await client.reserve();
  try {
    await lock.unsafe(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    await migratePostgres(db, { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await lock.unsafe(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`).catch(() => {});
    lock.release();
  }
  const dialect = new PgDialect();
  return {
    kind: 'postgres',
    location: url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@'),
    // Named prepared statements: the merge is one large statement whose planning would otherwise
    // cost about as much as running it.
    rows: async <T>(q: SQL) => {
      const { sql: text, params } = dialect.sqlToQuery(q);
      return [...(await client.unsafe(text, params as never[], { prepare: true }))] as T[];
    },
    query: async <T>(text: string, params: unknown[]) =>
      [...(await planned.unsafe(text, params as never[], { prepare: true }))] as T[],
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    close: async () => {
      await Promise.all([client.end({ timeout: 2 }), planned.end({ timeout: 2 })]);
    },
  };
}
