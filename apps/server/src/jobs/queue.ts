/**
 * The job queue every replica and worker shares (SPEC §8 "Storage for scale-out").
 *
 * - PostgreSQL: pg-boss 10 in its own schema (`pgboss`) with its own small pool, so several
 *   workers on several machines fetch with `SKIP LOCKED`, and an active job whose worker died
 *   expires after `expireInSeconds` and is retried by another one (pg-boss's maintenance loop).
 * - PGlite (embedded, one process): the same pg-boss through its `db` adapter on the PGlite
 *   instance, so jobs survive a restart of the embedded server; that server runs the handlers.
 * - `createInProcessQueue`: the same contract in memory (retries, delays, singleton keys), for an
 *   app built without a queue and for a PostgreSQL store handed in without its URL.
 */
import PgBoss from 'pg-boss';
import type { Database } from '../db/connect.js';

export interface SendOptions {
  retryLimit?: number;
  retryDelaySec?: number;
  retryBackoff?: boolean;
  /** At most one queued or active job per key and name. */
  singletonKey?: string;
  startAfterSec?: number;
}

export interface Job {
  id: string;
  data: Record<string, unknown>;
  /** Attempts before this one, and how many retries the job has in all (when the queue knows). */
  retryCount?: number;
  retryLimit?: number;
}

export type JobHandler = (job: Job) => Promise<void>;

export interface JobQueue {
  readonly kind: 'pg-boss' | 'in-process';
  /** Enqueues a job; resolves with its id, or `null` when a singleton with the same key is pending. */
  send(name: string, data: Record<string, unknown>, opts?: SendOptions): Promise<string | null>;
  /** Runs `handler` for jobs of `name`; a throw fails the attempt (retried while attempts remain). */
  work(name: string, handler: JobHandler, opts?: { batchSize?: number }): Promise<void>;
  stop(): Promise<void>;
}

export interface QueueOptions {
  /** Required for a PostgreSQL store: pg-boss opens its own small pool. */
  databaseUrl?: string;
  /** Seconds an active job may run before it counts as abandoned and is retried (default 15 min). */
  expireInSeconds?: number;
  /** How often pg-boss looks for expired jobs (default 60 s; tests use a few seconds). */
  maintenanceIntervalSeconds?: number;
  /** How often an idle worker polls (default 2 s, minimum 0.5 s). */
  pollingIntervalSeconds?: number;
  /** Default attempts after the first one (default 2). */
  retryLimit?: number;
}

const DEFAULT_RETRY_LIMIT = 2;

export async function createQueue(db: Database, options: QueueOptions = {}): Promise<JobQueue> {
  if (db.kind === 'pglite') {
    // pg-boss through its `db` adapter: PGlite runs each statement (and each drizzle transaction)
    // exclusively, so pg-boss's statements never land inside another transaction.
    if (!db.executeSql) return createInProcessQueue(options);
    const executeSql = db.executeSql.bind(db);
    return createPgBossQueue({ db: { executeSql: (text, values) => executeSql(text, values) } }, options);
  }
  if (!options.databaseUrl) {
    throw new Error('createQueue: a PostgreSQL store needs options.databaseUrl for pg-boss');
  }
  return createPgBossQueue({ connectionString: options.databaseUrl, max: 4 }, options);
}

