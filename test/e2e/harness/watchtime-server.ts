/**
 * The REAL watchtime server (`@watchtime/server`'s `startServer`) on a temp PGlite data dir, with
 * the tokens a site's backend would mint, and the few API calls the scenarios make.
 * Loaded at run time so the e2e suite can say precisely what is missing while it is being built.
 */
import { randomBytes } from 'node:crypto';

export interface RunningWatchtime {
  url: string;
  port: number;
  close(): Promise<void>;
}

interface ServerModule {
  startServer(options: {
    port?: number;
    dataDir?: string;
    config: { jwtSecret: string; corsOrigins?: string[]; rateLimit?: { burst: number; refillPerSec: number } };
  }): Promise<RunningWatchtime>;
  mintToken(
    claims: { sub: string; role?: 'viewer' | 'analyst'; ttlSec?: number },
    secret: string,
  ): Promise<string> | string;
}

/** Loads the server module; a string saying what is missing when it cannot be used. */
export async function loadServerModule(): Promise<ServerModule | string> {
  let mod: Partial<ServerModule>;
  try {
    const name = '@watchtime/server';
    mod = (await import(name)) as Partial<ServerModule>;
  } catch (e) {
    return `@watchtime/server cannot be imported (${(e as Error).message.split('\n')[0]}) — build apps/server`;
  }
  const missing = (['startServer', 'mintToken'] as const).filter((k) => typeof mod[k] !== 'function');
  if (missing.length > 0) return `@watchtime/server does not export ${missing.join(' and ')} yet`;
  return mod as ServerModule;
}

export interface WatchtimeFixture {
  server: RunningWatchtime;
  secret: string;
  dataDir: string;
  /** Stop (as if the machine went away) and start again on the same data dir and port. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  viewerToken(viewerId: string): Promise<string>;
  analystToken(): Promise<string>;
  api<T>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
}

export async function startWatchtime(
  mod: ServerModule,
  options: { dataDir: string; corsOrigins: string[] },
): Promise<WatchtimeFixture> {
  const secret = randomBytes(24).toString('hex');
  const config = { jwtSecret: secret, corsOrigins: options.corsOrigins };
  let server = await mod.startServer({ port: 0, dataDir: options.dataDir, config });
  const port = server.port;
  let running = true;
  let analyst: string | null = null;
  const fixture: WatchtimeFixture = {
    get server() {
      return server;
    },
    secret,
    dataDir: options.dataDir,
    async stop() {
      if (!running) return;
      running = false;
      await server.close();
    },
    async restart() {
      if (running) await server.close();
      server = await mod.startServer({ port, dataDir: options.dataDir, config });
      running = true;
    },
    viewerToken: async (viewerId) => mod.mintToken({ sub: viewerId, ttlSec: 3600 }, secret),
    analystToken: async () =>
      (analyst ??= await mod.mintToken({ sub: 'e2e-analyst', role: 'analyst', ttlSec: 3600 }, secret)),
    async api<T>(method: string, path: string, body?: unknown, token?: string) {
      const auth = token ?? (await fixture.analystToken());
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${auth}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      return { status: res.status, body: parsed as T };
    },
  };
  return fixture;
}
