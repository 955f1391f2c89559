/** `startServer(options)`: open the store, build the app, listen on loopback or a given host. */
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import type { ConfigInput } from './config.js';
import { type Database, openDatabase } from './db/connect.js';

export interface StartOptions {
  /** 0 picks a free port. Default 8080. */
  port?: number;
  host?: string;
  /** An open store; else one is opened from `databaseUrl` or `dataDir` and closed by `close()`. */
  db?: Database;
  databaseUrl?: string;
  dataDir?: string;
  config: ConfigInput;
}

export interface RunningServer {
  url: string;
  port: number;
  db: Database;
  close(): Promise<void>;
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const owned = !options.db;
  const db =
    options.db ??
    (await openDatabase(
      options.databaseUrl ? { databaseUrl: options.databaseUrl } : { dataDir: options.dataDir ?? '.watchtime' },
    ));
  const app = createApp({ db, config: options.config });
  const host = options.host ?? '127.0.0.1';
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: host }, (info) =>
      resolve({ server: s, port: info.port }),
    );
    s.once('error', reject);
  }).catch(async (error) => {
    if (owned) await db.close();
    throw error;
  });
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    db,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      if (owned) await db.close();
    },
  };
}
