/** `startServer(options)`: open the store, build the app, listen on loopback or a given host. */
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import type { ConfigInput } from './config.js';
import { type Database, openDatabase } from './db/connect.js';
import { registerAnalysisHandlers } from './jobs/analyze.js';
import { createInProcessQueue, createQueue, type JobQueue, type QueueOptions } from './jobs/queue.js';
import { createFileStorage } from './storage/files.js';

export interface StartOptions {
  /** 0 picks a free port. Default 8080. */
  port?: number;
  host?: string;
  /** An open store; else one is opened from `databaseUrl` or `dataDir` and closed by `close()`. */
  db?: Database;
  databaseUrl?: string;
  dataDir?: string;
  config: ConfigInput;
  /** Uploaded recordings (default `<dataDir>/uploads`); replicas and workers must share it. */
  storageDir?: string;
  /** Upload size cap in bytes (default 2 GiB). */
  uploadLimitBytes?: number;
  /** Job queue tuning (pg-boss on PostgreSQL needs `databaseUrl`, taken from above). */
  queue?: Omit<QueueOptions, 'databaseUrl'>;
  /** Called with the open queue before listening (the embedded store registers its job handlers here). */
  onQueue?: (queue: JobQueue, db: Database) => Promise<void>;
}

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  queue: JobQueue;
  close(): Promise<void>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const owned = !options.db;
  const db =
    options.db ??
    (await openDatabase(
      options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dataDir: options.dataDir ?? '.watchtime' },
    ));
  // A PostgreSQL store handed in without its URL cannot reach pg-boss: jobs then run in this process.
  const queue =
    db.kind === 'postgres' && !options.databaseUrl
      ? createInProcessQueue(options.queue)
      : await createQueue(db, { ...options.queue, databaseUrl: options.databaseUrl }).catch(async (error) => {
          if (owned) await db.close();
          throw error;
        });
  const storage = createFileStorage(options.storageDir ?? join(options.dataDir ?? '.watchtime', 'uploads'), {
    ...(options.uploadLimitBytes !== undefined ? { maxBytes: options.uploadLimitBytes } : {}),
  });
  // The embedded store (and an in-process queue) has no separate workers: this process runs the analyses.
  if (db.kind === 'pglite' || queue.kind === 'in-process')
    await registerAnalysisHandlers(queue, { db, storage, workerName: 'embedded' });
  await options.onQueue?.(queue, db);
  const app = createApp({ db, config: options.config, queue, storage });
  const host = options.host ?? '127.0.0.1';
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: host }, (info) =>
      resolve({ server: s, port: info.port }),
    );
    s.once('error', reject);
  }).catch(async (error) => {
    await queue.stop();
    if (owned) await db.close();
    throw error;
  });
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    db,
    queue,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await queue.stop();
      if (owned) await db.close();
    },
  };
}
