/** What every route and middleware can reach: the store, the config, the caller. */
import type { Principal } from './auth/tokens.js';
import type { ServerConfig } from './config.js';
import type { Database } from './db/connect.js';
import type { JobQueue } from './jobs/queue.js';
import type { TokenBucket } from './middleware/rate-limit.js';
import type { Storage } from './storage/files.js';
import type { MergeQueue } from './store/merge-queue.js';

export interface Deps {
  db: Database;
  config: ServerConfig;
  limiter: TokenBucket;
  /** Verifies a bearer token (signature, algorithm, expiry), remembering good ones. */
  verify: (token: string) => Promise<Principal>;
  /** The job queue shared by replicas and workers (pg-boss on PostgreSQL, in-process on PGlite). */
  queue: JobQueue;
  /** Uploaded recordings (a directory now; an object store later). */
  storage: Storage;
  /** Every upload's merge goes through it: concurrent uploads share one statement. */
  merges: MergeQueue;
}

export interface AppEnv {
  Variables: { principal: Principal };
}