async function createPgBossQueue(
  connection: { connectionString: string; max: number } | { db: PgBoss.Db },
  options: QueueOptions,
): Promise<JobQueue> {
  const expireInSeconds = options.expireInSeconds ?? 15 * 60;
  const boss = new PgBoss({
    ...connection,
    schema: 'pgboss',
    expireInSeconds,
    retryLimit: options.retryLimit ?? DEFAULT_RETRY_LIMIT,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
    // Cron scheduling is unused; skipping it saves a polling loop per process.
    schedule: false,
  });
  boss.on('error', (error) => console.error('watchtime-server: job queue:', error.message));
  await boss.start();
  const created = new Set<string>();
  const ensure = async (name: string) => {
    if (created.has(name)) return;
    // Idempotent (`ON CONFLICT DO NOTHING` inside pg-boss), so replicas racing here is fine.
    await boss.createQueue(name, { name, expireInSeconds, retryLimit: options.retryLimit ?? DEFAULT_RETRY_LIMIT });
    created.add(name);
  };
  return {
    kind: 'pg-boss',
    async send(name, data, opts = {}) {
      await ensure(name);
      if (opts.singletonKey !== undefined) {
        // pg-boss 10 ties key uniqueness to a queue policy that would also cap key-less jobs, so
        // the "one pending job per key" check is done here (best effort across racing replicas).
        const { rows } = await boss
          .getDb()
          .executeSql(
            `SELECT 1 FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state < 'completed' LIMIT 1`,
            [name, opts.singletonKey],
          );
        if (rows.length > 0) return null;
      }
      return boss.send(name, data, {
        ...(opts.retryLimit !== undefined ? { retryLimit: opts.retryLimit } : {}),
        ...(opts.retryDelaySec !== undefined ? { retryDelay: opts.retryDelaySec } : {}),
        ...(opts.retryBackoff !== undefined ? { retryBackoff: opts.retryBackoff } : {}),
        ...(opts.singletonKey !== undefined ? { singletonKey: opts.singletonKey } : {}),
        ...(opts.startAfterSec !== undefined ? { startAfter: opts.startAfterSec } : {}),
        expireInSeconds,
      });
    },
    async work(name, handler, opts = {}) {
      await ensure(name);
      await boss.work<Record<string, unknown>>(
        name,
        {
          batchSize: opts.batchSize ?? 1,
          includeMetadata: true,
          pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
        },
        // A batch resolves or rejects as a whole in pg-boss; jobs one by one keep failures apart.
        async (jobs) => {
          for (const job of jobs) {
            await handler({ id: job.id, data: job.data ?? {}, retryCount: job.retryCount, retryLimit: job.retryLimit });
          }
        },
      );
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    },
  };
}

interface Pending {
  id: string;
  name: string;
  data: Record<string, unknown>;
  attempt: number;
  retryLimit: number;
  retryDelaySec: number;
  retryBackoff: boolean;
  singletonKey?: string;
  runAt: number;
}

/** One process, same contract: attempts, delays with optional backoff, singleton keys, start-after. */
export function createInProcessQueue(options: QueueOptions = {}): JobQueue {
  const handlers = new Map<string, JobHandler>();
  const waiting: Pending[] = [];
  const activeKeys = new Set<string>();
  const running = new Set<Promise<void>>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const keyOf = (name: string, key: string) => `${name}\u0000${key}`;

  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const now = Date.now();
    for (let i = 0; i < waiting.length; ) {
      const job = waiting[i] as Pending;
      const handler = handlers.get(job.name);
      if (handler && job.runAt <= now) {
        waiting.splice(i, 1);
        const p = run(job, handler).finally(() => running.delete(p));
        running.add(p);
      } else i++;
    }
    const next = waiting.filter((j) => handlers.has(j.name)).reduce((m, j) => Math.min(m, j.runAt), Infinity);
    if (Number.isFinite(next)) {
      timer = setTimeout(schedule, Math.max(0, next - Date.now()));
      timer.unref?.();
    }
  };

  const run = async (job: Pending, handler: JobHandler) => {
    try {
      await handler({ id: job.id, data: job.data, retryCount: job.attempt, retryLimit: job.retryLimit });
      if (job.singletonKey !== undefined) activeKeys.delete(keyOf(job.name, job.singletonKey));
    } catch (error) {
      if (job.attempt < job.retryLimit && !stopped) {
        const delay = job.retryBackoff ? job.retryDelaySec * 2 ** job.attempt : job.retryDelaySec;
        waiting.push({ ...job, attempt: job.attempt + 1, runAt: Date.now() + delay * 1000 });
      } else {
        if (job.singletonKey !== undefined) activeKeys.delete(keyOf(job.name, job.singletonKey));
        console.error(`watchtime-server: job ${job.name} ${job.id} failed for good: ${(error as Error).message}`);
      }
    }
    schedule();
  };

  return {
    kind: 'in-process',
    async send(name, data, opts = {}) {
      if (stopped) throw new Error('the job queue is stopped');
      if (opts.singletonKey !== undefined) {
        const key = keyOf(name, opts.singletonKey);
        if (activeKeys.has(key)) return null;
        activeKeys.add(key);
      }
      const id = crypto.randomUUID();
      waiting.push({
        id,
        name,
        data,
        attempt: 0,
        retryLimit: opts.retryLimit ?? options.retryLimit ?? DEFAULT_RETRY_LIMIT,
        retryDelaySec: opts.retryDelaySec ?? 0,
        retryBackoff: opts.retryBackoff ?? false,
        ...(opts.singletonKey !== undefined ? { singletonKey: opts.singletonKey } : {}),
        runAt: Date.now() + (opts.startAfterSec ?? 0) * 1000,
      });
      queueMicrotask(schedule);
      return id;
    },
    async work(name, handler) {
      if (handlers.has(name)) throw new Error(`a handler for ${name} is already registered`);
      handlers.set(name, handler);
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.allSettled([...running]);
    },
  };
}
