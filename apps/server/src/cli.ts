/**
 * `watchtime-server`: flags and env → config → `startServer`; `token` mints a JWT; `worker`
 * runs analysis jobs from the shared queue.
 */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mintToken, parseTtl } from './auth/tokens.js';
import { parseOrigins } from './config.js';
import { DEFAULT_DATA_DIR, loadOrCreateSecrets } from './embedded.js';
import { DEMO_VIDEOS, seedDemoIfEmpty } from './seed.js';
import { type RunningServer, startServer } from './server.js';
import { startWorker } from './worker.js';

export const HELP = `watchtime-server — the watchtime merge API, analytics and dashboard

Usage:
  watchtime-server [--port N] [--host H] [--data-dir DIR] [--database-url URL] [--demo]
  watchtime-server token --viewer ID [--analyst] [--ttl 1h] [--data-dir DIR]
  watchtime-server worker --database-url URL [--storage DIR]
  watchtime-server --help

--demo seeds demo videos, viewers and sessions when the store is empty (npm start does).
Stores: PGlite in DIR/pglite (default DIR: ./${DEFAULT_DATA_DIR}), or PostgreSQL with --database-url.

Environment:
  PORT                        port (default 8080); --port wins
  HOST                        interface to listen on (default 127.0.0.1)
  DATABASE_URL                PostgreSQL URL; --database-url wins
  WATCHTIME_JWT_SECRET        HS256 secret; generated and kept in DIR/secrets.json when unset
  WATCHTIME_ANALYST_PASSWORD  dashboard login; generated and kept in DIR/secrets.json when unset
  WATCHTIME_CORS_ORIGINS      comma-separated origins allowed cross-origin (with credentials)
  WATCHTIME_RATE_BURST, WATCHTIME_RATE_REFILL   per-token rate limit (default 300, 5/s)
  WATCHTIME_STORAGE_DIR       uploaded recordings (default DIR/uploads); --storage wins; share it
                              between replicas and workers
  WATCHTIME_UPLOAD_LIMIT_BYTES  upload size cap (default 2 GiB)
  WATCHTIME_JOB_EXPIRE_SEC    seconds before an active job of a dead worker is retried (default 900)
  WATCHTIME_JOB_MAINTENANCE_SEC, WATCHTIME_JOB_POLL_SEC   pg-boss expiry sweep and polling intervals
`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  env: process.env,
};

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${value}`);
  return n;
}

/** Starts the server as the CLI would; returns it running (the caller decides when to close). */
export async function serveFromArgs(argv: string[], io: CliIo = defaultIo): Promise<RunningServer> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      storage: { type: 'string' },
      demo: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const env = io.env;
  const dataDir = values['data-dir'] ?? DEFAULT_DATA_DIR;
  const databaseUrl = values['database-url'] ?? env.DATABASE_URL ?? undefined;
  const port = numberOption(values.port ?? env.PORT, '--port') ?? 8080;
  const secrets = loadOrCreateSecrets(dataDir, env);
  const burst = numberOption(env.WATCHTIME_RATE_BURST, 'WATCHTIME_RATE_BURST');
  const refill = numberOption(env.WATCHTIME_RATE_REFILL, 'WATCHTIME_RATE_REFILL');
  const server = await startServer({
    port,
    host: values.host ?? env.HOST ?? '127.0.0.1',
    dataDir,
    databaseUrl: databaseUrl || undefined,
    storageDir: values.storage ?? (env.WATCHTIME_STORAGE_DIR || undefined),
    uploadLimitBytes: numberOption(env.WATCHTIME_UPLOAD_LIMIT_BYTES, 'WATCHTIME_UPLOAD_LIMIT_BYTES'),
    queue: queueOptions(env),
    config: {
      jwtSecret: secrets.jwtSecret,
      analystPassword: secrets.analystPassword,
      corsOrigins: parseOrigins(env.WATCHTIME_CORS_ORIGINS),
      rateLimit: { burst: burst ?? 300, refillPerSec: refill ?? 5 },
    },
  });
  if (values.demo) {
    io.out('seeding demo data through the merge path (first start only)…');
    const records = await seedDemoIfEmpty(server.db);
    io.out(
      records > 0
        ? `  seeded ${records} viewer records on ${DEMO_VIDEOS.length} videos`
        : '  store not empty: no demo data added',
    );
  }
  const viewer = await mintToken({ sub: 'demo-viewer', ttlSec: 7 * 86400 }, secrets.jwtSecret);
  io.out(`watchtime server listening on ${server.url}`);
  io.out(`  store:           ${server.db.kind} (${server.db.location})`);
  io.out(`  dashboard:       ${server.url}/  (analyst password: ${secrets.analystPassword})`);
  io.out(`  plugin bundle:   ${server.url}/watchtime.global.js`);
  io.out(`  demo viewer token (sub demo-viewer, 7 days):\n    ${viewer}`);
  if (secrets.generated.length > 0) io.out(`  generated ${secrets.generated.join(' and ')}: kept in ${secrets.file}`);
  return server;
}

async function tokenCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      viewer: { type: 'string' },
      analyst: { type: 'boolean', default: false },
      ttl: { type: 'string', default: '1h' },
      'data-dir': { type: 'string' },
    },
    strict: true,
  });
  if (!values.viewer) {
    io.err('token: --viewer ID is required (the token’s sub)');
    return 2;
  }
  const secret =
    io.env.WATCHTIME_JWT_SECRET?.trim() ||
    loadOrCreateSecrets(values['data-dir'] ?? DEFAULT_DATA_DIR, io.env).jwtSecret;
  io.out(
    await mintToken(
      { sub: values.viewer, role: values.analyst ? 'analyst' : 'viewer', ttlSec: parseTtl(values.ttl) },
      secret,
    ),
  );
  return 0;
}

function queueOptions(env: NodeJS.ProcessEnv) {
  const expire = numberOption(env.WATCHTIME_JOB_EXPIRE_SEC, 'WATCHTIME_JOB_EXPIRE_SEC');
  const maintenance = numberOption(env.WATCHTIME_JOB_MAINTENANCE_SEC, 'WATCHTIME_JOB_MAINTENANCE_SEC');
  const poll = numberOption(env.WATCHTIME_JOB_POLL_SEC, 'WATCHTIME_JOB_POLL_SEC');
  return {
    ...(expire !== undefined ? { expireInSeconds: expire } : {}),
    ...(maintenance !== undefined ? { maintenanceIntervalSeconds: maintenance } : {}),
    ...(poll !== undefined ? { pollingIntervalSeconds: poll } : {}),
  };
}

async function workerCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'database-url': { type: 'string' },
      storage: { type: 'string' },
      'data-dir': { type: 'string' },
      name: { type: 'string' },
    },
    strict: true,
  });
  const databaseUrl = values['database-url'] ?? io.env.DATABASE_URL;
  if (!databaseUrl) {
    io.err('worker: --database-url URL (or DATABASE_URL) is required: workers share the PostgreSQL job queue');
    return 2;
  }
  const storageDir =
    values.storage ?? (io.env.WATCHTIME_STORAGE_DIR || join(values['data-dir'] ?? DEFAULT_DATA_DIR, 'uploads'));
  const worker = await startWorker({
    databaseUrl,
    storageDir,
    ...queueOptions(io.env),
    ...(values.name ? { name: values.name } : {}),
  });
  io.out(`watchtime worker ${worker.name} running analyze-recording jobs (storage: ${storageDir})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await worker.stop();
  return 0;
}

/** Runs one CLI invocation; resolves with the exit code (serving resolves only at shutdown). */
export async function runCli(argv: string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === '--help' || command === '-h' || command === 'help') {
      io.out(HELP);
      return 0;
    }
    if (command === 'token') return await tokenCommand(rest, io);
    if (command === 'worker') return await workerCommand(rest, io);
    if (command !== undefined && !command.startsWith('-')) {
      io.err(`unknown command ${command}\n\n${HELP}`);
      return 2;
    }
    const server = await serveFromArgs(argv, io);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    return 0;
  } catch (error) {
    io.err(`watchtime-server: ${(error as Error).message}`);
    return 1;
  }
}

const invokedDirectly = (() => {
  try {
    const entry = process.argv[1] ? realpathSync(process.argv[1]) : '';
    const self = realpathSync(fileURLToPath(import.meta.url));
    return entry === self || entry.endsWith('/bin/watchtime-server.js');
  } catch {
    return false;
  }
})();

// Exit once the command is done: a driver's idle socket must not keep a stopped server alive.
if (invokedDirectly) process.exit(await runCli(process.argv.slice(2)));
